//
// register_module.cpp
//
// DLL entry point for the URL tracker.
//

#include "url_tracker.h"
#include "tracker_module.h"

HTTP_MODULE_ID  g_pModuleId = NULL;
IHttpServer*    g_pHttpServer = NULL;
CUrlTracker*    g_pTracker = NULL;

HRESULT
WINAPI
RegisterModule(
    DWORD                           dwServerVersion,
    IHttpModuleRegistrationInfo*    pModuleInfo,
    IHttpServer*                    pGlobalInfo
)
{
    HRESULT             hr = S_OK;
    CUrlTracker*        pTracker = NULL;
    CTrackerFactory*    pFactory = NULL;

    UNREFERENCED_PARAMETER(dwServerVersion);

    g_pModuleId = pModuleInfo->GetId();
    g_pHttpServer = pGlobalInfo;

    hr = Registry::Initialize(pGlobalInfo);
    if (FAILED(hr))
    {
        goto Finished;
    }

    pTracker = new CUrlTracker(pGlobalInfo);
    if (pTracker == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pModuleInfo->SetGlobalNotifications(
        pTracker,
        GL_PRE_BEGIN_REQUEST | GL_TRACE_EVENT | GL_APPLICATION_START);
    if (FAILED(hr))
    {
        goto Finished;
    }
    g_pTracker = pTracker;
    pTracker = NULL;

    pFactory = new CTrackerFactory(pGlobalInfo);
    if (pFactory == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pModuleInfo->SetRequestNotifications(
        pFactory,
        RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_SEND_RESPONSE,
        RQ_AUTHENTICATE_REQUEST);
    if (FAILED(hr))
    {
        goto Finished;
    }
    pFactory = NULL;

Finished:
    if (pTracker != NULL)
    {
        pTracker->Terminate();
        pTracker = NULL;
    }
    if (pFactory != NULL)
    {
        pFactory->Terminate();
        pFactory = NULL;
    }
    return hr;
}
