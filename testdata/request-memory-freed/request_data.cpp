//
// Canonical host / legacy URL module.
//
// Everything returned by IHttpRequest::GetHeader, the HTTP_REQUEST returned by
// GetRawHttpRequest, IHttpContext::GetScriptName and the value returned by
// GetServerVariable is owned by the worker process.  None of it may be
// released by the module.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>
#include <oleauto.h>
#include <string.h>

#define WWW_PREFIX          "www."
#define WWW_PREFIX_CCH      4
#define BASIC_SCHEME_CCH    6       // "Basic "

typedef struct _URL_PARTS
{
    PCSTR   pszPath;
    DWORD   cchPath;
    PCSTR   pszQuery;
} URL_PARTS;

//
// Implemented in util.cpp.  Returns a malloc'ed copy of the named header or NULL.
//
PSTR
DuplicateHeader(
    _In_ IHttpRequest * pRequest,
    _In_ PCSTR          pszName
);

VOID
LogValue(
    _In_ PCSTR pszName,
    _In_opt_ PCSTR pszValue
);

VOID
LogWideValue(
    _In_ PCSTR pszName,
    _In_opt_ PCWSTR pwszValue
);

class CCanonicalHostModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );
};

REQUEST_NOTIFICATION_STATUS
CCanonicalHostModule::OnBeginRequest(
    IN IHttpContext *       pHttpContext,
    IN IHttpEventProvider * pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    USHORT          cchHost = 0;
    PCSTR           pszHost = pRequest->GetHeader("Host", &cchHost);

    if (pszHost != NULL &&
        cchHost > WWW_PREFIX_CCH &&
        _strnicmp(pszHost, WWW_PREFIX, WWW_PREFIX_CCH) == 0)
    {
        pHttpContext->GetResponse()->SetStatus(301, "Moved Permanently");
        LogValue("host", pszHost);
    }

    free((void *) pszHost);
//~^ request-memory-freed
    return RQ_NOTIFICATION_CONTINUE;
}

VOID
LogRawUrl(
    _In_ IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PSTR           pszRawUrl = (PSTR) pRaw->pRawUrl;

    LogValue("raw-url", pszRawUrl);

    delete [] pszRawUrl;
//~^ request-memory-freed
}

HRESULT
LogOriginalUrl(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PCSTR   pszUrl = NULL;
    DWORD   cchUrl = 0;

    hr = pHttpContext->GetServerVariable("URL", &pszUrl, &cchUrl);
    if (FAILED(hr))
    {
        return hr;
    }

    LogValue("url", pszUrl);
    CoTaskMemFree((LPVOID) pszUrl);
//~^ request-memory-freed
    return S_OK;
}

VOID
LogScriptName(
    _In_ IHttpContext * pHttpContext
)
{
    DWORD  cchScript = 0;
    PCWSTR pwszScript = pHttpContext->GetScriptName(&cchScript);

    if (cchScript != 0)
    {
        LogWideValue("script", pwszScript);
    }

    LocalFree((HLOCAL) pwszScript);
//~^ request-memory-freed
}

VOID
LogUserAgent(
    _In_ IHttpRequest * pRequest
)
{
    USHORT cchAgent = 0;
    auto   pszAgent = pRequest->GetHeader("User-Agent", &cchAgent);

    if (pszAgent == NULL)
    {
        return;
    }

    LogValue("user-agent", pszAgent);
    HeapFree(GetProcessHeap(), 0, (LPVOID) pszAgent);
//~^ request-memory-freed
}

VOID
LogCookie(
    _In_ IHttpRequest * pRequest
)
{
    HTTP_REQUEST * pRaw = pRequest->GetRawHttpRequest();
    PCSTR          pszCookie = pRaw->Headers.KnownHeaders[HttpHeaderCookie].pRawValue;

    if (pszCookie == NULL)
    {
        return;
    }

    LogValue("cookie", pszCookie);
    free((PVOID) pszCookie);
//~^ request-memory-freed
}

VOID
LogCredentials(
    _In_ IHttpRequest * pRequest
)
{
    USHORT cchAuth = 0;
    PCSTR  pszAuth = pRequest->GetHeader("Authorization", &cchAuth);
    PCSTR  pszCredentials = NULL;

    if (pszAuth == NULL || cchAuth <= BASIC_SCHEME_CCH)
    {
        return;
    }

    pszCredentials = pszAuth + BASIC_SCHEME_CCH;
    LogValue("credentials", pszCredentials);

    delete [] pszCredentials;
//~^ request-memory-freed
}

