// Script-processor redirector: picks the handler executable for each request
// and hands it to IIS through IMapHandlerProvider::SetScriptMap.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>

static IHttpServer* g_pServer = NULL;

// Module-owned cache of the last script map (content, not a pointer into a request).
static WCHAR g_wszCachedScriptMap[MAX_PATH];
static DWORD g_cchCachedScriptMap = 0;
static SRWLOCK g_lockCache = SRWLOCK_INIT;

static const WCHAR c_wszProcessorTail[] = L"\\ProgramData\\ScriptHost\\shost.exe";

class CScriptMapModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnMapRequestHandler(
        IN IHttpContext* pHttpContext,
        IN IMapHandlerProvider* pProvider
    )
    {
        WCHAR wszDrive[8];
        DWORD cchDrive = GetEnvironmentVariableW(L"SystemDrive", wszDrive, ARRAYSIZE(wszDrive));
        if (cchDrive == 0 || cchDrive >= ARRAYSIZE(wszDrive))
        {
            return RQ_NOTIFICATION_CONTINUE;
        }

        DWORD cchMap = cchDrive + ARRAYSIZE(c_wszProcessorTail);
        PWSTR pwszMap = (PWSTR)pHttpContext->AllocateRequestMemory(cchMap * sizeof(WCHAR));
        if (pwszMap == NULL)
        {
            pHttpContext->GetResponse()->SetStatus(500, "Server Error", 0, E_OUTOFMEMORY);
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        wcscpy_s(pwszMap, cchMap, wszDrive);
        wcscat_s(pwszMap, cchMap, c_wszProcessorTail);

        // Remember the text for diagnostics; the request's own buffer stays local.
        AcquireSRWLockExclusive(&g_lockCache);
        wcscpy_s(g_wszCachedScriptMap, ARRAYSIZE(g_wszCachedScriptMap), pwszMap);
        g_cchCachedScriptMap = cchMap - 1;
        ReleaseSRWLockExclusive(&g_lockCache);

        HRESULT hr = pProvider->SetScriptMap(pwszMap, cchMap - 1);
        if (FAILED(hr))
        {
            pHttpContext->GetResponse()->SetStatus(500, "Server Error", 0, hr);
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        return RQ_NOTIFICATION_CONTINUE;
    }
};

class CScriptMapFactory : public IHttpModuleFactory
{
public:
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
    {
        UNREFERENCED_PARAMETER(pAllocator);
        CScriptMapModule* pModule = new CScriptMapModule();
        if (pModule == NULL)
        {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }
        *ppModule = pModule;
        return S_OK;
    }

    void Terminate()
    {
        delete this;
    }
};

HRESULT __stdcall RegisterModule(
    DWORD dwServerVersion,
    IHttpModuleRegistrationInfo* pModuleInfo,
    IHttpServer* pHttpServer
)
{
    UNREFERENCED_PARAMETER(dwServerVersion);
    g_pServer = pHttpServer;
    return pModuleInfo->SetRequestNotifications(new CScriptMapFactory, RQ_MAP_REQUEST_HANDLER, 0);
}
