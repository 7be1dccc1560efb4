//
// Request body inspection module.  A handful of code paths allocate a
// scratch buffer "just in case" and then leave the function without ever
// touching it; the request heap keeps the memory until the request ends.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define ErrorIf(expr, hresult)  if (expr) { hr = (hresult); goto Error; }
#define IfFailGo(expr)          { hr = (expr); if (FAILED(hr)) { goto Error; } }

#define SCRATCH_BYTES       4096
#define TRACE_CCH           256
#define MAX_INSPECT_BYTES   (64 * 1024)

typedef struct _INSPECT_STATE
{
    DWORD   cbSeen;
    DWORD   cMatches;
    BOOL    fBlocked;
} INSPECT_STATE;

BOOL IsInspectionEnabled(_In_ IHttpContext * pHttpContext);
VOID RecordState(_In_ INSPECT_STATE * pState);

class CBodyInspectModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );

private:
    INSPECT_STATE * m_pState;
    PBYTE           m_pbBody;
    DWORD           m_cbBody;
};

REQUEST_NOTIFICATION_STATUS
CBodyInspectModule::OnBeginRequest(
    IN IHttpContext *       pHttpContext,
    IN IHttpEventProvider * pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    PVOID           pvScratch = pHttpContext->AllocateRequestMemory(SCRATCH_BYTES);
//~^ request-memory-dead-alloc

    if (cbRemaining == 0 || cbRemaining > MAX_INSPECT_BYTES)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    m_cbBody = cbRemaining;
    m_pbBody = (PBYTE) pHttpContext->AllocateRequestMemory(m_cbBody);
    if (m_pbBody == NULL)
    {
        pHttpContext->GetResponse()->SetStatus(500, "Server Error", 0, E_OUTOFMEMORY);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

HRESULT
InspectHeaders(
    IN IHttpContext * pHttpContext
)
{
    IHttpRequest * pRequest = pHttpContext->GetRequest();
    USHORT         cchType = 0;
    PCSTR          pszType = pRequest->GetHeader("Content-Type", &cchType);

    if (pszType != NULL && cchType > 0)
    {
        PSTR pszLower = (PSTR) pHttpContext->AllocateRequestMemory(cchType + 1);
//~^ request-memory-dead-alloc
        if (pszLower == NULL)
        {
            return E_OUTOFMEMORY;
        }
    }

    return pHttpContext->GetResponse()->SetHeader("X-Inspected", "1", 1, TRUE);
}

HRESULT
TraceOriginalUrl(
    IN IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PSTR    pszTrace = NULL;
    PCSTR   pszUrl = NULL;
    DWORD   cchUrl = 0;

    pszTrace = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_CCH);
//~^ request-memory-dead-alloc
    if (pszTrace == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pHttpContext->GetServerVariable("URL", &pszUrl, &cchUrl);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Original-Url", pszUrl, (USHORT) cchUrl, TRUE);

Finished:

    return hr;
}

HRESULT
TraceMethod(
    IN IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PSTR    pszTrace = NULL;
    PCSTR   pszMethod = pHttpContext->GetRequest()->GetHttpMethod();

    ErrorIf(NULL == (pszTrace = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_CCH)), E_OUTOFMEMORY);
//~^ request-memory-dead-alloc
    IfFailGo(pHttpContext->GetResponse()->SetHeader("X-Method", pszMethod, (USHORT) strlen(pszMethod), TRUE));

Error:

    return hr;
}

HRESULT
StartInspection(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fDryRun
)
{
    INSPECT_STATE * pState = (INSPECT_STATE *) pHttpContext->AllocateRequestMemory(sizeof(INSPECT_STATE));
//~^ request-memory-dead-alloc

    if (!pState)
    {
        return E_OUTOFMEMORY;
    }

    if (fDryRun)
    {
        return S_FALSE;
    }

    return pHttpContext->GetResponse()->SetHeader("X-Inspection", "on", 2, TRUE);
}

HRESULT
InspectWithAllocator(
    IN IModuleAllocator *   pAllocator,
    IN IHttpResponse *      pResponse,
    IN DWORD                cbBody
)
{
    if (cbBody > MAX_INSPECT_BYTES)
    {
        PBYTE pbCopy = (PBYTE) pAllocator->AllocateMemory(cbBody);
//~^ request-memory-dead-alloc
        if (pbCopy == nullptr)
        {
            return E_OUTOFMEMORY;
        }

        return pResponse->SetHeader("X-Inspection", "skipped", 7, TRUE);
    }

    return S_OK;
}

//
// Near misses: the allocation escapes the function or is used before the
// function returns.
//

HRESULT
StartInspectionRecorded(
    IN IHttpContext * pHttpContext
)
{
    INSPECT_STATE * pState = (INSPECT_STATE *) pHttpContext->AllocateRequestMemory(sizeof(INSPECT_STATE));

    if (!pState)
    {
        return E_OUTOFMEMORY;
    }

    pState->cbSeen = 0;
    pState->cMatches = 0;
    pState->fBlocked = FALSE;
    RecordState(pState);
    return S_OK;
}

HRESULT
TraceOriginalUrlUsed(
    IN IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PSTR    pszTrace = NULL;
    PCSTR   pszUrl = NULL;
    DWORD   cchUrl = 0;

    pszTrace = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_CCH);
    if (pszTrace == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pHttpContext->GetServerVariable("URL", &pszUrl, &cchUrl);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = StringCchPrintfA(pszTrace, TRACE_CCH, "url=%s", pszUrl);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Trace", pszTrace, (USHORT) strlen(pszTrace), TRUE);

Finished:

    return hr;
}

HRESULT
InspectHeadersUsed(
    IN IHttpContext * pHttpContext
)
{
    IHttpRequest * pRequest = pHttpContext->GetRequest();
    USHORT         cchType = 0;
    PCSTR          pszType = pRequest->GetHeader("Content-Type", &cchType);

    if (pszType != NULL && cchType > 0)
    {
        PSTR pszLower = (PSTR) pHttpContext->AllocateRequestMemory(cchType + 1);
        if (pszLower == NULL)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszLower, pszType, cchType);
        pszLower[cchType] = '\0';
        _strlwr_s(pszLower, cchType + 1);

        return pHttpContext->GetResponse()->SetHeader("X-Content-Type", pszLower, cchType, TRUE);
    }

    return S_OK;
}

HRESULT
InspectIfEnabled(
    IN IHttpContext * pHttpContext
)
{
    PBYTE pbScratch = (PBYTE) pHttpContext->AllocateRequestMemory(SCRATCH_BYTES);

    if (pbScratch == NULL)
    {
        return E_OUTOFMEMORY;
    }

    if (!IsInspectionEnabled(pHttpContext))
    {
        // Nothing to do; the buffer is simply not needed on this path.
        return S_FALSE;
    }

    ZeroMemory(pbScratch, SCRATCH_BYTES);
    return pHttpContext->GetRequest()->InsertEntityBody(pbScratch, SCRATCH_BYTES);
}
