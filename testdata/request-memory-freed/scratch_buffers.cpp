//
// Response header decoration module.
//
// Small header values are formatted into per-request scratch memory and then
// handed to IHttpResponse::SetHeader.  Several of the cleanup paths below
// release that scratch memory with a CRT / Win32 allocator, which corrupts
// the request heap: request memory is owned by IIS and released when the
// request completes.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>
#include <oleauto.h>

#define CORRELATION_HEADER      "X-Correlation-Id"
#define CORRELATION_CCH         40
#define SERVER_TIMING_CCH       96
#define VARY_VALUE              "Accept-Encoding, Origin"
#define POWERED_BY_CCH          32
#define DETAIL_CCH              1024

typedef struct _TIMING_STATE
{
    DWORD   dwStartTick;
    DWORD   dwSendTick;
    CHAR    szValue[SERVER_TIMING_CCH];
} TIMING_STATE, *PTIMING_STATE;

//
// Implemented in cache.cpp; returns a buffer from the process heap.
//
PSTR
FormatCachedValue(
    _In_ IHttpContext * pHttpContext
);

VOID
TraceWide(
    _In_ PCWSTR pwszMessage
);

class CHeaderDecorationModule : public CHttpModule
{
public:
    CHeaderDecorationModule()
        : m_pszLastTag(NULL),
          m_dwStartTick(0)
    {
    }

    ~CHeaderDecorationModule()
    {
        // Owned by the module, allocated with new[] in RememberTag.
        delete [] m_pszLastTag;
        m_pszLastTag = NULL;
    }

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        _In_ IHttpContext *          pHttpContext,
        _In_ ISendResponseProvider * pProvider
    );

private:
    HRESULT AddCorrelationId(_In_ IHttpContext * pHttpContext);
    HRESULT AddServerTiming(_In_ IHttpContext * pHttpContext);
    HRESULT AddEntityTag(_In_ IHttpContext * pHttpContext, _In_ PCSTR pszTag, IN USHORT cchTag);
    HRESULT AddVary(_In_ IHttpContext * pHttpContext);
    HRESULT RememberTag(_In_ PCSTR pszTag, IN USHORT cchTag);

    PSTR    m_pszLastTag;
    DWORD   m_dwStartTick;
};

HRESULT
CHeaderDecorationModule::AddCorrelationId(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PSTR            pszValue = NULL;

    pszValue = (PSTR) pHttpContext->AllocateRequestMemory(CORRELATION_CCH);
    if (pszValue == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = StringCchPrintfA(pszValue, CORRELATION_CCH, "%08lx-%04lx", GetTickCount(), GetCurrentThreadId());
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = pResponse->SetHeader(CORRELATION_HEADER, pszValue, (USHORT) strlen(pszValue), TRUE);

Finished:

    if (pszValue != NULL)
    {
        delete [] pszValue;
//~^ request-memory-freed
        pszValue = NULL;
    }

    return hr;
}

HRESULT
CHeaderDecorationModule::AddServerTiming(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT       hr = S_OK;
    PTIMING_STATE pState = NULL;

    pState = (PTIMING_STATE) pHttpContext->AllocateRequestMemory(sizeof(TIMING_STATE));
    if (pState == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pState->dwStartTick = m_dwStartTick;
    pState->dwSendTick = GetTickCount();

    hr = StringCchPrintfA(pState->szValue,
                          SERVER_TIMING_CCH,
                          "total;dur=%lu",
                          pState->dwSendTick - pState->dwStartTick);
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->GetResponse()->SetHeader("Server-Timing",
                                                    pState->szValue,
                                                    (USHORT) strlen(pState->szValue),
                                                    TRUE);
    }

    delete pState;
//~^ request-memory-freed
    return hr;
}

HRESULT
CHeaderDecorationModule::AddEntityTag(
    _In_ IHttpContext * pHttpContext,
    _In_ PCSTR          pszTag,
    IN USHORT           cchTag
)
{
    HRESULT hr = S_OK;
    PSTR    pszQuoted = NULL;

    pszQuoted = (PSTR) pHttpContext->AllocateRequestMemory(cchTag + 3);
    if (NULL == pszQuoted)
    {
        return E_OUTOFMEMORY;
    }

    pszQuoted[0] = '"';
    memcpy(pszQuoted + 1, pszTag, cchTag);
    pszQuoted[cchTag + 1] = '"';
    pszQuoted[cchTag + 2] = '\0';

    hr = pHttpContext->GetResponse()->SetHeader("ETag", pszQuoted, cchTag + 2, TRUE);

    free(pszQuoted);
//~^ request-memory-freed
    return hr;
}

HRESULT
CHeaderDecorationModule::AddVary(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT hr;
    PSTR    pszVary;

    pszVary = (PSTR) pHttpContext->AllocateRequestMemory(sizeof(VARY_VALUE));
    if (!pszVary)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCbCopyA(pszVary, sizeof(VARY_VALUE), VARY_VALUE);
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->GetResponse()->SetHeader("Vary", pszVary, (USHORT) (sizeof(VARY_VALUE) - 1), FALSE);
    }

    HeapFree(GetProcessHeap(), 0, pszVary);
//~^ request-memory-freed
    return hr;
}

