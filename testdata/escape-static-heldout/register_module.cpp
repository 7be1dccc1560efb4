// register_module.cpp - module entry point, factory and the basic request handler
#include "hx_common.h"

IHttpServer*        g_pHttpServer = NULL;
HTTP_MODULE_ID      g_pModuleId   = NULL;
PCSTR               g_pszLastUrl  = NULL;

static PVOID              s_pvFactoryCookie = NULL;
static LONG               s_cModulesCreated = 0;
static IModuleAllocator*  s_pLastAllocator  = NULL;

class CHxModule : public CHttpModule
{
public:
    CHxModule()
        : m_pvScratch(NULL),
          m_pszTag(NULL)
    {
    }

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider
    );

private:
    PVOID   m_pvScratch;
    PSTR    m_pszTag;
};

REQUEST_NOTIFICATION_STATUS
CHxModule::OnBeginRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider
)
{
    HRESULT         hr        = S_OK;
    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent    = 0;
    PSTR            pszTag    = NULL;

    m_pvScratch = pHttpContext->AllocateRequestMemory(256);
    if (m_pvScratch == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    pszTag = (PSTR)pHttpContext->AllocateRequestMemory(32);
    if (pszTag == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = StringCchPrintfA(pszTag, 32, "hx-%lu", GetCurrentThreadId());
    if (FAILED(hr))
    {
        goto Finished;
    }

    m_pszTag = pszTag;

    hr = pResponse->SetHeader("X-Hx-Tag", pszTag, (USHORT)strlen(pszTag), TRUE);
    if (FAILED(hr))
    {
        goto Finished;
    }

    chunk.DataChunkType           = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer      = pszTag;
    chunk.FromMemory.BufferLength = (ULONG)strlen(pszTag);
    hr = pResponse->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);

Finished:
    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

class CHxModuleFactory : public IHttpModuleFactory
{
public:
    virtual
    HRESULT
    GetHttpModule(
        OUT CHttpModule**     ppModule,
        IN  IModuleAllocator* pAllocator
    )
    {
        CHxModule*  pModule  = NULL;
        PVOID       pvCookie = NULL;

        if (ppModule == NULL)
        {
            return E_INVALIDARG;
        }

        s_pLastAllocator = pAllocator;

        pvCookie = pAllocator->AllocateMemory(sizeof(ULONGLONG));
        if (pvCookie == NULL)
        {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }
        *(ULONGLONG*)pvCookie = GetTickCount64();

        s_pvFactoryCookie = pvCookie;
        //~^ request-scope-escape-static

        static PVOID s_pvFirstCookie = pAllocator->AllocateMemory(8);
        //~^ request-scope-escape-static
        UNREFERENCED_PARAMETER(s_pvFirstCookie);

        pModule = new CHxModule();
        if (pModule == NULL)
        {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }

        InterlockedIncrement(&s_cModulesCreated);
        *ppModule = pModule;
        pModule = NULL;
        return S_OK;
    }

    virtual
    void
    Terminate()
    {
        delete this;
    }
};

HRESULT
__stdcall
RegisterModule(
    DWORD                        dwServerVersion,
    IHttpModuleRegistrationInfo* pModuleInfo,
    IHttpServer*                 pGlobalInfo
)
{
    HRESULT           hr       = S_OK;
    CHxModuleFactory* pFactory = NULL;

    UNREFERENCED_PARAMETER(dwServerVersion);

    g_pHttpServer = pGlobalInfo;
    g_pModuleId   = pModuleInfo->GetId();

    pFactory = new CHxModuleFactory();
    if (pFactory == NULL)
    {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        goto Finished;
    }

    hr = pModuleInfo->SetRequestNotifications(pFactory, RQ_BEGIN_REQUEST, 0);
    if (FAILED(hr))
    {
        goto Finished;
    }
    pFactory = NULL;

Finished:
    if (pFactory != NULL)
    {
        delete pFactory;
        pFactory = NULL;
    }
    return hr;
}
