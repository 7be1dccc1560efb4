//
// host_capture.cpp
//
// Remembers which host names the server has been asked for recently.
//

#include "host_state.h"
#include <atlstr.h>

namespace
{
    PCSTR       s_pszLastReferer = NULL;
    USHORT      s_cchLastReferer = 0;
    CStringA    s_strLastHost;
    const CHAR  c_szCanonicalHost[] = "www.contoso.com";
}

PCSTR   g_pszTemplateServer = NULL;

//
// Server header template loaded from configuration.  Not related to
// IHttpRequest even though the accessor has the same name.
//
class CHeaderTemplate
{
public:
    CHeaderTemplate()
        : m_pszServer("Microsoft-IIS"),
          m_cchServer(13)
    {
    }

    PCSTR
    GetHeader(
        _In_  PCSTR     pszName,
        _Out_ USHORT*   pcchValue
    ) const
    {
        UNREFERENCED_PARAMETER(pszName);

        *pcchValue = m_cchServer;
        return m_pszServer;
    }

private:
    PCSTR   m_pszServer;
    USHORT  m_cchServer;
};

VOID
LoadServerTemplate(
    _In_ CHeaderTemplate*   pTemplate
)
{
    USHORT cchServer = 0;

    g_pszTemplateServer = pTemplate->GetHeader("Server", &cchServer);
}

HRESULT
CaptureHostHeader(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT             hr = S_OK;
    PCSTR               pszHost = NULL;
    USHORT              cchHost = 0;
    LONG                iSlot = 0;
    LAST_REQUEST_INFO   info = { 0 };

    if (pHttpContext == NULL)
    {
        hr = E_INVALIDARG;
        goto Finished;
    }

    pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);
    if (pszHost == NULL || cchHost == 0)
    {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
        goto Finished;
    }

    if (strcpy_s(g_szHost, sizeof g_szHost, pszHost) != 0)
    {
        hr = HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
        goto Finished;
    }
    g_cchHost = cchHost;

#ifdef _DEBUG
    OutputDebugStringA(pszHost);
    OutputDebugStringA("\r\n");
#endif

    g_pszHost = pszHost;
    //~^ request-scope-escape-static

    info.pszHost = pszHost;
    info.cchHost = cchHost;

    g_lastRequest.pszHost = info.pszHost;
    //~^ request-scope-escape-static
    g_lastRequest.cchHost = cchHost;
    g_lastRequest.dwTick = GetTickCount();

    g_lastRequest.pContext = pHttpContext;
    //~^ request-scope-escape-static

    iSlot = InterlockedIncrement(&g_iRecentHost) % RECENT_HOST_COUNT;
    g_rgpszRecentHosts[iSlot] = pszHost;
    //~^ request-scope-escape-static

    if (cchHost > 4 && _strnicmp(pszHost, "www.", 4) == 0)
    {
        g_pszHostTail = pszHost + 4;
        //~^ request-scope-escape-static
    }

    g_pszCanonicalHost = (_stricmp(pszHost, c_szCanonicalHost) == 0) ? c_szCanonicalHost : pszHost;
    //~^ request-scope-escape-static

    {
        CStringA strHost(pszHost);
        s_strLastHost = strHost;
    }

Finished:
    return hr;
}

VOID
RememberReferer(
    _In_ IHttpRequest*  pRequest
)
{
    USHORT  cch = 0;
    PCSTR   pszPreferred = NULL;
    PCSTR   rgpszLocal[2] = { NULL, NULL };

    s_pszLastReferer = pRequest->GetHeader(HttpHeaderReferer, &cch);
    //~^ request-scope-escape-static
    s_cchLastReferer = cch;

    pszPreferred = pRequest->GetHeader("X-Preferred-Host", &cch);
    rgpszLocal[0] = pszPreferred;
    rgpszLocal[1] = s_pszLastReferer;

    if (pszPreferred != NULL && cch != 0)
    {
        g_pszHost = pRequest->GetHeader("Host", &cch);
        //~^ request-scope-escape-static
        g_cchHost = cch;
    }

    // Only the canonical name is ever published, never the header itself.
    pszPreferred = c_szCanonicalHost;
    g_pszCanonicalHost = pszPreferred;

    g_cchHost = (USHORT)strlen(c_szCanonicalHost);
}

VOID
ResetHostState()
{
    g_pszHost = NULL;
    g_pszHostTail = NULL;
    g_lastRequest.pszHost = NULL;
    g_lastRequest.pContext = NULL;
    g_cchHost = 0;
    ZeroMemory(g_szHost, sizeof(g_szHost));
}
