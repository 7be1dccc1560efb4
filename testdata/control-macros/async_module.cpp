#include "macros.h"

DWORD WINAPI Worker(LPVOID pv);

// The hand-off fails into the Error label, which may return anything: not flagged.
REQUEST_NOTIFICATION_STATUS
CAsyncModule::OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT hr = S_OK;
    ErrorIf(!QueueUserWorkItem(Worker, pHttpContext, WT_EXECUTEDEFAULT), E_FAIL);
    return RQ_NOTIFICATION_PENDING;
Error:
    pProvider->SetErrorStatus(hr);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

// After a successful hand-off a later failure jumps to a label that does not pend: the
// request can end while the worker still uses the context.
REQUEST_NOTIFICATION_STATUS
CAsyncModule::OnSendResponse(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT hr = S_OK;
    ErrorIf(!QueueUserWorkItem(Worker, pHttpContext, WT_EXECUTEDEFAULT), E_FAIL);
    //~^ request-scope-escape-thread
    ErrorIf(FAILED(hr = pHttpContext->GetResponse()->SetHeader("X-Async", "1", 1, TRUE)), hr);
    return RQ_NOTIFICATION_PENDING;
Error:
    pProvider->SetErrorStatus(hr);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

// NULL checks hidden in macros count as checks.
HRESULT
CAsyncModule::CopyHeader(IN IHttpContext* pHttpContext, PCSTR pszValue, DWORD cch)
{
    HRESULT hr = S_OK;
    char* pszCopy = NULL;
    char* pszOther = NULL;

    ErrorIf(NULL == (pszCopy = (char*)pHttpContext->AllocateRequestMemory(cch + 1)), E_OUTOFMEMORY);
    memcpy(pszCopy, pszValue, cch);

    pszOther = (char*)pHttpContext->AllocateRequestMemory(cch + 1);
    CheckNull(pszOther);
    pszOther[0] = '\0';

    m_pszCopy = pszCopy;
    m_pszOther = pszOther;
Error:
    return hr;
}

HRESULT
CAsyncModule::CopyWithFinished(IN IHttpContext* pHttpContext, DWORD cch)
{
    HRESULT hr = S_OK;
    char* pszBuffer = (char*)pHttpContext->AllocateRequestMemory(cch);
    FINISHED_IF_NULL_ALLOC(pszBuffer);
    pszBuffer[0] = '\0';

    char* pszUnchecked = (char*)pHttpContext->AllocateRequestMemory(cch);
    FINISHED_IF_FAILED(pHttpContext->GetResponse()->SetStatus(200, "OK"));
    pszUnchecked[0] = '\0';
    //~^ request-memory-unchecked
    m_pszBuffer = pszBuffer;
    m_pszUnchecked = pszUnchecked;
Finished:
    return hr;
}
