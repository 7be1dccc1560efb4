#pragma once

#include <windows.h>
#include <httpserv.h>
#include <string>

#define TRACKER_SLOT_COUNT      64

//
// Heap blocks allocated once at RegisterModule time and reachable from
// process-wide pointers for the rest of the worker process lifetime.
//
struct URL_REGISTRY
{
    SRWLOCK         lock;
    PCSTR           pszLastUrl;
    PCWSTR          pwszLastUser;
    IHttpContext*   pLastContext;
    size_t          cchLastUrl;
    CHAR            szLastUrl[512];
};

struct REQUEST_STATS
{
    IHttpServer*    pServer;
    IHttpRequest*   pLastRequest;
    LONG            cRequests;
    DWORD           dwLastTick;
};

extern HTTP_MODULE_ID   g_pModuleId;
extern IHttpServer*     g_pHttpServer;

namespace Registry
{
    extern URL_REGISTRY*    g_pRegistry;
    extern REQUEST_STATS*   g_pStats;
    extern char**           g_ppSlots;
    extern DWORD            g_cSlots;

    HRESULT
    Initialize(
        _In_ IHttpServer*   pServer
    );

    VOID
    RecordUrl(
        _In_ IHttpContext*  pHttpContext
    );

    VOID
    RememberCookie(
        _In_ IHttpContext*  pHttpContext,
        _In_ DWORD          iSlot
    );

    VOID
    Shutdown();
}
