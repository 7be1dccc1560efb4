//
// containers.cpp
//
// Book-keeping of in-flight requests for the /_status page.
//

#include "host_state.h"
#include <atomic>
#include <map>
#include <set>
#include <vector>

std::vector<IHttpContext*>              g_activeContexts;
std::set<PCSTR>                         g_seenHosts;
std::map<LONG, IHttpRequest*>           g_requestsById;
std::map<std::string, IHttpContext*>    g_contextsByUrl;
std::vector<std::string>                g_recentUrls;
std::vector<USHORT>                     g_hostLengths;
std::atomic<IHttpContext*>              g_pAtomicContext(nullptr);
std::atomic<LONG>                       g_cActive(0);
PVOID volatile                          g_pvLastRawRequest = NULL;
LONG volatile                           g_cRequestIds = 0;
SRWLOCK                                 g_lockContexts = SRWLOCK_INIT;

HRESULT
RegisterActiveRequest(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT                     hr = S_OK;
    IHttpRequest*               pRequest = NULL;
    HTTP_REQUEST*               pRaw = NULL;
    PCSTR                       pszHost = NULL;
    USHORT                      cchHost = 0;
    LONG                        lRequestId = 0;
    std::vector<IHttpContext*>  pendingContexts;

    pRequest = pHttpContext->GetRequest();
    pRaw = pRequest->GetRawHttpRequest();
    pszHost = pRequest->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL || pRaw == NULL)
    {
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_DATA);
        goto Finished;
    }

    lRequestId = InterlockedIncrement(&g_cRequestIds);

    AcquireSRWLockExclusive(&g_lockContexts);

    g_activeContexts.push_back(pHttpContext);
    //~^ request-scope-escape-static
    g_seenHosts.insert(pszHost);
    //~^ request-scope-escape-static
    g_requestsById.emplace(
        lRequestId,
        pRequest);
    //~^^^ request-scope-escape-static
    g_contextsByUrl[std::string(pRaw->pRawUrl)] = pHttpContext;
    //~^ request-scope-escape-static

    g_recentUrls.push_back(std::string(pRaw->pRawUrl));
    g_hostLengths.push_back(cchHost);

    ReleaseSRWLockExclusive(&g_lockContexts);

    g_pAtomicContext.store(pHttpContext);
    //~^ request-scope-escape-static
    g_cActive.fetch_add(1);

    InterlockedExchangePointer(&g_pvLastRawRequest, pRaw);
    //~^ request-scope-escape-static

    pendingContexts.push_back(pHttpContext);
    pendingContexts.push_back(pHttpContext->GetParentContext());

Finished:
    return hr;
}

VOID
UnregisterActiveRequests()
{
    AcquireSRWLockExclusive(&g_lockContexts);
    g_activeContexts.clear();
    g_requestsById.clear();
    g_contextsByUrl.clear();
    g_hostLengths.push_back(0);
    ReleaseSRWLockExclusive(&g_lockContexts);

    g_pAtomicContext.store(nullptr);
    g_cActive.fetch_sub(1);
    InterlockedExchangePointer(&g_pvLastRawRequest, NULL);
    InterlockedIncrement(&g_cRequestIds);
}