//
// Near miss: the module keeps its own copy on the process heap.
//
HRESULT
CHeaderDecorationModule::RememberTag(
    _In_ PCSTR  pszTag,
    IN USHORT   cchTag
)
{
    PSTR pszCopy = new (std::nothrow) CHAR[cchTag + 1];
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszCopy, pszTag, cchTag);
    pszCopy[cchTag] = '\0';

    delete [] m_pszLastTag;
    m_pszLastTag = pszCopy;
    return S_OK;
}

HRESULT
AddPoweredBy(
    _In_ IModuleAllocator * pAllocator,
    _In_ IHttpResponse *    pResponse
)
{
    HRESULT hr = S_OK;
    PSTR    pszPoweredBy = (PSTR) pAllocator->AllocateMemory(POWERED_BY_CCH);

    if (pszPoweredBy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA(pszPoweredBy, POWERED_BY_CCH, "IIS");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("X-Powered-By", pszPoweredBy, 3, TRUE);
    }

    LocalFree(pszPoweredBy);
//~^ request-memory-freed
    return hr;
}

HRESULT
AddFrameOptions(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fAllowSameOrigin
)
{
    HRESULT hr = S_OK;
    PCSTR   pszPolicy = fAllowSameOrigin ? "SAMEORIGIN" : "DENY";
    DWORD   cchPolicy = (DWORD) strlen(pszPolicy);
    PSTR    pszValue = (PSTR) pHttpContext->AllocateRequestMemory(cchPolicy + 1);

    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszValue, pszPolicy, cchPolicy + 1);
    hr = pHttpContext->GetResponse()->SetHeader("X-Frame-Options", pszValue, (USHORT) cchPolicy, TRUE);

    GlobalFree((HGLOBAL) pszValue);
//~^ request-memory-freed
    return hr;
}

HRESULT
AddContentTypeOptions(
    IN IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    LPVOID  pvValue = pHttpContext->AllocateRequestMemory(8);

    if (pvValue == nullptr)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pvValue, "nosniff", 8);
    hr = pHttpContext->GetResponse()->SetHeader("X-Content-Type-Options", (PCSTR) pvValue, 7, TRUE);

    CoTaskMemFree(pvValue);
//~^ request-memory-freed
    return hr;
}

VOID
TraceStatus(
    IN IHttpContext * pHttpContext,
    IN USHORT         uStatus
)
{
    PWSTR pwszMessage = (PWSTR) pHttpContext->AllocateRequestMemory(64 * sizeof(WCHAR));

    if (pwszMessage == NULL)
    {
        return;
    }

    if (SUCCEEDED(StringCchPrintfW(pwszMessage, 64, L"status %hu", uStatus)))
    {
        TraceWide(pwszMessage);
    }

    SysFreeString((BSTR) pwszMessage);
//~^ request-memory-freed
}

HRESULT
AddLargeDiagnostics(
    IN IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PSTR    pszDiag = NULL;

    pszDiag = (PSTR) pHttpContext->AllocateRequestMemory(DETAIL_CCH);
    if (pszDiag == NULL)
    {
        return E_OUTOFMEMORY;
    }

    ZeroMemory(pszDiag, DETAIL_CCH);
    hr = StringCchPrintfA(pszDiag, DETAIL_CCH, "pid=%lu", GetCurrentProcessId());
    if (SUCCEEDED(hr))
    {
        hr = pHttpContext->GetResponse()->SetHeader("X-Diagnostics", pszDiag, (USHORT) strlen(pszDiag), TRUE);
    }

    VirtualFree(pszDiag, 0, MEM_RELEASE);
//~^ request-memory-freed
    return hr;
}

//
// Near misses below: every buffer freed here came from the matching
// allocator, a helper, or a caller, never from the request.
//

