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
    CChangeAuditor() : m_pHttpContext(NULL) {}

    GLOBAL_NOTIFICATION_STATUS OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
    {
        // Keep a context around so the other notifications have an allocator.
        m_pHttpContext = pProvider->GetHttpContext();
        //~^ request-scope-escape-long-lived
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalFileChange(IN IGlobalFileChangeProvider* pProvider)
    {
        if (m_pHttpContext == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        PCWSTR pwszFile = pProvider->GetFileName();
        size_t cchFile = wcslen(pwszFile) + 1;
        PWSTR pwszCopy = (PWSTR)m_pHttpContext->AllocateRequestMemory((DWORD)(cchFile * sizeof(WCHAR)));
        if (pwszCopy == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        wcscpy_s(pwszCopy, cchFile, pwszFile);
        EmitAudit(L"file", pwszCopy);
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalConfigurationChange(IN IGlobalConfigurationChangeProvider* pProvider)
    {
        if (m_pHttpContext == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        PCWSTR pwszPath = pProvider->GetChangePath();
        size_t cchPath = wcslen(pwszPath) + 1;
        PWSTR pwszCopy = (PWSTR)m_pHttpContext->AllocateRequestMemory((DWORD)(cchPath * sizeof(WCHAR)));
        if (pwszCopy == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        wcscpy_s(pwszCopy, cchPath, pwszPath);
        EmitAudit(L"config", pwszCopy);
        return GL_NOTIFICATION_CONTINUE;
    }

    GLOBAL_NOTIFICATION_STATUS OnGlobalThreadCleanup(IN IGlobalThreadCleanupProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pProvider);
        if (m_pHttpContext == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        const DWORD cchMsg = 48;
        PWSTR pwszMsg = (PWSTR)m_pHttpContext->AllocateRequestMemory(cchMsg * sizeof(WCHAR));
        if (pwszMsg == NULL)
        {
            return GL_NOTIFICATION_CONTINUE;
        }
        swprintf_s(pwszMsg, cchMsg, L"thread %lu", GetCurrentThreadId());
        EmitAudit(L"cleanup", pwszMsg);
        return GL_NOTIFICATION_CONTINUE;
    }

    VOID Terminate()
    {
        delete this;
    }

private:
    IHttpContext* m_pHttpContext;
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
