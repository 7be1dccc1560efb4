//
// child_requests.cpp
//
// Server-side include style module that executes child requests through
// IHttpContext::CloneContext / ExecuteRequest.  Once ReleaseClonedContext
// has been called the child context and everything obtained from it are
// gone; the parent context is still alive.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <wchar.h>
#include <httpserv.h>

VOID LogChildFailure(IN HRESULT hr);
VOID LogChildMethod(IN PCSTR pszMethod);

//
// Child response read after release; the parent header write in between
// is fine.
//
HRESULT
RunChildRequest(
    _In_ IHttpContext*  pHttpContext,
    _In_ PCWSTR         pszUrl
)
{
    IHttpContext*   pChild = NULL;
    BOOL            fCompletionExpected = FALSE;
    USHORT          uChildStatus = 0;
    HRESULT         hr = S_OK;

    hr = pHttpContext->CloneContext(CLONE_FLAG_BASICS, &pChild);
    if (FAILED(hr))
    {
        return hr;
    }

    hr = pChild->GetRequest()->SetUrl(pszUrl, (DWORD)wcslen(pszUrl), FALSE);
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->ExecuteRequest(FALSE, pChild, 0, NULL, &fCompletionExpected);
    }

    pChild->ReleaseClonedContext();
    pHttpContext->GetResponse()->SetHeader("X-Child-Executed", "1", 1, TRUE);
    pChild->GetResponse()->GetStatus(&uChildStatus);
    //~^ use-after-completion

    return hr;
}

//
// The child's request interface is obtained before release and used
// after it.
//
HRESULT
LogChildMethodAfterRun(
    IN IHttpContext*    pHttpContext,
    IN PCWSTR           pszUrl
)
{
    IHttpContext*   pChild = NULL;
    IHttpRequest*   pChildRequest = NULL;
    BOOL            fCompletionExpected = FALSE;
    HRESULT         hr = S_OK;

    hr = pHttpContext->CloneContext(CLONE_FLAG_BASICS | CLONE_FLAG_HEADERS, &pChild);
    if (FAILED(hr))
    {
        return hr;
    }

    pChildRequest = pChild->GetRequest();
    hr = pChildRequest->SetUrl(pszUrl, (DWORD)wcslen(pszUrl), FALSE);
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->ExecuteRequest(FALSE, pChild, 0, NULL, &fCompletionExpected);
    }

    pChild->ReleaseClonedContext();
    LogChildMethod(pChildRequest->GetHttpMethod());
    //~^ use-after-completion

    return hr;
}

//
// Release in the error branch and again in the common tail.
//
HRESULT
ExecuteChildOnce(
    IN IHttpContext*    pHttpContext,
    IN PCWSTR           pszUrl
)
{
    IHttpContext*   pChild = NULL;
    BOOL            fCompletionExpected = FALSE;
    HRESULT         hr = S_OK;

    hr = pHttpContext->CloneContext(CLONE_FLAG_BASICS, &pChild);
    if (FAILED(hr))
    {
        return hr;
    }

    hr = pChild->GetRequest()->SetUrl(pszUrl, (DWORD)wcslen(pszUrl), FALSE);
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->ExecuteRequest(FALSE, pChild, 0, NULL, &fCompletionExpected);
    }

    if (FAILED(hr))
    {
        LogChildFailure(hr);
        pChild->ReleaseClonedContext();
    }

    pChild->ReleaseClonedContext();
    //~^ use-after-completion

    return hr;
}

//
// Negative cases
//

//
// Correct lifetime: the child is used, then released, then only the parent
// is touched.
//
HRESULT
IncludeChildOutput(
    _In_ IHttpContext*  pHttpContext,
    _In_ PCWSTR         pszUrl
)
{
    IHttpContext*   pChild = NULL;
    IHttpRequest*   pChildRequest = NULL;
    BOOL            fCompletionExpected = FALSE;
    USHORT          uChildStatus = 0;
    HRESULT         hr = S_OK;

    hr = pHttpContext->CloneContext(CLONE_FLAG_BASICS, &pChild);
    if (FAILED(hr))
    {
        goto Finished;
    }

    pChildRequest = pChild->GetRequest();
    hr = pChildRequest->SetUrl(pszUrl, (DWORD)wcslen(pszUrl), FALSE);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = pHttpContext->ExecuteRequest(FALSE, pChild, 0, NULL, &fCompletionExpected);
    if (FAILED(hr))
    {
        goto Finished;
    }

    pChild->GetResponse()->GetStatus(&uChildStatus);
    LogChildMethod(pChildRequest->GetHttpMethod());
    if (uChildStatus >= 400)
    {
        hr = HRESULT_FROM_WIN32(ERROR_BAD_NET_RESP);
    }

Finished:
    if (pChild != NULL)
    {
        pChild->ReleaseClonedContext();
    }

    if (FAILED(hr))
    {
        pHttpContext->GetResponse()->SetStatus(502, "Bad Gateway", 0, hr);
    }

    pHttpContext->GetResponse()->SetHeader("X-Include", "done", 4, TRUE);
    return hr;
}

//
// Child request module: the child is released in the completion handler
// and the parent response is updated afterwards.
//
class CChildRequestModule : public CHttpModule
{
public:
    CChildRequestModule()
        : m_pChildContext(NULL)
    {
    }

    REQUEST_NOTIFICATION_STATUS
    OnAsyncCompletion(
        IN IHttpContext*        pHttpContext,
        IN DWORD                dwNotification,
        IN BOOL                 fPostNotification,
        IN IHttpEventProvider*  pProvider,
        IN IHttpCompletionInfo* pCompletionInfo
    );

private:
    IHttpContext*   m_pChildContext;
};

REQUEST_NOTIFICATION_STATUS
CChildRequestModule::OnAsyncCompletion(
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

    IHttpContext*   pChild = m_pChildContext;
    HRESULT         hrChild = pCompletionInfo->GetCompletionStatus();

    if (pChild == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pChild->ReleaseClonedContext();

    if (FAILED(hrChild))
    {
        pHttpContext->GetResponse()->SetStatus(502, "Bad Gateway", 0, hrChild);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    pHttpContext->GetResponse()->SetHeader("X-Child-Async", "1", 1, TRUE);
    return RQ_NOTIFICATION_CONTINUE;
}