HRESULT
AddDebugHeaders(
    _In_ IHttpContext * pHttpContext,
    IN BOOL             fVerbose
)
{
    HRESULT         hr = S_OK;
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PSTR            pszValue = NULL;

    pszValue = (PSTR) pHttpContext->AllocateRequestMemory(16);
    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

    StringCchCopyA(pszValue, 16, "on");
    hr = pResponse->SetHeader("X-Debug", pszValue, 2, TRUE);
    if (FAILED(hr) || !fVerbose)
    {
        return hr;
    }

    // The verbose value can be large; build it on the process heap instead.
    pszValue = (PSTR) malloc(DETAIL_CCH);
    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchPrintfA(pszValue, DETAIL_CCH, "pid=%lu;tid=%lu", GetCurrentProcessId(), GetCurrentThreadId());
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("X-Debug-Detail", pszValue, (USHORT) strlen(pszValue), TRUE);
    }

    free(pszValue);
    return hr;
}

HRESULT
AddCachedHeader(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PSTR    pszCached = FormatCachedValue(pHttpContext);

    if (pszCached == NULL)
    {
        return S_FALSE;
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Cache", pszCached, (USHORT) strlen(pszCached), TRUE);
    free(pszCached);
    return hr;
}

HRESULT
AddHeapHeader(
    _In_ IHttpResponse * pResponse
)
{
    HRESULT hr = S_OK;
    HANDLE  hHeap = GetProcessHeap();
    PSTR    pszValue = (PSTR) HeapAlloc(hHeap, HEAP_ZERO_MEMORY, 64);

    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA(pszValue, 64, "max-age=31536000");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("Strict-Transport-Security", pszValue, (USHORT) strlen(pszValue), TRUE);
    }

    HeapFree(hHeap, 0, pszValue);
    return hr;
}

HRESULT
AddTaskMemHeader(
    _In_ IHttpResponse * pResponse
)
{
    HRESULT hr = S_OK;
    PSTR    pszValue = (PSTR) CoTaskMemAlloc(32);

    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA(pszValue, 32, "no-referrer");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("Referrer-Policy", pszValue, 11, TRUE);
    }

    CoTaskMemFree(pszValue);
    return hr;
}

VOID
TraceWithBstr(
    IN USHORT uStatus
)
{
    WCHAR wszStatus[16];
    BSTR  bstrMessage = NULL;

    if (FAILED(StringCchPrintfW(wszStatus, ARRAYSIZE(wszStatus), L"%hu", uStatus)))
    {
        return;
    }

    bstrMessage = SysAllocString(wszStatus);
    if (bstrMessage != NULL)
    {
        TraceWide(bstrMessage);
        SysFreeString(bstrMessage);
    }
}

HRESULT
AddLocalAndGlobalHeaders(
    _In_ IHttpResponse * pResponse
)
{
    HRESULT hr = S_OK;
    HLOCAL  hLocal = LocalAlloc(LMEM_ZEROINIT, 32);
    HGLOBAL hGlobal = NULL;

    if (hLocal == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA((PSTR) hLocal, 32, "same-origin");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("Cross-Origin-Opener-Policy", (PCSTR) hLocal, 11, TRUE);
    }
    LocalFree(hLocal);

    hGlobal = GlobalAlloc(GPTR, 32);
    if (hGlobal == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA((PSTR) hGlobal, 32, "require-corp");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("Cross-Origin-Embedder-Policy", (PCSTR) hGlobal, 12, TRUE);
    }
    GlobalFree(hGlobal);

    return hr;
}

HRESULT
AddReservedHeader(
    _In_ IHttpResponse * pResponse
)
{
    HRESULT hr = S_OK;
    PSTR    pszPage = (PSTR) VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

    if (pszPage == NULL)
    {
        return HRESULT_FROM_WIN32(GetLastError());
    }

    hr = StringCchCopyA(pszPage, 4096, "interest-cohort=()");
    if (SUCCEEDED(hr))
    {
        hr = pResponse->SetHeader("Permissions-Policy", pszPage, (USHORT) strlen(pszPage), TRUE);
    }

    VirtualFree(pszPage, 0, MEM_RELEASE);
    return hr;
}

//
// The caller owns pszOwned (it was allocated with malloc by the caller).
//
HRESULT
AddOwnedHeader(
    _In_ IHttpResponse *    pResponse,
    _In_ PSTR               pszOwned
)
{
    HRESULT hr = pResponse->SetHeader("X-Owned", pszOwned, (USHORT) strlen(pszOwned), TRUE);
    free(pszOwned);
    return hr;
}
