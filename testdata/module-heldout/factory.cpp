//
// factory.cpp - module factory, globals and the RegisterModule entry point.
//
#include "precomp.h"
#include "auditmodule.h"

IHttpServer*        g_pHttpServer = NULL;
HTTP_MODULE_ID      g_pModuleId = NULL;
AUDIT_CONFIG        g_Config;
AUDIT_STATS*        g_pStats = NULL;

VOID AuditTrace(_In_z_ _Printf_format_string_ PCSTR pszFormat, ...)
{
    CHAR    szBuffer[1024];
    va_list args;

    va_start(args, pszFormat);
    if (SUCCEEDED(StringCchVPrintfA(szBuffer, ARRAY_COUNT(szBuffer), pszFormat, args)))
    {
        OutputDebugStringA(szBuffer);
    }
    va_end(args);
}

VOID LoadDefaultConfig(_Out_ AUDIT_CONFIG* pConfig)
{
    ZeroMemory(pConfig, sizeof(*pConfig));
    pConfig->fEnabled = TRUE;
    pConfig->fScanBody = TRUE;
    pConfig->fNotifyOnServerError = TRUE;
    StringCchCopyA(pConfig->szDenyPrefix, ARRAY_COUNT(pConfig->szDenyPrefix), "/admin/");
}

CAuditModuleFactory::CAuditModuleFactory(_In_ IHttpServer* pServer)
    : m_pServer(pServer), m_cModules(0), m_cRecorded(0), m_pLastRequest(NULL)
{
    m_szLastUrl[0] = '\0';
}

HRESULT CAuditModuleFactory::GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
{
    HRESULT         hr = S_OK;
    CAuditModule*   pModule = NULL;

    UNREFERENCED_PARAMETER(pAllocator);

    if (ppModule == NULL)
    {
        return E_INVALIDARG;
    }
    *ppModule = NULL;

    pModule = new (std::nothrow) CAuditModule(this);
    IfNullGo(pModule);

    InterlockedIncrement(&m_cModules);
    *ppModule = pModule;

Finished:
    return hr;
}

VOID CAuditModuleFactory::RecordRequest(_In_ IHttpRequest* pRequest)
{
    HTTP_REQUEST* pRaw = pRequest->GetRawHttpRequest();

    InterlockedIncrement(&m_cRecorded);
    if (pRaw->pRawUrl != NULL && pRaw->RawUrlLength < ARRAY_COUNT(m_szLastUrl))
    {
        strcpy_s(m_szLastUrl, ARRAY_COUNT(m_szLastUrl), pRaw->pRawUrl);
    }

    m_pLastRequest = pRequest;
    //~^ request-scope-escape-long-lived
}

VOID CAuditModuleFactory::Terminate()
{
    AuditTrace("reqaudit: %ld modules created, %ld requests recorded\n", m_cModules, m_cRecorded);

    delete g_pStats;
    g_pStats = NULL;
    delete this;
}

HRESULT
__stdcall
RegisterModule(
    DWORD                           dwServerVersion,
    IHttpModuleRegistrationInfo*    pModuleInfo,
    IHttpServer*                    pHttpServer
    )
{
    HRESULT                 hr = S_OK;
    CAuditModuleFactory*    pFactory = NULL;
    CAuditGlobalModule*     pGlobal = NULL;

    UNREFERENCED_PARAMETER(dwServerVersion);

    if (pModuleInfo == NULL || pHttpServer == NULL)
    {
        return E_INVALIDARG;
    }

    g_pHttpServer = pHttpServer;
    g_pModuleId = pModuleInfo->GetId();
    LoadDefaultConfig(&g_Config);

    g_pStats = new (std::nothrow) AUDIT_STATS;
    IfNullGo(g_pStats);
    ZeroMemory(g_pStats, sizeof(*g_pStats));

    pFactory = new (std::nothrow) CAuditModuleFactory(pHttpServer);
    IfNullGo(pFactory);
    IfFailGo(pModuleInfo->SetRequestNotifications(pFactory,
                                                  RQ_BEGIN_REQUEST | RQ_AUTHORIZE_REQUEST | RQ_EXECUTE_REQUEST_HANDLER |
                                                  RQ_SEND_RESPONSE | RQ_LOG_REQUEST | RQ_END_REQUEST,
                                                  0));
    pFactory = NULL;

    pGlobal = new (std::nothrow) CAuditGlobalModule(pHttpServer);
    IfNullGo(pGlobal);
    IfFailGo(pModuleInfo->SetGlobalNotifications(pGlobal, GL_PRE_BEGIN_REQUEST | GL_CONFIGURATION_CHANGE));
    pGlobal = NULL;

    IfFailGo(pModuleInfo->SetPriorityForRequestNotification(RQ_BEGIN_REQUEST, PRIORITY_ALIAS_HIGH));

Finished:
    if (pFactory != NULL)
    {
        pFactory->Terminate();
    }
    if (pGlobal != NULL)
    {
        pGlobal->Terminate();
    }
    return hr;
}
