//
// raw_request.cpp
//
// "Last request" snapshot used by the failed-request dump command.
//

#include "host_state.h"

namespace RawCapture
{

HTTP_REQUEST*       g_pRawRequest = NULL;
HTTP_RESPONSE*      g_pRawResponse = NULL;
PCSTR               g_pszRawUrl = NULL;
PCSTR               g_pszRawHost = NULL;
PCWSTR              g_pwszFullUrl = NULL;
PCWSTR              g_pwszAbsPath = NULL;
PCSTR               g_pszServerHeader = NULL;
PCWSTR              g_pwszForwardedUrl = NULL;
PSOCKADDR           g_pRemoteAddress = NULL;
PSOCKADDR           g_pLocalAddress = NULL;
PCSTR               g_pszMethod = NULL;
PCWSTR              g_pwszScriptName = NULL;
PCWSTR              g_pwszScriptTranslated = NULL;
PCWSTR              g_pwszPhysicalPath = NULL;
DWORD               g_cchPhysicalPath = 0;
USHORT              g_cchServerHeader = 0;
std::string         g_strRawUrl;
std::wstring        g_strFullUrl;
std::wstring        g_strScriptName;
CHAR                g_szRawUrl[2048] = { 0 };
CHAR                g_szMethod[32] = { 0 };
size_t              g_cchRawUrl = 0;

VOID
WINAPI
CaptureRawRequest(
    _In_ IHttpContext*  pHttpContext
)
{
    PHTTP_REQUEST pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    if (pRaw == NULL || pRaw->pRawUrl == NULL)
    {
        return;
    }

    g_pRawRequest = pHttpContext->GetRequest()->GetRawHttpRequest();
    //~^ request-scope-escape-static
    g_pszRawUrl = pRaw->pRawUrl;
    //~^ request-scope-escape-static
    g_pszRawHost = pRaw->Headers.KnownHeaders[HttpHeaderHost].pRawValue;
    //~^ request-scope-escape-static
    g_pwszFullUrl = pRaw->CookedUrl.pFullUrl;
    //~^ request-scope-escape-static

    auto pwszAbsPath = pRaw->CookedUrl.pAbsPath;
    g_pwszAbsPath = pwszAbsPath;
    //~^ request-scope-escape-static

    // Copies: safe to keep after the request completes.
    g_strRawUrl = std::string(pRaw->pRawUrl);
    {
        std::wstring strFullUrl(pRaw->CookedUrl.pFullUrl, pRaw->CookedUrl.FullUrlLength / sizeof(WCHAR));
        g_strFullUrl = strFullUrl;
    }
    strncpy_s(g_szRawUrl, sizeof(g_szRawUrl), pRaw->pRawUrl, _TRUNCATE);
    g_cchRawUrl = strlen(pRaw->pRawUrl);
}

VOID
CaptureRequestDetails(
    _In_ IHttpRequest*  pRequest,
    _In_ IHttpResponse* pResponse
)
{
    USHORT  cchServer = 0;
    PCSTR   pszMethod = NULL;

    g_pRawResponse = pResponse->GetRawHttpResponse();
    //~^ request-scope-escape-static
    g_pszServerHeader = pResponse->GetHeader(HttpHeaderServer, &cchServer);
    //~^ request-scope-escape-static
    g_cchServerHeader = cchServer;

    g_pwszForwardedUrl = pRequest->GetForwardedUrl();
    //~^ request-scope-escape-static
    g_pRemoteAddress = pRequest->GetRemoteAddress();
    //~^ request-scope-escape-static
    g_pLocalAddress = pRequest->GetLocalAddress();
    //~^ request-scope-escape-static

    pszMethod = pRequest->GetHttpMethod();
    if (pszMethod != NULL)
    {
        strcpy_s(g_szMethod, _countof(g_szMethod), pszMethod);
        g_pszMethod = pszMethod;
        //~^ request-scope-escape-static
    }
}

HRESULT
CapturePaths(
    IN IHttpContext*    pHttpContext
)
{
    HRESULT hr = S_OK;
    DWORD   cchPath = 0;
    PCWSTR  pwszScript = NULL;

    pwszScript = pHttpContext->GetScriptName();
    if (pwszScript == NULL)
    {
        hr = E_UNEXPECTED;
        goto Finished;
    }

    g_strScriptName = std::wstring(pwszScript);

    g_pwszScriptName = pHttpContext->GetScriptName();
    //~^ request-scope-escape-static
    g_pwszScriptTranslated = pHttpContext->GetScriptTranslated();
    //~^ request-scope-escape-static
    g_pwszPhysicalPath = pHttpContext->GetPhysicalPath(&cchPath);
    //~^ request-scope-escape-static
    g_cchPhysicalPath = cchPath;

Finished:
    return hr;
}

VOID
ReleaseSnapshot()
{
    g_pRawRequest = NULL;
    g_pRawResponse = NULL;
    g_pszRawUrl = NULL;
    g_pwszFullUrl = NULL;
    g_strRawUrl.clear();
    g_cchRawUrl = 0;
}

} // namespace RawCapture
