// register.cpp - HeaderStamp: DLL entry points.
#include "module.h"

// The server interface IIS hands to RegisterModule. It lives as long as the
// worker process, so keeping it in a global is the documented pattern.
IHttpServer*   g_pHttpServer = NULL;

// Our module id, for per-context module storage.
HTTP_MODULE_ID g_pModuleId = NULL;

BOOL
WINAPI
DllMain(
    HINSTANCE hinstDll,
    DWORD     dwReason,
    LPVOID    lpReserved)
{
    UNREFERENCED_PARAMETER(lpReserved);

    if (dwReason == DLL_PROCESS_ATTACH)
    {
        DisableThreadLibraryCalls(hinstDll);
    }
    return TRUE;
}

//
// Called once when the worker process loads the module. IIS looks it up by
// name, so it is exported undecorated (EXPORTS RegisterModule in a .def file).
//
HRESULT
__stdcall
RegisterModule(
    DWORD                        dwServerVersion,
    IHttpModuleRegistrationInfo* pModuleInfo,
    IHttpServer*                 pGlobalInfo)
{
    HRESULT hr = S_OK;

    UNREFERENCED_PARAMETER(dwServerVersion);

    if (pModuleInfo == NULL || pGlobalInfo == NULL)
    {
        return E_INVALIDARG;
    }

    g_pHttpServer = pGlobalInfo;
    g_pModuleId = pModuleInfo->GetId();

    hr = pModuleInfo->SetRequestNotifications(new CStampFactory,
                                              RQ_BEGIN_REQUEST |
                                              RQ_EXECUTE_REQUEST_HANDLER |
                                              RQ_LOG_REQUEST,
                                              RQ_SEND_RESPONSE);
    return hr;
}
