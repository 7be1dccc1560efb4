#pragma once

#include "tracker_globals.h"

//
// Common base for every global module in this DLL.
//
class CTrackerGlobalBase : public CGlobalModule
{
public:
    CTrackerGlobalBase()
        : m_cRequests(0),
          m_pLastRequestSeen(NULL)
    {
    }

    virtual
    ~CTrackerGlobalBase()
    {
    }

    VOID
    Terminate()
    {
        delete this;
    }

    VOID
    NoteRequest(
        _In_ IHttpRequest*  pRequest
    )
    {
        m_pLastRequestSeen = pRequest;
        //~^ request-scope-escape-long-lived
        InterlockedIncrement(&m_cRequests);
    }

    LONG
    GetRequestCount() const
    {
        return m_cRequests;
    }

protected:
    LONG            m_cRequests;
    IHttpRequest*   m_pLastRequestSeen;
};

//
// Registered for GL_PRE_BEGIN_REQUEST, GL_TRACE_EVENT and
// GL_APPLICATION_START; one instance for the whole worker process.
//
class CUrlTracker : public CTrackerGlobalBase
{
public:
    CUrlTracker(
        _In_ IHttpServer*   pServer
    );

    ~CUrlTracker();

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(
        IN IPreBeginRequestProvider*        pProvider
    );

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalTraceEvent(
        IN IGlobalTraceEventProvider*       pProvider
    );

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalApplicationStart(
        IN IHttpApplicationStartProvider*   pProvider
    );

    //
    // Called by CTrackerModule once authentication has completed.
    //
    VOID
    OnUserAuthenticated(
        _In_ IHttpContext*  pHttpContext
    );

    VOID
    RememberContext(
        _In_ IHttpContext*  pHttpContext
    )
    {
        m_pLastContext = pHttpContext;
        //~^ request-scope-escape-long-lived
        m_cRequests++;
    }

    VOID
    RememberUserAgent(
        _In_ IHttpRequest*  pRequest
    )
    {
        USHORT  cchAgent = 0;
        PCSTR   pszAgent = pRequest->GetHeader(HttpHeaderUserAgent, &cchAgent);

        if (pszAgent != NULL)
        {
            m_strUserAgent = std::string(pszAgent, cchAgent);
            m_pszUserAgent = pszAgent;
            //~^ request-scope-escape-long-lived
        }
    }

    VOID
    ForgetContext()
    {
        m_pLastContext = NULL;
        m_pszUserAgent = NULL;
        m_strUserAgent.clear();
    }

private:
    IHttpServer*                m_pServer;
    IHttpApplication*           m_pApplication;
    IHttpConnection*            m_pConnection;
    IHttpContext*               m_pLastContext;
    IHttpResponse*              m_pLastResponse;
    IPreBeginRequestProvider*   m_pLastProvider;
    PCSTR                       m_pszUrl;
    PCSTR                       m_pszUserAgent;
    PCSTR                       m_pszPreferredHost;
    PCSTR                       m_pszHostAlias;
    PSTR                        m_pszBuf;
    PSTR                        m_pszScratch;
    PVOID                       m_pvConnectionScratch;
    PCWSTR                      m_pwszUser;
    std::string                 m_strLastUrl;
    std::string                 m_strUserAgent;
    DWORD                       m_dwLastTick;
    CHAR                        m_szDefaultHost[64];
};

extern CUrlTracker* g_pTracker;