VOID
LogReferrer(
    _In_ IHttpRequest * pRequest,
    IN BOOL             fLowerCase
)
{
    PCSTR pszHeader = pRequest->GetHeader("Referer");
    PSTR  pszReferrer = NULL;

    if (pszHeader == NULL)
    {
        return;
    }

    // Only the lower-cased variant is a private copy.
    pszReferrer = fLowerCase ? _strdup(pszHeader) : (PSTR) pszHeader;
    if (pszReferrer == NULL)
    {
        return;
    }

    LogValue("referrer", pszReferrer);
    free(pszReferrer);
//~^ request-memory-freed
}

HRESULT
LogUrlParts(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT   hr = S_OK;
    URL_PARTS parts = { 0 };
    PCSTR     pszValue = NULL;
    DWORD     cchValue = 0;

    hr = pHttpContext->GetServerVariable("PATH_INFO", &pszValue, &cchValue);
    if (FAILED(hr))
    {
        return hr;
    }

    parts.pszPath = pszValue;
    parts.cchPath = cchValue;
    parts.pszQuery = NULL;

    LogValue("path", parts.pszPath);
    free((void *) parts.pszPath);
//~^ request-memory-freed
    return S_OK;
}

VOID
LogScriptNameBstr(
    _In_ IHttpContext * pHttpContext
)
{
    PCWSTR pwszScript = pHttpContext->GetScriptName();

    LogWideValue("script", pwszScript);
    SysFreeString((BSTR) pwszScript);
//~^ request-memory-freed
}

VOID
LogAcceptLanguage(
    _In_ IHttpRequest * pRequest
)
{
    PCSTR pszLanguage = pRequest->GetHeader("Accept-Language");

    if (pszLanguage != NULL)
    {
        LogValue("accept-language", pszLanguage);
        GlobalFree((HGLOBAL) pszLanguage);
//~^ request-memory-freed
    }
}

//
// Near misses: the module frees its own copies of the request data.
//

VOID
LogHostCopy(
    _In_ IHttpRequest * pRequest
)
{
    PCSTR pszHost = pRequest->GetHeader("Host");
    PSTR  pszCopy = NULL;

    if (pszHost == NULL)
    {
        return;
    }

    pszCopy = _strdup(pszHost);
    if (pszCopy == NULL)
    {
        return;
    }

    _strlwr_s(pszCopy, strlen(pszCopy) + 1);
    LogValue("host", pszCopy);
    free(pszCopy);
}

VOID
LogScriptNameCopy(
    _In_ IHttpContext * pHttpContext
)
{
    PWSTR pwszCopy = _wcsdup(pHttpContext->GetScriptName());

    if (pwszCopy != NULL)
    {
        LogWideValue("script", pwszCopy);
        free(pwszCopy);
    }
}

HRESULT
LogUrlCopy(
    _In_ IHttpContext * pHttpContext
)
{
    HRESULT hr = S_OK;
    PCSTR   pszUrl = NULL;
    DWORD   cchUrl = 0;
    PSTR    pszBuffer = NULL;

    hr = pHttpContext->GetServerVariable("URL", &pszUrl, &cchUrl);
    if (FAILED(hr))
    {
        return hr;
    }

    pszBuffer = (PSTR) malloc(cchUrl + 1);
    if (pszBuffer == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszBuffer, pszUrl, cchUrl);
    pszBuffer[cchUrl] = '\0';
    LogValue("url", pszBuffer);

    free(pszBuffer);
    return S_OK;
}

VOID
LogUserAgentCopy(
    _In_ IHttpRequest * pRequest
)
{
    PCSTR pszAgent = pRequest->GetHeader("User-Agent");

    if (pszAgent == NULL)
    {
        return;
    }

    pszAgent = _strdup(pszAgent);
    if (pszAgent == NULL)
    {
        return;
    }

    LogValue("user-agent", pszAgent);
    free((void *) pszAgent);
}

VOID
LogForwardedFor(
    _In_ IHttpRequest * pRequest
)
{
    PSTR pszForwarded = DuplicateHeader(pRequest, "X-Forwarded-For");

    if (pszForwarded != NULL)
    {
        LogValue("forwarded-for", pszForwarded);
        free(pszForwarded);
    }
}

VOID
LogScriptNameAsBstr(
    _In_ IHttpContext * pHttpContext
)
{
    BSTR bstrScript = SysAllocString(pHttpContext->GetScriptName());

    if (bstrScript != NULL)
    {
        LogWideValue("script", bstrScript);
        SysFreeString(bstrScript);
    }
}

HRESULT
LogRawUrlCopy(
    _In_ IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PSTR           pszCopy = (PSTR) CoTaskMemAlloc(pRaw->RawUrlLength + 1);

    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszCopy, pRaw->pRawUrl, pRaw->RawUrlLength);
    pszCopy[pRaw->RawUrlLength] = '\0';
    LogValue("raw-url", pszCopy);

    CoTaskMemFree(pszCopy);
    return S_OK;
}
