//
// async_auth_pending.cpp
//
// Asynchronous authorization module.  Work is handed to the thread pool
// and the notification returns RQ_NOTIFICATION_PENDING; the worker calls
// IHttpContext::IndicateCompletion when the decision is made.  A few
// notifications get the protocol wrong.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <httpserv.h>

struct AUTH_JOB
{
    IHttpContext*   pHttpContext;
    DWORD           dwFlags;
};

DWORD WINAPI    AuthorizeProc(_In_ LPVOID lpParameter);
DWORD WINAPI    ScanBodyProc(_In_ LPVOID lpParameter);
VOID CALLBACK   AuthorizeCallback(PTP_CALLBACK_INSTANCE Instance, PVOID Context);
VOID CALLBACK   AuthorizeWorkCallback(PTP_CALLBACK_INSTANCE Instance, PVOID Context, PTP_WORK Work);
VOID CALLBACK   InspectResponseCallback(PTP_CALLBACK_INSTANCE Instance, PVOID Context, PTP_WORK Work);

class CAsyncAuthModule : public CHttpModule
{
public:
    CAsyncAuthModule(HANDLE hDoneEvent, BOOL fSynchronous)
        : m_hDoneEvent(hDoneEvent),
          m_fSynchronous(fSynchronous),
          m_cChunksLeft(0)
    {
    }

    REQUEST_NOTIFICATION_STATUS OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthenticateRequest(IN IHttpContext* pHttpContext, IN IAuthenticationProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnResolveRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnMapRequestHandler(IN IHttpContext* pHttpContext, IN IMapHandlerProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAcquireRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPreExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnReleaseRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnSendResponse(IN IHttpContext* pHttpContext, IN ISendResponseProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);

    REQUEST_NOTIFICATION_STATUS
    OnAsyncCompletion(
        IN IHttpContext*        pHttpContext,
        IN DWORD                dwNotification,
        IN BOOL                 fPostNotification,
        IN IHttpEventProvider*  pProvider,
        IN IHttpCompletionInfo* pCompletionInfo
    );

private:
    HANDLE  m_hDoneEvent;
    BOOL    m_fSynchronous;
    DWORD   m_cChunksLeft;
};

//
// Correct: failure of the hand-off finishes the request, success pends it.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (!QueueUserWorkItem(AuthorizeProc, pHttpContext, WT_EXECUTEDEFAULT))
    {
        pHttpContext->GetResponse()->SetStatus(503, "Service Unavailable", 0,
                                               HRESULT_FROM_WIN32(GetLastError()));
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Correct: classic goto Finished error handling; the label is only
// reached when the hand-off did not happen or failed.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnAuthenticateRequest(
    IN IHttpContext*            pHttpContext,
    IN IAuthenticationProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HRESULT     hr = S_OK;
    AUTH_JOB*   pJob = NULL;

    pJob = new AUTH_JOB;
    if (pJob == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    pJob->pHttpContext = pHttpContext;
    pJob->dwFlags = 0;

    if (!QueueUserWorkItem(AuthorizeProc,
                           pJob,
                           WT_EXECUTELONGFUNCTION))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        delete pJob;
        pJob = NULL;
        goto Finished;
    }

    return RQ_NOTIFICATION_PENDING;

Finished:
    pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

//
// Correct: CreateThreadpoolWork failure is checked, submission then pends.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    PTP_WORK pWork = CreateThreadpoolWork(AuthorizeWorkCallback, pHttpContext, NULL);
    if (pWork == NULL)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    SubmitThreadpoolWork(pWork);
    return RQ_NOTIFICATION_PENDING;
}

//
// Correct: if the callback cannot be queued, skip the check and let the
// pipeline continue; otherwise pend.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    if (!TrySubmitThreadpoolCallback(AuthorizeCallback,
                                     (PVOID)pRequest,
                                     NULL))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Correct: no failure check at all, every path pends.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnMapRequestHandler(
    IN IHttpContext*            pHttpContext,
    IN IMapHandlerProvider*     pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HANDLE hThread = CreateThread(NULL, 0, AuthorizeProc, pHttpContext, 0, NULL);
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Correct: the early CONTINUE happens before anything is handed off.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    if (pRequest->GetRemainingEntityBytes() == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    if (!QueueUserWorkItem(ScanBodyProc, pHttpContext, WT_EXECUTEDEFAULT))
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Correct: re-arming from the completion handler also pends; the
// CONTINUE path does not hand anything off.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnAsyncCompletion(
    IN IHttpContext*        pHttpContext,
    IN DWORD                dwNotification,
    IN BOOL                 fPostNotification,
    IN IHttpEventProvider*  pProvider,
    IN IHttpCompletionInfo* pCompletionInfo
)
{
    UNREFERENCED_PARAMETER(dwNotification);
    UNREFERENCED_PARAMETER(fPostNotification);
    UNREFERENCED_PARAMETER(pProvider);

    if (FAILED(pCompletionInfo->GetCompletionStatus()))
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    if (m_cChunksLeft == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    m_cChunksLeft--;

    if (!TrySubmitThreadpoolCallback(AuthorizeCallback, pHttpContext, NULL))
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Wrong: synchronous mode returns CONTINUE after the work was queued.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (!QueueUserWorkItem(AuthorizeProc, pHttpContext, WT_EXECUTEDEFAULT))
    //~^ request-scope-escape-thread
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    if (m_fSynchronous)
    {
        WaitForSingleObject(m_hDoneEvent, INFINITE);
        return RQ_NOTIFICATION_CONTINUE;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Wrong: the success path falls through into Finished and continues.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HRESULT hr = S_OK;

    if (!QueueUserWorkItem(AuthorizeProc, pHttpContext, WT_EXECUTEDEFAULT))
    //~^ request-scope-escape-thread
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        goto Finished;
    }

    hr = S_OK;

Finished:
    if (FAILED(hr))
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Wrong: a later failure after a successful submission finishes the
// request while the callback still owns it.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HRESULT hr = S_OK;

    if (!TrySubmitThreadpoolCallback(AuthorizeCallback, pHttpContext, NULL))
    //~^ request-scope-escape-thread
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Auth-Pending", "1", 1, TRUE);
    if (FAILED(hr))
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_PENDING;
}

//
// Wrong: the send-response provider is handed to a work item and the
// notification continues.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnSendResponse(
    IN IHttpContext*            pHttpContext,
    IN ISendResponseProvider*   pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);

    PTP_WORK pWork = CreateThreadpoolWork(InspectResponseCallback, pProvider, NULL);
    //~^ request-scope-escape-thread
    if (pWork == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    SubmitThreadpoolWork(pWork);
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Wrong: the scan is queued only for some requests, but every request
// continues.
//
REQUEST_NOTIFICATION_STATUS
CAsyncAuthModule::OnEndRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    BOOL fNeedsScan = (pHttpContext->GetRequest()->GetRemainingEntityBytes() > 0);

    if (fNeedsScan)
    {
        QueueUserWorkItem(ScanBodyProc, pHttpContext, WT_EXECUTEDEFAULT);
        //~^ request-scope-escape-thread
    }

    return RQ_NOTIFICATION_CONTINUE;
}
