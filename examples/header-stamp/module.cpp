// module.cpp - HeaderStamp: the per-request module and its factory.
#include "module.h"

// Trace id of the last request this worker process began. Terminate() prints
// it, so after a crash or a recycle we can tell which request was in flight.
static char* g_pszLastTraceId = NULL;

CStampModule::CStampModule()
    : m_pszStamp(NULL),
      m_ullStart(GetTickCount64())
{
}

VOID
CStampModule::Dispose()
{
    // Our memory came from IModuleAllocator and goes away with the request,
    // so only run the destructor; never delete.
    this->~CStampModule();
}

REQUEST_NOTIFICATION_STATUS
CStampModule::OnBeginRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider)
{
    HRESULT hr = S_OK;
    PCSTR   pszHeader = NULL;
    USHORT  cchHeader = 0;
    PSTR    pszTraceId = NULL;
    DWORD   cbTraceId = 0;

    CStampStats::RecordRequest(pHttpContext);

    pszHeader = pHttpContext->GetRequest()->GetHeader("X-Trace-Id", &cchHeader);
    if (pszHeader == NULL)
    {
        cchHeader = 0;
    }
    if (cchHeader > STAMP_MAX_TRACE_ID)
    {
        cchHeader = STAMP_MAX_TRACE_ID;
    }

    // Room for the client's id, or for a generated "iis-<ticks>-<tid>".
    cbTraceId = (cchHeader > 0 ? cchHeader : 40) + 1;
    pszTraceId = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cbTraceId));
    if (pszTraceId == NULL)
    {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        goto Finished;
    }

    if (cchHeader > 0)
    {
        hr = StringCbPrintfA(pszTraceId, cbTraceId, "%.*s", (int)cchHeader, pszHeader);
    }
    else
    {
        hr = StringCbPrintfA(pszTraceId, cbTraceId, "iis-%llx-%lx",
                             GetTickCount64(), GetCurrentThreadId());
    }
    if (FAILED(hr))
    {
        goto Finished;
    }

    // Hand the (possibly new or shortened) id to the application behind us.
    hr = pHttpContext->GetRequest()->SetHeader("X-Trace-Id", pszTraceId,
                                               (USHORT)strlen(pszTraceId), TRUE);
    if (FAILED(hr))
    {
        goto Finished;
    }

    // BUG: the buffer belongs to this request and is freed when it ends, but the global keeps pointing at it.
    g_pszLastTraceId = pszTraceId;

Finished:
    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStampModule::OnSendResponse(
    IN IHttpContext*          pHttpContext,
    IN ISendResponseProvider* pProvider)
{
    // The server tag never changes, so it is formatted once per process.
    static PSTR s_pszServerTag = NULL;

    HRESULT hr = S_OK;
    PCSTR   pszTraceId = NULL;
    USHORT  cchTraceId = 0;
    PSTR    pszStamp = NULL;
    DWORD   cchStamp = 0;
    DWORD   cchServerTag = 0;
    CHAR    szComputer[MAX_COMPUTERNAME_LENGTH + 1] = "";
    DWORD   cchComputer = ARRAYSIZE(szComputer);

    if (s_pszServerTag == NULL)
    {
        GetComputerNameA(szComputer, &cchComputer);
        cchServerTag = cchComputer + (DWORD)wcslen(g_pHttpServer->GetAppPoolName()) + 16;
        // BUG: the cache is static but the memory is this request's, so every later response reads freed memory.
        s_pszServerTag = static_cast<PSTR>(
            pHttpContext->AllocateRequestMemory(cchServerTag));
        if (s_pszServerTag == NULL)
        {
            hr = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
            goto Finished;
        }
        hr = StringCchPrintfA(s_pszServerTag, cchServerTag, "%s/%S#%lu", szComputer,
                              g_pHttpServer->GetAppPoolName(), GetCurrentProcessId());
        if (FAILED(hr))
        {
            goto Finished;
        }
    }

    // OnSendResponse can run more than once per request (custom errors,
    // child requests); format the stamp only the first time.
    if (m_pszStamp == NULL)
    {
        // Set (or shortened) by OnBeginRequest, so it is normally there.
        pszTraceId = pHttpContext->GetRequest()->GetHeader("X-Trace-Id", &cchTraceId);
        if (pszTraceId == NULL)
        {
            pszTraceId = "-";
            cchTraceId = 1;
        }

        cchStamp = cchTraceId + (DWORD)strlen(s_pszServerTag) + 32;
        pszStamp = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchStamp));
        if (pszStamp == NULL)
        {
            hr = HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
            goto Finished;
        }
        hr = StringCchPrintfA(pszStamp, cchStamp, "%.*s;srv=%s;ms=%llu",
                              (int)cchTraceId, pszTraceId, s_pszServerTag,
                              GetTickCount64() - m_ullStart);
        if (FAILED(hr))
        {
            goto Finished;
        }

        // Fine: this module object is freed together with the request.
        m_pszStamp = pszStamp;
        CStampStats::RecordStamp(m_pszStamp);
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Stamp", m_pszStamp,
                                                (USHORT)strlen(m_pszStamp), TRUE);

Finished:
    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

HRESULT
CStampFactory::GetHttpModule(
    OUT CHttpModule**     ppModule,
    IN  IModuleAllocator* pAllocator)
{
    PVOID pvModule = NULL;

    if (ppModule == NULL || pAllocator == NULL)
    {
        return E_INVALIDARG;
    }
    *ppModule = NULL;

    pvModule = pAllocator->AllocateMemory(sizeof(CStampModule));
    if (pvModule == NULL)
    {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }

    *ppModule = new (pvModule) CStampModule();
    return S_OK;
}

VOID
CStampFactory::Terminate()
{
    if (g_pszLastTraceId != NULL)
    {
        OutputDebugStringA("HeaderStamp: last trace id ");
        OutputDebugStringA(g_pszLastTraceId);
        OutputDebugStringA("\n");
    }
    CStampStats::Dump();
    delete this;
}
