//
// post_completion.cpp
//
// Helpers of the upload module that signal IIS with
// IHttpContext::PostCompletion from thread pool callbacks.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <httpserv.h>

struct UPLOAD_STATE
{
    DWORD   cbExpected;
    DWORD   cbReceived;
    BOOL    fAsyncRead;
};

HRESULT DrainPendingWrites(IN IHttpContext* pHttpContext);
VOID    TraceCompletion(IN DWORD dwCallbackId);

//
// The request is posted twice on the same path.
//
VOID CALLBACK
DrainWorkCallback(
    _Inout_     PTP_CALLBACK_INSTANCE   Instance,
    _Inout_opt_ PVOID                   Context,
    _Inout_     PTP_WORK                Work
)
{
    UNREFERENCED_PARAMETER(Instance);
    UNREFERENCED_PARAMETER(Work);

    IHttpContext*   pHttpContext = (IHttpContext*)Context;
    DWORD           dwCallbackId = GetCurrentThreadId();
    HRESULT         hr = DrainPendingWrites(pHttpContext);

    if (FAILED(hr))
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
    }

    pHttpContext->PostCompletion(0);
    TraceCompletion(dwCallbackId);
    pHttpContext->PostCompletion(0);
    //~^ use-after-completion
}

//
// Error branch posts, then the common tail posts again.
//
HRESULT
FinishDrain(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT hr = DrainPendingWrites(pHttpContext);

    if (FAILED(hr))
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hr);
        pHttpContext->PostCompletion(0);
    }

    pHttpContext->PostCompletion(0);
    //~^ use-after-completion
    return hr;
}

//
// The provider is a request object too.
//
HRESULT
FailAndComplete(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider,
    IN HRESULT              hrError
)
{
    pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0, hrError);
    pHttpContext->PostCompletion(0);
    pProvider->SetErrorStatus(hrError);
    //~^ use-after-completion
    return hrError;
}

//
// goto Finished after posting; the label reads the response.
//
HRESULT
CompleteUpload(
    IN IHttpContext*    pHttpContext,
    IN UPLOAD_STATE*    pState
)
{
    HRESULT         hr = S_OK;
    IHttpResponse*  pResponse = pHttpContext->GetResponse();

    if (pState->cbReceived < pState->cbExpected)
    {
        hr = HRESULT_FROM_WIN32(ERROR_HANDLE_EOF);
        pHttpContext->PostCompletion(0);
        goto Finished;
    }

    pResponse->SetStatus(201, "Created");
    pHttpContext->PostCompletion(pState->cbReceived);
    return S_OK;

Finished:
    pResponse->SetStatus(400, "Bad Request", 0, hr);
    //~^ use-after-completion
    return hr;
}

//
// Negative cases
//

//
// One post per path.
//
HRESULT
SignalReadComplete(
    IN IHttpContext*    pHttpContext,
    IN UPLOAD_STATE*    pState
)
{
    if (pState->fAsyncRead)
    {
        pHttpContext->PostCompletion(pState->cbReceived);
    }
    else
    {
        pHttpContext->PostCompletion(0);
    }

    return S_OK;
}

//
// Posting is followed only by a return, or by work on plain numbers.
//
HRESULT
SignalWithTrace(
    IN IHttpContext*    pHttpContext,
    IN UPLOAD_STATE*    pState
)
{
    DWORD dwCallbackId = GetCurrentThreadId();

    if (pState->cbExpected == 0)
    {
        pHttpContext->PostCompletion(0);
        return S_FALSE;
    }

    pHttpContext->GetResponse()->SetStatus(200, "OK");
    pHttpContext->PostCompletion(pState->cbReceived);

    TraceCompletion(dwCallbackId);
    pState->cbReceived = 0;
    return S_OK;
}

//
// goto Finished used only for error reporting; the post is last.
//
HRESULT
FlushAndSignal(
    IN IHttpContext*    pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    DWORD           cbSent = 0;

    hr = pResponse->Flush(FALSE, TRUE, &cbSent);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = DrainPendingWrites(pHttpContext);

Finished:
    if (FAILED(hr))
    {
        pResponse->SetStatus(500, "Internal Server Error", 0, hr);
    }

    pHttpContext->PostCompletion(cbSent);
    return hr;
}
