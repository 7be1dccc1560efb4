//
// globals.cpp
//
// Definitions of the process-wide state and the module entry point.
//

#include "host_state.h"
#include "host_module.h"

IHttpServer*                    g_pHttpServer = NULL;
HTTP_MODULE_ID                  g_pModuleId = NULL;
IHttpModuleRegistrationInfo*    g_pRegistrationInfo = NULL;

PCSTR                           g_pszHost = NULL;
PCSTR                           g_pszHostTail = NULL;
PCSTR                           g_pszCanonicalHost = NULL;
USHORT                          g_cchHost = 0;
CHAR                            g_szHost[HOST_CCH_MAX] = { 0 };
PCSTR                           g_rgpszRecentHosts[RECENT_HOST_COUNT] = { 0 };
LONG volatile                   g_iRecentHost = 0;
LAST_REQUEST_INFO               g_lastRequest = { 0 };

static DWORD                    s_dwServerVersion = 0;

HRESULT
__stdcall
RegisterModule(
    _In_ DWORD                          dwServerVersion,
    _In_ IHttpModuleRegistrationInfo*   pModuleInfo,
    _In_ IHttpServer*                   pGlobalInfo
)
{
    HRESULT             hr = S_OK;
    CHostGlobalModule*  pGlobalModule = NULL;
    CHostModuleFactory* pFactory = NULL;

    s_dwServerVersion = dwServerVersion;

    g_pHttpServer = pGlobalInfo;
    g_pModuleId = pModuleInfo->GetId();
    g_pRegistrationInfo = pModuleInfo;

    pGlobalModule = new CHostGlobalModule();
    if (pGlobalModule == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pModuleInfo->SetGlobalNotifications(pGlobalModule, GL_PRE_BEGIN_REQUEST);
    if (FAILED(hr))
    {
        goto Finished;
    }
    pGlobalModule = NULL;

    pFactory = new CHostModuleFactory();
    if (pFactory == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pModuleInfo->SetRequestNotifications(
        pFactory,
        RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_MAP_REQUEST_HANDLER |
            RQ_MAP_PATH | RQ_READ_ENTITY | RQ_SEND_RESPONSE,
        0);
    if (FAILED(hr))
    {
        goto Finished;
    }
    pFactory = NULL;

Finished:
    if (pGlobalModule != NULL)
    {
        pGlobalModule->Terminate();
        pGlobalModule = NULL;
    }
    if (pFactory != NULL)
    {
        pFactory->Terminate();
        pFactory = NULL;
    }
    return hr;
}
