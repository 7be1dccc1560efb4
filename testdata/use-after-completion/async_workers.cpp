//
// async_workers.cpp
//
// Worker thread procedures that finish requests pended by the async
// response module.  The worker owns the request until it calls
// IHttpContext::IndicateCompletion; after that IIS may recycle the
// context at any moment.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdlib.h>
#include <httpserv.h>

struct WORK_ITEM
{
    IHttpContext*   pHttpContext;
    char*           pszBody;
    DWORD           cbBody;
    char*           pszLogLine;     // heap copy owned by the item
};

class CRequestTracker
{
public:
    VOID Add(IN IHttpContext* pHttpContext);
    VOID Remove(IN IHttpContext* pHttpContext);

    VOID
    Finish(
        IN IHttpContext*    pHttpContext
    )
    {
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
        m_pLastCompleted = pHttpContext;
        //~^ use-after-completion
        m_cCompleted++;
    }

    VOID
    FinishCorrectly(
        IN IHttpContext*    pHttpContext
    )
    {
        Remove(pHttpContext);
        m_cCompleted++;
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    }

private:
    IHttpContext*   m_pLastCompleted;
    DWORD           m_cCompleted;
};

static CRequestTracker*     g_pTracker = NULL;
static volatile LONG        g_cOutstanding = 0;
static HANDLE               g_hDrainedEvent = NULL;

HRESULT BuildResponseBody(IN IHttpResponse* pResponse, IN const char* pszBody, IN DWORD cbBody);
BOOL    ValidateBody(IN const char* pszBody, IN DWORD cbBody);
VOID    TraceWorkerResult(IN DWORD dwWorkerId, IN HRESULT hr);
VOID    TraceBytes(IN DWORD cbBytes);
VOID    WriteLogLine(IN const char* pszLine);

//
// The status is set after the request was already given back.
//
DWORD WINAPI ResponseWorker(_In_ LPVOID pv)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)pv;
    IHttpContext*   pCtx = pItem->pHttpContext;
    HRESULT         hr = S_OK;

    hr = BuildResponseBody(pCtx->GetResponse(), pItem->pszBody, pItem->cbBody);

    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    if (FAILED(hr))
    {
        pCtx->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
        //~^ use-after-completion
    }

    free(pItem->pszLogLine);
    delete pItem;
    return 0;
}

//
// Clearing the response after completion; later uses are not reported
// again.
//
DWORD WINAPI ResetWorker(_In_ LPVOID pv)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)pv;
    IHttpContext*   pCtx = pItem->pHttpContext;

    pCtx->GetResponse()->SetStatus(204, "No Content");
    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    pCtx->GetResponse()->Clear();
    //~^ use-after-completion
    pCtx->GetResponse()->SetHeader("Cache-Control", "no-store", 8, TRUE);
    pCtx->SetRequestHandled();

    delete pItem;
    return 0;
}

//
// Completion in the error branch, then the common tail touches the
// request again.
//
DWORD WINAPI ValidateWorker(_In_ LPVOID lpParameter)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)lpParameter;
    IHttpContext*   pCtx = pItem->pHttpContext;
    IHttpRequest*   pRequest = pCtx->GetRequest();
    BOOL            fValid = ValidateBody(pItem->pszBody, pItem->cbBody);

    if (!fValid)
    {
        pCtx->GetResponse()->SetStatus(400, "Bad Request");
        pCtx->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
    }

    pRequest->SetHeader("X-Body-Validated", "1", 1, TRUE);
    //~^ use-after-completion
    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    delete pItem;
    return 0;
}

//
// The tracker is told to forget the context after it was completed.
//
DWORD WINAPI TrackedWorker(_In_ LPVOID lpParameter)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)lpParameter;
    IHttpContext*   pCtx = pItem->pHttpContext;
    HRESULT         hr = S_OK;

    hr = BuildResponseBody(pCtx->GetResponse(), pItem->pszBody, pItem->cbBody);
    TraceWorkerResult(GetCurrentThreadId(), hr);

    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    g_pTracker->Remove(pCtx);
    //~^ use-after-completion

    delete pItem;
    return 0;
}

//
// A request interface obtained earlier is just as dead.
//
DWORD WINAPI HeaderCleanupWorker(_In_ LPVOID lpParameter)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)lpParameter;
    IHttpContext*   pCtx = pItem->pHttpContext;
    IHttpRequest*   pRequest = pCtx->GetRequest();
    HRESULT         hr = S_OK;

    hr = BuildResponseBody(pCtx->GetResponse(), pItem->pszBody, pItem->cbBody);

    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    TraceWorkerResult(GetCurrentThreadId(), hr);
    pRequest->DeleteHeader("X-Pending-Id");
    //~^ use-after-completion

    delete pItem;
    return 0;
}

//
// Negative cases
//

//
// Error branch completes and leaves; the success path uses the request and
// completes last.  Only process state and the item are touched afterwards.
//
DWORD WINAPI CorrectWorker(_In_ LPVOID lpParameter)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)lpParameter;
    IHttpContext*   pCtx = pItem->pHttpContext;
    IHttpResponse*  pResponse = pCtx->GetResponse();
    HRESULT         hr = S_OK;
    DWORD           cbSent = 0;

    hr = BuildResponseBody(pResponse, pItem->pszBody, pItem->cbBody);
    if (FAILED(hr))
    {
        pResponse->SetStatus(500, "Internal Server Error", 0, hr);
        pCtx->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        delete pItem;
        return 1;
    }

    hr = pResponse->Flush(FALSE, TRUE, &cbSent);
    g_pTracker->Remove(pCtx);

#ifdef ASYNC_WORKER_TRACE
    OutputDebugStringA("CorrectWorker: completing request\n");
#endif

    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    TraceBytes(cbSent);
    TraceWorkerResult(GetCurrentThreadId(), hr);
    WriteLogLine(pItem->pszLogLine);
    free(pItem->pszLogLine);
    delete pItem;

    if (InterlockedDecrement(&g_cOutstanding) == 0)
    {
        SetEvent(g_hDrainedEvent);
    }

    return 0;
}

//
// Completion is the very last statement.
//
VOID
CompleteWithStatus(
    _In_ IHttpContext*  pHttpContext,
    _In_ HRESULT        hr
)
{
    if (FAILED(hr))
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
    }

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
}

//
// Early return right after completion in one branch, the other branch
// still owns the request.
//
DWORD WINAPI EarlyExitWorker(_In_ LPVOID lpParameter)
{
    WORK_ITEM*      pItem = (WORK_ITEM*)lpParameter;
    IHttpContext*   pCtx = pItem->pHttpContext;

    if (pItem->cbBody == 0)
    {
        pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
        delete pItem;
        return 0;
    }

    pCtx->GetResponse()->SetStatus(202, "Accepted");
    g_pTracker->Add(pCtx);
    pCtx->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    delete pItem;
    return 0;
}
