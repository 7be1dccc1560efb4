//
// shared_registry.cpp
//
// The registry block is allocated once and shared by every request.
//

#include "tracker_globals.h"

VOID
TraceRegistrySnapshot(
    _In_ const URL_REGISTRY*    pSnapshot
);

namespace Registry
{

URL_REGISTRY*   g_pRegistry = NULL;
REQUEST_STATS*  g_pStats = NULL;
char**          g_ppSlots = NULL;
DWORD           g_cSlots = 0;

HRESULT
Initialize(
    _In_ IHttpServer*   pServer
)
{
    HRESULT hr = S_OK;

    g_pRegistry = new URL_REGISTRY();
    g_pStats = new REQUEST_STATS();
    g_ppSlots = new PSTR[TRACKER_SLOT_COUNT];
    if (g_pRegistry == NULL || g_pStats == NULL || g_ppSlots == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    ZeroMemory(g_ppSlots, TRACKER_SLOT_COUNT * sizeof(PSTR));

    InitializeSRWLock(&g_pRegistry->lock);
    g_pStats->pServer = pServer;
    g_pStats->cRequests = 0;
    g_cSlots = TRACKER_SLOT_COUNT;

Finished:
    return hr;
}

VOID
RecordUrl(
    _In_ IHttpContext*  pHttpContext
)
{
    HTTP_REQUEST*   pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszUrl = NULL;
    IHttpUser*      pUser = pHttpContext->GetUser();
    URL_REGISTRY    snapshot = { 0 };
    URL_REGISTRY*   pSnapshot = &snapshot;

    if (g_pRegistry == NULL || pRaw == NULL)
    {
        return;
    }

    pszUrl = pRaw->pRawUrl;
    if (pszUrl == NULL)
    {
        return;
    }

    AcquireSRWLockExclusive(&g_pRegistry->lock);

    g_pRegistry->pszLastUrl = pszUrl;
    //~^ request-scope-escape-long-lived
    g_pRegistry->pLastContext = pHttpContext;
    //~^ request-scope-escape-long-lived

    // Copies into the shared block are fine.
    g_pRegistry->cchLastUrl = strlen(pszUrl);
    strncpy_s(g_pRegistry->szLastUrl, sizeof(g_pRegistry->szLastUrl), pszUrl, _TRUNCATE);

    if (pUser != NULL)
    {
        g_pRegistry->pwszLastUser = pUser->GetUserName();
        //~^ request-scope-escape-long-lived
    }

    ReleaseSRWLockExclusive(&g_pRegistry->lock);

    // Stack snapshot: dies with this call.
    pSnapshot->pszLastUrl = pszUrl;
    pSnapshot->pLastContext = pHttpContext;
    TraceRegistrySnapshot(pSnapshot);

    g_pStats->pLastRequest = pHttpContext->GetRequest();
    //~^ request-scope-escape-long-lived
    g_pStats->dwLastTick = GetTickCount();
    InterlockedIncrement(&g_pStats->cRequests);
}

VOID
RememberCookie(
    _In_ IHttpContext*  pHttpContext,
    _In_ DWORD          iSlot
)
{
    USHORT  cchCookie = 0;
    PCSTR   pszCookie = NULL;
    char*   pszSlot = NULL;
    char*   pszCopy = NULL;

    if (g_ppSlots == NULL || g_cSlots == 0)
    {
        return;
    }

    pszCookie = pHttpContext->GetRequest()->GetHeader(HttpHeaderCookie, &cchCookie);
    if (pszCookie == NULL)
    {
        return;
    }

    pszSlot = static_cast<char*>(pHttpContext->AllocateRequestMemory(cchCookie + 1));
    if (pszSlot == NULL)
    {
        return;
    }
    memcpy(pszSlot, pszCookie, cchCookie);
    pszSlot[cchCookie] = '\0';

    g_ppSlots[iSlot % g_cSlots] = pszSlot;
    //~^ request-scope-escape-long-lived

    g_ppSlots[(iSlot + 1) % g_cSlots] = const_cast<char*>(pszCookie);
    //~^ request-scope-escape-long-lived

    pszCopy = new char[cchCookie + 1];
    if (pszCopy == NULL)
    {
        return;
    }
    strncpy_s(pszCopy, cchCookie + 1, pszCookie, cchCookie);
    g_ppSlots[(iSlot + 2) % g_cSlots] = pszCopy;
}

VOID
Shutdown()
{
    if (g_pRegistry != NULL)
    {
        g_pRegistry->pszLastUrl = NULL;
        g_pRegistry->pLastContext = NULL;
        g_pRegistry->pwszLastUser = NULL;
    }

    if (g_pStats != NULL)
    {
        g_pStats->pLastRequest = NULL;
        g_pStats->pServer = NULL;
    }

    g_cSlots = 0;
}

} // namespace Registry
