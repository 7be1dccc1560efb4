//
// host_state.h
//
// Process-wide state for the host affinity module.  Everything declared in
// this header lives as long as the worker process does.
//

#ifndef _HOST_STATE_H_
#define _HOST_STATE_H_

#include <windows.h>
#include <httpserv.h>
#include <string>

#define HOST_CCH_MAX            256
#define RECENT_HOST_COUNT       16

typedef struct _LAST_REQUEST_INFO
{
    PCSTR           pszHost;
    USHORT          cchHost;
    IHttpContext*   pContext;
    DWORD           dwTick;
} LAST_REQUEST_INFO, *PLAST_REQUEST_INFO;

extern IHttpServer*                     g_pHttpServer;
extern HTTP_MODULE_ID                   g_pModuleId;
extern IHttpModuleRegistrationInfo*     g_pRegistrationInfo;

extern PCSTR                            g_pszHost;
extern PCSTR                            g_pszHostTail;
extern PCSTR                            g_pszCanonicalHost;
extern USHORT                           g_cchHost;
extern CHAR                             g_szHost[HOST_CCH_MAX];
extern PCSTR                            g_rgpszRecentHosts[RECENT_HOST_COUNT];
extern LONG volatile                    g_iRecentHost;
extern LAST_REQUEST_INFO                g_lastRequest;

HRESULT
CaptureHostHeader(
    _In_ IHttpContext*  pHttpContext
);

HRESULT
CacheServerVariables(
    IN IHttpContext*    pHttpContext
);

HRESULT
CacheUserIdentity(
    IN IHttpContext*    pHttpContext
);

#endif // _HOST_STATE_H_
