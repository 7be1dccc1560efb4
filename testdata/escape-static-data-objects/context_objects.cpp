//
// context_objects.cpp
//
// Debug helpers that publish "the request currently executing" so that a
// debugger extension can find it without walking the worker process.
//

#include "host_state.h"
#include "host_module.h"
#include <utility>

class CRequestTracker
{
public:
    static
    VOID
    Track(
        _In_ IHttpRequest*  pRequest
    );

    static IHttpRequest*    s_pLastRequest;
    static LONG             s_cTracked;
    static DWORD            s_dwLastTick;
};

IHttpRequest*   CRequestTracker::s_pLastRequest = NULL;
LONG            CRequestTracker::s_cTracked = 0;
DWORD           CRequestTracker::s_dwLastTick = 0;

VOID
CRequestTracker::Track(
    _In_ IHttpRequest*  pRequest
)
{
    s_pLastRequest = pRequest;
    //~^ request-scope-escape-static
    s_dwLastTick = GetTickCount();
    InterlockedIncrement(&s_cTracked);
}

namespace Diagnostics
{

IHttpContext*               g_pDebugContext = NULL;
IHttpContext*               g_pParentContext = NULL;
IHttpContext*               g_pRootContext = NULL;
IHttpContext*               g_pClonedContext = NULL;
IHttpContext3*              g_pContext3 = NULL;
IHttpEventProvider*         g_pLastProvider = NULL;
IHttpApplication*           g_pApplication = NULL;
IHttpSite*                  g_pSite = NULL;
IHttpConnection*            g_pConnection = NULL;
static IHttpResponse*       s_pResponse = NULL;
thread_local IHttpRequest*  t_pRequest = nullptr;
thread_local DWORD          t_cNotifications = 0;

static
VOID
TraceContext(
    _In_ IHttpContext*  pHttpContext
)
{
    IHttpContext*   pCurrent = pHttpContext;
    IHttpRequest*   pRequest = pCurrent->GetRequest();

    if (pRequest != NULL)
    {
        CRequestTracker::Track(pRequest);
    }
}

VOID
TrackContext(
    _In_ IHttpContext*          pHttpContext,
    _In_ IHttpEventProvider*    pProvider
)
{
    static IHttpContext* s_last = pHttpContext;
    //~^ request-scope-escape-static
    static IHttpContext* s_pPrevious = NULL;
    static ULONG s_cCalls = 0;
    IHttpContext* pLocal = pHttpContext;

    s_cCalls++;
    t_cNotifications++;

    if (s_last != pHttpContext)
    {
        s_pPrevious = pHttpContext;
        //~^ request-scope-escape-static
    }

    g_pDebugContext = pHttpContext;
    //~^ request-scope-escape-static
    s_pResponse = pHttpContext->GetResponse();
    //~^ request-scope-escape-static
    t_pRequest = pHttpContext->GetRequest();
    //~^ request-scope-escape-static
    g_pLastProvider = pProvider;
    //~^ request-scope-escape-static

    // Server-lifetime objects: fine to cache.
    g_pApplication = pHttpContext->GetApplication();
    g_pSite = pHttpContext->GetSite();
    g_pConnection = pHttpContext->GetConnection();

    if (pLocal->GetParentContext() != NULL)
    {
        g_pParentContext = pLocal->GetParentContext();
        //~^ request-scope-escape-static
        g_pRootContext = pLocal->GetRootContext();
        //~^ request-scope-escape-static
    }

    CRequestTracker::s_pLastRequest = pHttpContext->GetRequest();
    //~^ request-scope-escape-static
    CRequestTracker::s_dwLastTick = GetTickCount();

    TraceContext(pLocal);
}

VOID
PublishContext(
    _In_ IHttpContext*  pHttpContext
)
{
    IHttpContext* pPublished = pHttpContext;

    g_pDebugContext = std::move(pPublished);
    //~^ request-scope-escape-static
}

HRESULT
ExecuteChildForDiagnostics(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpContext*   pChild = NULL;
    BOOL            fCompletionExpected = FALSE;

    hr = pHttpContext->CloneContext(CLONE_FLAG_BASICS | CLONE_FLAG_HEADERS, &pChild);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pClonedContext = pChild;
    //~^ request-scope-escape-static

    hr = pHttpContext->ExecuteRequest(FALSE, pChild, 0, NULL, &fCompletionExpected);

Finished:
    if (pChild != NULL && !fCompletionExpected)
    {
        g_pClonedContext = NULL;
        pChild->ReleaseClonedContext();
        pChild = NULL;
    }
    return hr;
}

HRESULT
CacheExtendedContext(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpContext3*  pContext3 = NULL;

    hr = HttpGetExtendedInterface(g_pHttpServer, pHttpContext, &pContext3);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pContext3 = pContext3;
    //~^ request-scope-escape-static

Finished:
    return hr;
}

VOID
ClearContext(
    _In_ IHttpContext*  pHttpContext
)
{
    if (g_pDebugContext == pHttpContext)
    {
        g_pDebugContext = NULL;
        g_pLastProvider = NULL;
        s_pResponse = NULL;
        t_pRequest = nullptr;
    }
}

} // namespace Diagnostics
