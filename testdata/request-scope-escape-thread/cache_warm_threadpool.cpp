//
// cache_warm_threadpool.cpp
//
// Output cache warming module.  Uses the legacy and the Vista thread pool
// APIs plus timer queue timers from request notifications.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <string>
#include <httpserv.h>

#define WARM_SCRATCH_SIZE   512

static IHttpServer*     g_pWarmServer = NULL;
static PTP_WORK         g_pCleanupWork = NULL;
static HANDLE           g_hTimerQueue = NULL;

struct WARM_REQUEST
{
    IHttpRequest*   pRequest;
    ULONGLONG       ullQueuedAt;
};

VOID WarmCacheEntry(IN PCSTR pszKey);
VOID WarmFromRequest(IN const WARM_REQUEST* pWarm);
VOID ResolveHostName(IN PVOID pvHost);
VOID FlushPendingEntries(IN PVOID pvOwner);

//
// Callbacks
//

DWORD WINAPI WarmCacheProc(_In_ LPVOID lpParameter)
{
    WarmCacheEntry((PCSTR)lpParameter);
    return 0;
}

DWORD WINAPI WarmRequestProc(_In_ LPVOID lpParameter)
{
    WarmFromRequest((const WARM_REQUEST*)lpParameter);
    return 0;
}

DWORD WINAPI WarmStringProc(_In_ LPVOID lpParameter)
{
    std::string* pstrKey = (std::string*)lpParameter;

    WarmCacheEntry(pstrKey->c_str());
    delete pstrKey;
    return 0;
}

VOID CALLBACK HostLookupCallback(
    _Inout_     PTP_CALLBACK_INSTANCE   Instance,
    _Inout_opt_ PVOID                   Context
)
{
    UNREFERENCED_PARAMETER(Instance);
    ResolveHostName(Context);
}

VOID CALLBACK FlushWorkCallback(
    _Inout_     PTP_CALLBACK_INSTANCE   Instance,
    _Inout_opt_ PVOID                   Context,
    _Inout_     PTP_WORK                Work
)
{
    UNREFERENCED_PARAMETER(Instance);
    UNREFERENCED_PARAMETER(Work);
    FlushPendingEntries(Context);
}

VOID CALLBACK ExpireTimerCallback(
    _In_ PVOID      lpParameter,
    _In_ BOOLEAN    TimerOrWaitFired
)
{
    UNREFERENCED_PARAMETER(TimerOrWaitFired);
    FlushPendingEntries(lpParameter);
}

//
// Module
//

class CCacheWarmModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnResolveRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostResolveRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAcquireRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPreExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnReleaseRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnUpdateRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnLogRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
};

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (!QueueUserWorkItem(WarmCacheProc, pHttpContext, WT_EXECUTEDEFAULT))
    //~^ request-scope-escape-thread
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnPostBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT  cchHost = 0;
    PCSTR   pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);

    if (pszHost == NULL || cchHost == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    TrySubmitThreadpoolCallback(HostLookupCallback, (PVOID)pszHost, NULL);
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    PTP_WORK        pWork = NULL;

    pWork = CreateThreadpoolWork(FlushWorkCallback, pResponse, NULL);
    //~^ request-scope-escape-thread
    if (pWork == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    SubmitThreadpoolWork(pWork);
    CloseThreadpoolWork(pWork);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HANDLE  hTimer = NULL;
    PVOID   pvScratch = pHttpContext->AllocateRequestMemory(WARM_SCRATCH_SIZE);

    if (pvScratch == NULL)
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, E_OUTOFMEMORY);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    ZeroMemory(pvScratch, WARM_SCRATCH_SIZE);

    if (!CreateTimerQueueTimer(&hTimer, g_hTimerQueue, ExpireTimerCallback, pvScratch, 100, 0, 0))
    //~^ request-scope-escape-thread
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnPostResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    WARM_REQUEST    warm;

    warm.pRequest = pRequest;
    warm.ullQueuedAt = GetTickCount64();

    QueueUserWorkItem(WarmRequestProc, &warm, WT_EXECUTELONGFUNCTION);
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    HTTP_REQUEST*   pRawRequest = pRequest->GetRawHttpRequest();

    if (pRawRequest->Verb != HttpVerbGET)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    TrySubmitThreadpoolCallback(HostLookupCallback, pRawRequest, NULL);
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HTTP_REQUEST*   pRawRequest = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszRawUrl = pRawRequest->pRawUrl;

    if (pszRawUrl == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    QueueUserWorkItem(WarmCacheProc, (LPVOID)pszRawUrl, WT_EXECUTEDEFAULT);
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpUser*  pUser = pHttpContext->GetUser();
    PTP_WORK    pWork = NULL;

    if (pUser == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pWork = CreateThreadpoolWork(FlushWorkCallback, pUser, NULL);
    //~^ request-scope-escape-thread
    if (pWork == NULL)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    SubmitThreadpoolWork(pWork);

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Negative cases
//

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT          cchAccept = 0;
    PCSTR           pszAccept = pHttpContext->GetRequest()->GetHeader("Accept", &cchAccept);
    std::string*    pstrKey = NULL;

    if (pszAccept == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    // Hand the work item its own copy of the header value.
    pstrKey = new std::string(pszAccept, cchAccept);

    if (!QueueUserWorkItem(WarmStringProc, pstrKey, WT_EXECUTEDEFAULT))
    {
        delete pstrKey;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnUpdateRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    TrySubmitThreadpoolCallback(HostLookupCallback, g_pWarmServer, NULL);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnLogRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    HANDLE  hTimer = NULL;
    DWORD   dwTimeoutMs = 30 * 1000;

    CreateTimerQueueTimer(&hTimer, g_hTimerQueue, ExpireTimerCallback,
                          (PVOID)(ULONG_PTR)dwTimeoutMs, dwTimeoutMs, 0, WT_EXECUTEONLYONCE);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CCacheWarmModule::OnEndRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    // The cleanup work object was created at module load time with no
    // request state attached; submitting it again is fine.
    if (g_pCleanupWork != NULL)
    {
        SubmitThreadpoolWork(g_pCleanupWork);
    }

    return RQ_NOTIFICATION_CONTINUE;
}
