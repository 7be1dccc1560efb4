//
// registry.cpp : member functions of the bookkeeping classes.
//

#include "registry.h"

PCSTR   g_pszSinkValue      = NULL;
VOID*   g_pvCacheItem       = NULL;

CJob::CJob(
    _In_ IHttpContext*      pHttpContext
    ) : m_pHttpContext(pHttpContext),
        m_pHttpServer(NULL),
        m_dwFlags(0)
{
}

CJob::CJob(
    _In_ IHttpServer*       pHttpServer,
    _In_ DWORD              dwFlags
    ) : m_pHttpContext(NULL),
        m_pHttpServer(pHttpServer),
        m_dwFlags(dwFlags)
{
}

HRESULT
CJob::Run(
    VOID
    )
{
    if (m_pHttpContext == NULL && m_pHttpServer == NULL)
    {
        return E_UNEXPECTED;
    }

    if ((m_dwFlags & JOB_FLAG_PERIODIC) != 0)
    {
        return S_FALSE;
    }

    return S_OK;
}

//
// module.cpp calls this on the process-wide g_pRegistry.
//
VOID
CRegistry::SetLast(
    _In_ IHttpContext*      pHttpContext
    )
{
    m_pLast = pHttpContext;
    //~^ request-scope-escape-long-lived
    m_cUpdates++;
}

//
// Only ever called on a CRegistry that lives on the caller's stack.
//
VOID
CRegistry::SetPending(
    _In_ IHttpContext*      pHttpContext
    )
{
    m_pPending = pHttpContext;
    m_cUpdates++;
}

//
// module.cpp calls this on the global object g_lastSeen.
//
VOID
CLastSeen::Track(
    _In_ IHttpContext*      pHttpContext
    )
{
    m_pHttpContext = pHttpContext;
    //~^ request-scope-escape-static
    m_dwTick = GetTickCount();
}

//
// Keeps the item in a global; only ever given heap memory.
//
VOID
CHeapCache::Store(
    _In_opt_ VOID*          pvItem
    )
{
    g_pvCacheItem = pvItem;
}

//
// Only counts; dispatch.cpp gives it request memory.
//
VOID
CScratch::Store(
    _In_opt_ VOID*          pvItem
    )
{
    if (pvItem != NULL)
    {
        m_cItems++;
    }
}

//
// Reached from dispatch.cpp through a CSink* with a request header.
//
VOID
CGlobalSink::Put(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszSinkValue = pszValue;
    //~^ request-scope-escape-static
}

VOID
CCountingSink::Put(
    _In_opt_ PCSTR          pszValue
    )
{
    if (pszValue != NULL)
    {
        m_cValues++;
    }
}
