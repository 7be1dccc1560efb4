//
// Per-request state for the request-id / tracing module.  Most buffers here
// escape the allocating function (member, out-parameter, return value,
// helper call or alias) and must not be reported.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define RETURN_IF_NULL_ALLOC(p)     { if ((p) == NULL) { return E_OUTOFMEMORY; } }

#define TRACE_ID_CCH        40
#define SPAN_CCH            24

typedef struct _SPAN
{
    DWORD   dwParent;
    DWORD   dwSpan;
    PCSTR   pszName;
} SPAN;

typedef struct _TRACE_CONTEXT
{
    PSTR    pszTraceId;
    SPAN *  pSpan;
} TRACE_CONTEXT;

VOID InitializeSpan(_Out_ SPAN * pSpan, IN DWORD dwParent);
VOID GenerateTraceId(_Out_writes_(cch) PSTR pszBuffer, IN DWORD cch);

class CTraceModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );

private:
    HRESULT CreateNames(IN IHttpContext * pHttpContext);

    PSTR    m_pszTraceId;
    PSTR    m_pszName;
    SPAN *  m_pSpan;
};

REQUEST_NOTIFICATION_STATUS
CTraceModule::OnBeginRequest(
    IN IHttpContext *       pHttpContext,
    IN IHttpEventProvider * pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    PSTR pszTraceId = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_ID_CCH);

    // Kept for the later notifications of this request.
    m_pszTraceId = pszTraceId;
    return RQ_NOTIFICATION_CONTINUE;
}

HRESULT
CTraceModule::CreateNames(
    IN IHttpContext * pHttpContext
)
{
    PSTR pszName = (PSTR) pHttpContext->AllocateRequestMemory(SPAN_CCH);
    PSTR pszAlias = (PSTR) pHttpContext->AllocateRequestMemory(SPAN_CCH);
//~^ request-memory-dead-alloc

    if (pszName == NULL || pszAlias == NULL)
    {
        return E_OUTOFMEMORY;
    }

    m_pszName = pszName;
    return S_OK;
}

PVOID
AllocateScratch(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbScratch
)
{
    return pHttpContext->AllocateRequestMemory(cbScratch);
}

PSTR
AllocateTraceId(
    IN IHttpContext * pHttpContext
)
{
    PSTR pszTraceId = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_ID_CCH);

    return pszTraceId;
}

HRESULT
CreateSpan(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwParent,
    OUT SPAN **         ppSpan
)
{
    SPAN * pSpan = (SPAN *) pHttpContext->AllocateRequestMemory(sizeof(SPAN));

    *ppSpan = pSpan;
    return pSpan != NULL ? S_OK : E_OUTOFMEMORY;
}

VOID
StartSpan(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwParent
)
{
    SPAN * pSpan = (SPAN *) pHttpContext->AllocateRequestMemory(sizeof(SPAN));

    InitializeSpan(pSpan, dwParent);
}

HRESULT
FillTraceContext(
    IN IHttpContext *       pHttpContext,
    _Inout_ TRACE_CONTEXT * pContext
)
{
    PSTR pszTraceId = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_ID_CCH);

    RETURN_IF_NULL_ALLOC(pszTraceId);

    pContext->pszTraceId = pszTraceId;
    return S_OK;
}

HRESULT
SetTraceHeader(
    IN IHttpContext * pHttpContext
)
{
    PSTR pszBuffer = (PSTR) pHttpContext->AllocateRequestMemory(TRACE_ID_CCH + 3);
    PSTR pszCursor = NULL;

    if (pszBuffer == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pszCursor = pszBuffer;
    *pszCursor++ = '0';
    *pszCursor++ = '0';
    *pszCursor++ = '-';
    GenerateTraceId(pszCursor, TRACE_ID_CCH);

    return pHttpContext->GetResponse()->SetHeader("traceparent", pszBuffer, (USHORT) strlen(pszBuffer), TRUE);
}

HRESULT
SendTraceBody(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;
    PBYTE           pbBody = (PBYTE) pHttpContext->AllocateRequestMemory(TRACE_ID_CCH);

    if (pbBody == NULL)
    {
        return E_OUTOFMEMORY;
    }

    GenerateTraceId((PSTR) pbBody, TRACE_ID_CCH);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pbBody;
    chunk.FromMemory.BufferLength = (ULONG) strlen((PCSTR) pbBody);

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, FALSE, &cbSent);
}

HRESULT
SetSpanHeader(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fUseRequestId
)
{
    CHAR szFallback[SPAN_CCH] = "0000000000000000";
    PSTR pszSpan = (PSTR) pHttpContext->AllocateRequestMemory(SPAN_CCH);

    if (pszSpan == NULL)
    {
        return E_OUTOFMEMORY;
    }

    GenerateTraceId(pszSpan, SPAN_CCH);

    PCSTR pszValue = fUseRequestId ? pszSpan : szFallback;
    return pHttpContext->GetResponse()->SetHeader("X-Span", pszValue, (USHORT) strlen(pszValue), TRUE);
}

HRESULT
CopyTraceIdWithAllocator(
    IN IModuleAllocator *   pAllocator,
    _In_ PCSTR              pszTraceId,
    OUT PSTR *              ppszCopy
)
{
    PSTR pszCopy = (PSTR) pAllocator->AllocateMemory(TRACE_ID_CCH);

    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    StringCchCopyA(pszCopy, TRACE_ID_CCH, pszTraceId);
    *ppszCopy = pszCopy;
    return S_OK;
}

//
// Positives: the value placed in the variable is replaced by request data
// before anything reads the allocation.
//

HRESULT
EchoRawUrl(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszUrl = (PCSTR) pHttpContext->AllocateRequestMemory(pRaw->RawUrlLength + 1);
//~^ request-memory-dead-alloc

    if (pszUrl == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pszUrl = pRaw->pRawUrl;
    return pHttpContext->GetResponse()->SetHeader("X-Raw-Url", pszUrl, pRaw->RawUrlLength, TRUE);
}

HRESULT
TraceScriptName(
    IN IHttpContext * pHttpContext
)
{
    DWORD   cchScript = 0;
    PCWSTR  pwszScript = NULL;
    CHAR    szScript[MAX_PATH];

    pwszScript = (PCWSTR) pHttpContext->AllocateRequestMemory(MAX_PATH * sizeof(WCHAR));
//~^ request-memory-dead-alloc
    pwszScript = pHttpContext->GetScriptName(&cchScript);

    if (WideCharToMultiByte(CP_UTF8, 0, pwszScript, (int) cchScript, szScript, sizeof(szScript) - 1, NULL, NULL) == 0)
    {
        return HRESULT_FROM_WIN32(GetLastError());
    }

    szScript[cchScript < sizeof(szScript) ? cchScript : sizeof(szScript) - 1] = '\0';
    return pHttpContext->GetResponse()->SetHeader("X-Script", szScript, (USHORT) strlen(szScript), TRUE);
}
