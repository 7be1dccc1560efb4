// Change auditor: a global module that records file and configuration changes.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>

static void EmitAudit(_In_ PCWSTR pwszKind, _In_ PCWSTR pwszDetail)
{
    OutputDebugStringW(pwszKind);
    OutputDebugStringW(L": ");
    OutputDebugStringW(pwszDetail);
    OutputDebugStringW(L"\r\n");
}

class CChangeAuditor : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
    {
        // The context is only valid for this call; use it here and let it go.
        IHttpContext* pHttpContext = pProvider->GetHttpContext();
        const DWORD cchStamp = 24;
        PSTR pszStamp = (PSTR)pHttpContext->AllocateRequestMemory(cchStamp);
        if (pszStamp == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        int cch = sprintf_s(pszStamp, cchStamp, "%llu", GetTickCount64());
        if (cch > 0)
        {
            pHttpContext->GetRequest()->SetHeader("X-Audit-Start", pszStamp, (USHORT)cch, TRUE);
        }
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalFileChange(IN IGlobalFileChangeProvider* pProvider)
    {
        WCHAR wszFile[MAX_PATH];
        wcsncpy_s(wszFile, ARRAYSIZE(wszFile), pProvider->GetFileName(), _TRUNCATE);
        EmitAudit(L"file", wszFile);
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalConfigurationChange(IN IGlobalConfigurationChangeProvider* pProvider)
    {
        WCHAR wszPath[MAX_PATH];
        wcsncpy_s(wszPath, ARRAYSIZE(wszPath), pProvider->GetChangePath(), _TRUNCATE);
        EmitAudit(L"config", wszPath);
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalThreadCleanup(IN IGlobalThreadCleanupProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pProvider);
        WCHAR wszMsg[48];
        swprintf_s(wszMsg, ARRAYSIZE(wszMsg), L"thread %lu", GetCurrentThreadId());
        EmitAudit(L"cleanup", wszMsg);
        return GL_NOTIFICATION_CONTINUE;
    }

    VOID Terminate()
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
    UNREFERENCED_PARAMETER(pHttpServer);
    CChangeAuditor* pAuditor = new CChangeAuditor();
    if (pAuditor == NULL)
    {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }
    return pModuleInfo->SetGlobalNotifications(
        pAuditor,
        GL_PRE_BEGIN_REQUEST | GL_FILE_CHANGE | GL_CONFIGURATION_CHANGE | GL_THREAD_CLEANUP);
}
