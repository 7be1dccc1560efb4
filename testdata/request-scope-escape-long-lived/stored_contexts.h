#pragma once

#include "tracker_globals.h"

//
// Stored contexts.  Which container an instance is attached to decides how
// long it lives: see stored_contexts.cpp.
//

//
// Attached to the connection: survives every request on a keep-alive
// connection.
//
class CConnectionState : public IHttpStoredContext
{
public:
    CConnectionState()
        : m_pCtx(NULL),
          m_pszLastHost(NULL),
          m_pvBuffer(NULL),
          m_cchLastHost(0),
          m_cRequests(0)
    {
    }

    VOID
    CleanupStoredContext()
    {
        delete this;
    }

    VOID
    SetRequest(
        IHttpContext*   p
    )
    {
        m_pCtx = p;
        //~^ request-scope-escape-long-lived
        m_cRequests++;
    }

    VOID
    Capture(
        _In_ IHttpContext*  pHttpContext
    );

private:
    IHttpContext*   m_pCtx;
    PCSTR           m_pszLastHost;
    PVOID           m_pvBuffer;
    USHORT          m_cchLastHost;
    LONG            m_cRequests;
};

//
// Attached to the request: released together with the request.  Same shape
// as CConnectionState on purpose.
//
class CRequestState : public IHttpStoredContext
{
public:
    CRequestState()
        : m_pCtx(NULL),
          m_pszLastHost(NULL),
          m_pvBuffer(NULL),
          m_cchLastHost(0),
          m_cRequests(0)
    {
    }

    VOID
    CleanupStoredContext()
    {
        delete this;
    }

    VOID
    SetRequest(
        IHttpContext*   p
    )
    {
        m_pCtx = p;
        m_cRequests++;
    }

    VOID
    Capture(
        _In_ IHttpContext*  pHttpContext
    );

private:
    IHttpContext*   m_pCtx;
    PCSTR           m_pszLastHost;
    PVOID           m_pvBuffer;
    USHORT          m_cchLastHost;
    LONG            m_cRequests;
};

//
// Attached to the site.
//
class CSiteState : public IHttpStoredContext
{
public:
    CSiteState()
        : m_pLastRequest(NULL),
          m_dwSiteId(0)
    {
    }

    VOID
    CleanupStoredContext()
    {
        delete this;
    }

    VOID
    Observe(
        _In_ IHttpContext*  pHttpContext
    );

private:
    IHttpRequest*   m_pLastRequest;
    DWORD           m_dwSiteId;
};

//
// Attached to the application.
//
class CAppState : public IHttpStoredContext
{
public:
    CAppState()
        : m_pwszLastScript(NULL),
          m_cchLastScript(0)
    {
    }

    VOID
    CleanupStoredContext()
    {
        delete this;
    }

    VOID
    Observe(
        _In_ IHttpContext*  pHttpContext
    );

private:
    PCWSTR          m_pwszLastScript;
    DWORD           m_cchLastScript;
    std::wstring    m_strLastScript;
};

HRESULT
AttachConnectionState(
    _In_ IHttpContext*  pHttpContext
);

HRESULT
AttachSiteState(
    _In_ IHttpContext*  pHttpContext
);

HRESULT
AttachApplicationState(
    _In_ IHttpContext*  pHttpContext
);

HRESULT
AttachRequestState(
    _In_ IHttpContext*  pHttpContext
);
