//
// url_tracker.cpp
//

#include "url_tracker.h"

VOID
TraceScratchUrl(
    _In_ PCSTR  pszUrl
);

CUrlTracker::CUrlTracker(
    _In_ IHttpServer*   pServer
)
    : m_pServer(NULL),
      m_pApplication(NULL),
      m_pConnection(NULL),
      m_pLastContext(NULL),
      m_pLastResponse(NULL),
      m_pLastProvider(NULL),
      m_pszUrl(NULL),
      m_pszUserAgent(NULL),
      m_pszPreferredHost(NULL),
      m_pszHostAlias(NULL),
      m_pszBuf(NULL),
      m_pszScratch(NULL),
      m_pvConnectionScratch(NULL),
      m_pwszUser(NULL),
      m_dwLastTick(0)
{
    m_pServer = pServer;
    strcpy_s(m_szDefaultHost, sizeof(m_szDefaultHost), "localhost");
}

CUrlTracker::~CUrlTracker()
{
    delete[] m_pszScratch;
    m_pszScratch = NULL;
    m_pServer = NULL;
}

GLOBAL_NOTIFICATION_STATUS
CUrlTracker::OnGlobalPreBeginRequest(
    IN IPreBeginRequestProvider*    pProvider
)
{
    IHttpContext*   pHttpContext = NULL;
    HTTP_REQUEST*   pRaw = NULL;
    PSTR            pszScratch = NULL;
    PCSTR           pszHost = NULL;
    USHORT          cchHost = 0;
    DWORD           cbScratch = 256;

    m_pLastContext = pProvider->GetHttpContext();
    //~^ request-scope-escape-long-lived
    m_pLastProvider = pProvider;
    //~^ request-scope-escape-long-lived

    pHttpContext = pProvider->GetHttpContext();
    if (pHttpContext == NULL)
    {
        goto Finished;
    }

    pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    if (pRaw == NULL || pRaw->pRawUrl == NULL)
    {
        goto Finished;
    }

    m_strLastUrl = pRaw->pRawUrl;
    m_dwLastTick = GetTickCount();
    m_cRequests++;

    this->m_pszUrl = pRaw->pRawUrl;
    //~^ request-scope-escape-long-lived

    this->m_pszBuf = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cbScratch));
    //~^ request-scope-escape-long-lived

    m_pLastResponse = pHttpContext->GetResponse();
    //~^ request-scope-escape-long-lived

    m_pConnection = pHttpContext->GetConnection();

    pszHost = pHttpContext->GetRequest()->GetHeader(HttpHeaderHost, &cchHost);
    m_pszHostAlias = (pszHost != NULL) ? pszHost : m_szDefaultHost;
    //~^ request-scope-escape-long-lived

    pszHost = m_szDefaultHost;
    m_pszPreferredHost = pszHost;

    pszScratch = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cbScratch));
    if (pszScratch == NULL)
    {
        goto Finished;
    }
    strncpy_s(pszScratch, cbScratch, pRaw->pRawUrl, _TRUNCATE);
    TraceScratchUrl(pszScratch);

    pszScratch = new char[cbScratch];
    if (pszScratch == NULL)
    {
        goto Finished;
    }
    strncpy_s(pszScratch, cbScratch, m_strLastUrl.c_str(), _TRUNCATE);
    delete[] m_pszScratch;
    m_pszScratch = pszScratch;

Finished:
    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CUrlTracker::OnGlobalTraceEvent(
    IN IGlobalTraceEventProvider*   pProvider
)
{
    IHttpContext*   pTraceContext = NULL;
    HRESULT         hr = pProvider->GetCurrentHttpRequestContext(&pTraceContext);

    if (SUCCEEDED(hr) && pTraceContext != NULL)
    {
        m_pLastContext = pTraceContext;
        //~^ request-scope-escape-long-lived
    }

    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CUrlTracker::OnGlobalApplicationStart(
    IN IHttpApplicationStartProvider*   pProvider
)
{
    m_pApplication = pProvider->GetApplication();
    m_pServer = g_pHttpServer;

    return GL_NOTIFICATION_CONTINUE;
}

VOID
CUrlTracker::OnUserAuthenticated(
    _In_ IHttpContext*  pHttpContext
)
{
    IHttpConnection*    pConnection = NULL;
    IHttpContext*       pCurrent = pHttpContext;

    if (pCurrent->GetUser() == NULL)
    {
        return;
    }

    m_pwszUser =
        pHttpContext->GetUser()->GetRemoteUserName();
    //~^^ request-scope-escape-long-lived

    pConnection = pHttpContext->GetConnection();
    if (pConnection != NULL && m_pvConnectionScratch == NULL)
    {
        m_pvConnectionScratch = pConnection->AllocateMemory(32);
        //~^ request-scope-escape-long-lived
    }

    InterlockedIncrement(&m_cRequests);
}
