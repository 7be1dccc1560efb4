// Fixture for request-scope-escape-static: code as it is written in real
// IIS modules, with SAL annotations, calling-convention macros,
// IN/OUT markers and conditional compilation. Defects inside #if/#ifdef
// blocks must still be reported.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"

#define TRACE_BUFFER_SIZE   512
#define MAX_HEADER_VALUE    1024

PSTR                    g_pszDebugLast = NULL;
PSTR                    g_pszLatest = NULL;
PCWSTR                  g_pwszLastPath = NULL;
__declspec(thread) PSTR g_pszTlsLast = NULL;
DWORD                   g_cbLastHeader = 0;

#ifdef ENABLE_REQUEST_TRACING
static PSTR s_pszTraceBuffer = NULL;

VOID
__stdcall
TraceRequest(
    __in IHttpContext*  pHttpContext
    )
{
    PSTR pszTrace = (PSTR)pHttpContext->AllocateRequestMemory(TRACE_BUFFER_SIZE);
    if (pszTrace != NULL)
    {
        s_pszTraceBuffer = pszTrace;
        //~^ request-scope-escape-static
    }
}
#endif // ENABLE_REQUEST_TRACING

_Must_inspect_result_
_Success_(return == S_OK)
HRESULT
WINAPI
CopyHeaderValue(
    _In_ IHttpContext*                      pHttpContext,
    _In_reads_bytes_(cbValue) const BYTE*   pbValue,
    _In_ DWORD                              cbValue,
    _Outptr_result_maybenull_ PSTR*         ppszCopy
    )
{
    HRESULT hr = S_OK;
    PSTR    pszCopy = NULL;

    *ppszCopy = NULL;

    if (cbValue > MAX_HEADER_VALUE)
    {
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_PARAMETER);
        goto Finished;
    }

    pszCopy = (PSTR)pHttpContext->AllocateRequestMemory(cbValue + 1);
    if (pszCopy == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    CopyMemory(pszCopy, pbValue, cbValue);
    pszCopy[cbValue] = '\0';

#if DBG
    g_pszDebugLast = pszCopy;
    //~^ request-scope-escape-static
#endif

    g_cbLastHeader = cbValue;
    *ppszCopy = pszCopy;

Finished:

    return hr;
}

_Use_decl_annotations_
HRESULT
STDMETHODCALLTYPE
PublishLatest(
    IN IHttpContext*    pHttpContext,
    IN DWORD            cchValue,
    OUT PSTR*           ppszValue OPTIONAL
    )
{
    PSTR pszValue = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchValue + 1));
    if (pszValue == NULL)
    {
        return E_OUTOFMEMORY;
    }

#ifdef USE_INTERLOCKED_PUBLISH
    InterlockedExchangePointer((PVOID*)&g_pszLatest, pszValue);
    //~^ request-scope-escape-static
#else
    g_pszLatest = pszValue;
    //~^ request-scope-escape-static
#endif

    if (ppszValue != NULL)
    {
        *ppszValue = pszValue;
    }
    return S_OK;
}

#if defined(_WIN64) || defined(FORCE_WIDE_PATHS)

VOID
WINAPI
RememberPhysicalPath(
    _In_ IHttpContext*  pHttpContext,
    _In_ DWORD          cchPath
    )
{
    PWSTR pwszPath = (PWSTR)pHttpContext->AllocateRequestMemory((cchPath + 1) * sizeof(WCHAR));
    g_pwszLastPath = pwszPath;
    //~^ request-scope-escape-static
}

#endif

extern "C"
{

VOID
__stdcall
RememberOnThread(
    _In_ IHttpContext*  pHttpContext
    )
{
    PSTR psz = (PSTR)pHttpContext->AllocateRequestMemory(64);
    g_pszTlsLast = psz;
    //~^ request-scope-escape-static
}

}   // extern "C"

class CSalModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        _In_ IHttpContext*          pHttpContext,
        _In_ IHttpEventProvider*    pProvider
        );

private:
    _Field_size_bytes_(m_cbBuffer) PBYTE   m_pbBuffer;
    DWORD                                   m_cbBuffer;
    static PBYTE                            s_pbShared;
};

PBYTE CSalModule::s_pbShared = NULL;

_Use_decl_annotations_
REQUEST_NOTIFICATION_STATUS
CSalModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    UNREFERENCED_PARAMETER(pProvider);

    m_cbBuffer = 256;
    m_pbBuffer = (PBYTE)pHttpContext->AllocateRequestMemory(m_cbBuffer);   // why: instance member
    if (m_pbBuffer == NULL)
    {
        pProvider->SetErrorStatus(E_OUTOFMEMORY);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

#ifdef _DEBUG
    {
        PBYTE pbDebug = (PBYTE)pHttpContext->AllocateRequestMemory(16);
        s_pbShared = pbDebug;
        //~^ request-scope-escape-static
    }
#endif

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Negative cases in the same style.
//

_Use_decl_annotations_
HRESULT
WINAPI
FormatIntoCaller(
    _In_ IHttpContext*                  pHttpContext,
    _In_ DWORD                          cch,
    _Outptr_result_buffer_(cch) PSTR*   ppszOut
    )
{
    *ppszOut = (PSTR)pHttpContext->AllocateRequestMemory(cch);     // why: the caller's storage
    return (*ppszOut == NULL) ? E_OUTOFMEMORY : S_OK;
}

#ifdef ENABLE_REQUEST_TRACING
VOID
__stdcall
TraceLength(
    __in IHttpContext*  pHttpContext,
    __in PCSTR          pszValue
    )
{
    PSTR pszTrace = (PSTR)pHttpContext->AllocateRequestMemory(TRACE_BUFFER_SIZE);
    g_cbLastHeader = (DWORD)strlen(pszValue);                     // why: scalar
    StringCchCopyA(pszTrace, TRACE_BUFFER_SIZE, pszValue);        // why: into request memory, not out of it //~ request-memory-unchecked
#if DBG
    g_pszDebugLast = NULL;                                        // why: cleared
#endif
}
#endif
