//
// URL rewrite helpers written in the goto-cleanup style with the usual set of
// error macros.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define ErrorIf(expr, hresult)      if (expr) { hr = (hresult); goto Error; }
#define IfFailGo(expr)              { hr = (expr); if (FAILED(hr)) { goto Error; } }
#define IfNullGo(p)                 { if ((p) == NULL) { hr = E_OUTOFMEMORY; goto Error; } }
#define RETURN_IF_NULL_ALLOC(p)     { if ((p) == NULL) { return E_OUTOFMEMORY; } }
#define FINISHED_IF_NULL_ALLOC(p)   { if ((p) == NULL) { hr = E_OUTOFMEMORY; goto Finished; } }
#define ReturnIfNull(p, hresult)    { if ((p) == NULL) { return (hresult); } }

#define MAX_URL_CCH     2048
#define QUERY_SEPARATOR '?'

HRESULT
LookupRewriteTarget(
    _In_ PCSTR      pszUrl,
    _Outptr_ PCSTR* ppszTarget
);

HRESULT
RewriteWithErrorIf(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszTarget
)
{
    HRESULT hr = S_OK;
    PSTR    pszUrl = NULL;
    DWORD   cchTarget = (DWORD) strlen(pszTarget);

    ErrorIf(cchTarget >= MAX_URL_CCH, HRESULT_FROM_WIN32(ERROR_INVALID_DATA));
    ErrorIf(NULL == (pszUrl = (PSTR) pHttpContext->AllocateRequestMemory(cchTarget + 1)), E_OUTOFMEMORY);

    memcpy(pszUrl, pszTarget, cchTarget + 1);
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszUrl, cchTarget, FALSE));

Error:

    return hr;
}

HRESULT
RewriteWithIfNullGo(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszTarget
)
{
    HRESULT hr = S_OK;
    DWORD   cchTarget = (DWORD) strlen(pszTarget);
    PSTR    pszUrl = (PSTR) pHttpContext->AllocateRequestMemory(cchTarget + 1);

    IfNullGo(pszUrl);
    IfFailGo(StringCchCopyA(pszUrl, cchTarget + 1, pszTarget));
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszUrl, cchTarget, FALSE));

Error:

    return hr;
}

HRESULT
CopyQueryString(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszQuery,
    IN DWORD            cchQuery,
    OUT PSTR *          ppszCopy
)
{
    PSTR pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchQuery + 2);

    RETURN_IF_NULL_ALLOC(pszCopy);

    pszCopy[0] = QUERY_SEPARATOR;
    memcpy(pszCopy + 1, pszQuery, cchQuery);
    pszCopy[cchQuery + 1] = '\0';

    *ppszCopy = pszCopy;
    return S_OK;
}

HRESULT
AppendTrailingSlash(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszPath,
    OUT PSTR *          ppszResult
)
{
    HRESULT hr = S_OK;
    DWORD   cchPath = (DWORD) strlen(pszPath);
    PSTR    pszResult = NULL;

    pszResult = (PSTR) pHttpContext->AllocateRequestMemory(cchPath + 2);
    FINISHED_IF_NULL_ALLOC(pszResult);

    hr = StringCchPrintfA(pszResult, cchPath + 2, "%s/", pszPath);
    if (SUCCEEDED(hr))
    {
        *ppszResult = pszResult;
    }

Finished:

    return hr;
}

HRESULT
CopyTarget(
    IN IModuleAllocator *   pAllocator,
    _In_ PCSTR              pszTarget,
    OUT PSTR *              ppszCopy
)
{
    DWORD cbTarget = (DWORD) strlen(pszTarget) + 1;
    PSTR  pszCopy = (PSTR) pAllocator->AllocateMemory(cbTarget);

    ReturnIfNull(pszCopy, E_OUTOFMEMORY);

    memcpy(pszCopy, pszTarget, cbTarget);
    *ppszCopy = pszCopy;
    return S_OK;
}

HRESULT
RewriteLookedUpTarget(
    IN IHttpContext *   pHttpContext
)
{
    HRESULT hr = S_OK;
    PCSTR   pszUrl = NULL;
    DWORD   cchUrl = 0;
    PCSTR   pszTarget = NULL;
    PSTR    pszCopy = NULL;
    DWORD   cchTarget = 0;

    IfFailGo(pHttpContext->GetServerVariable("URL", &pszUrl, &cchUrl));
    IfFailGo(LookupRewriteTarget(pszUrl, &pszTarget));

    cchTarget = (DWORD) strlen(pszTarget);

    if ((pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchTarget + 1)) == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Error;
    }

    IfFailGo(StringCchCopyA(pszCopy, cchTarget + 1, pszTarget));
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszCopy, cchTarget, FALSE));

Error:

    return hr;
}

//
// Positives: the macros between the allocation and the first write do not
// look at the allocated pointer.
//

HRESULT
RewriteAfterLookup(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszUrl
)
{
    HRESULT hr = S_OK;
    PCSTR   pszTarget = NULL;
    PSTR    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(MAX_URL_CCH);

    IfFailGo(LookupRewriteTarget(pszUrl, &pszTarget));
    IfFailGo(StringCchCopyA(pszCopy, MAX_URL_CCH, pszTarget));
//~^ request-memory-unchecked
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszCopy, (DWORD) strlen(pszCopy), FALSE));

Error:

    return hr;
}

HRESULT
RewriteWithQuery(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszPath,
    _In_ PCSTR          pszQuery
)
{
    HRESULT hr = S_OK;
    PSTR    pszPathCopy = (PSTR) pHttpContext->AllocateRequestMemory(MAX_URL_CCH);
    PSTR    pszQueryCopy = (PSTR) pHttpContext->AllocateRequestMemory(MAX_URL_CCH);

    IfNullGo(pszPathCopy);
    IfFailGo(StringCchCopyA(pszPathCopy, MAX_URL_CCH, pszPath));

    // Copy/paste slip: the query buffer is never checked.
    IfFailGo(StringCchCopyA(pszQueryCopy, MAX_URL_CCH, pszQuery));
//~^ request-memory-unchecked
    IfFailGo(StringCchCatA(pszPathCopy, MAX_URL_CCH, pszQueryCopy));
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszPathCopy, (DWORD) strlen(pszPathCopy), FALSE));

Error:

    return hr;
}

HRESULT
RewriteValidated(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszTarget
)
{
    HRESULT hr = S_OK;
    DWORD   cchTarget = (DWORD) strlen(pszTarget);
    PSTR    pszUrl = (PSTR) pHttpContext->AllocateRequestMemory(cchTarget + 1);

    ErrorIf(cchTarget == 0, E_INVALIDARG);
    ErrorIf(pszTarget[0] != '/', E_INVALIDARG);

    memcpy(pszUrl, pszTarget, cchTarget + 1);
//~^ request-memory-unchecked
    IfFailGo(pHttpContext->GetRequest()->SetUrl(pszUrl, cchTarget, FALSE));

Error:

    return hr;
}
