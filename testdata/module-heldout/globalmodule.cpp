//
// globalmodule.cpp - CAuditGlobalModule: server-wide rate limiting and configuration.
//
#include "precomp.h"
#include "auditmodule.h"

CAuditGlobalModule::CAuditGlobalModule(_In_ IHttpServer* pServer)
    : m_pServer(pServer), m_pLastContext(NULL), m_dwWindowStart(0), m_cInWindow(0)
{
    InitializeCriticalSection(&m_csRate);
    m_szLastBlocked[0] = '\0';
}

CAuditGlobalModule::~CAuditGlobalModule()
{
    DeleteCriticalSection(&m_csRate);
}

BOOL CAuditGlobalModule::IsRateLimited()
{
    DWORD   dwNow = GetTickCount();
    BOOL    fLimited = FALSE;

    EnterCriticalSection(&m_csRate);
    if (dwNow - m_dwWindowStart >= 1000)
    {
        m_dwWindowStart = dwNow;
        m_cInWindow = 0;
    }
    fLimited = (g_Config.dwMaxRequestsPerSecond != 0 &&
                (DWORD)++m_cInWindow > g_Config.dwMaxRequestsPerSecond);
    LeaveCriticalSection(&m_csRate);

    return fLimited;
}

HRESULT CAuditGlobalModule::ReloadConfiguration()
{
    AUDIT_CONFIG    config;
    DWORD           cbValue = sizeof(config.dwMaxRequestsPerSecond);

    LoadDefaultConfig(&config);
    RegGetValueA(HKEY_LOCAL_MACHINE, AUDIT_REG_KEY, "MaxRequestsPerSecond", RRF_RT_REG_DWORD,
                 NULL, &config.dwMaxRequestsPerSecond, &cbValue);

    EnterCriticalSection(&m_csRate);
    g_Config = config;
    LeaveCriticalSection(&m_csRate);
    return S_OK;
}

GLOBAL_NOTIFICATION_STATUS
CAuditGlobalModule::OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
{
    HRESULT         hr = S_OK;
    IHttpContext*   pHttpContext = pProvider->GetHttpContext();
    PCSTR           pszAddr = NULL;
    DWORD           cchAddr = 0;
    PSTR            pszKey = NULL;
    DWORD           cchKey = 0;
    BOOL            fQueued = FALSE;

    if (!g_Config.fEnabled)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    m_pLastContext = pHttpContext;
    //~^ request-scope-escape-long-lived

    if (!IsRateLimited())
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    IfFailGo(pHttpContext->GetServerVariable("REMOTE_ADDR", &pszAddr, &cchAddr));

    EnterCriticalSection(&m_csRate);
    if (cchAddr < ARRAY_COUNT(m_szLastBlocked))
    {
        strcpy_s(m_szLastBlocked, ARRAY_COUNT(m_szLastBlocked), pszAddr);
    }
    LeaveCriticalSection(&m_csRate);

    pszKey = (PSTR)pHttpContext->AllocateRequestMemory(AUDIT_MAX_CLIENT);
    //~^ request-memory-dead-alloc
    IfNullGo(pszKey);

    cchKey = cchAddr + 8;
    pszKey = (PSTR)pHttpContext->AllocateRequestMemory(cchKey);
    IfNullGo(pszKey);
    IfFailGo(StringCchPrintfA(pszKey, cchKey, "rl:%s", pszAddr));

    fQueued = QueueUserWorkItem(BlockListWorkItem, pszKey, WT_EXECUTEDEFAULT);
    //~^ request-scope-escape-thread
    if (!fQueued)
    {
        AuditTrace("reqaudit: could not queue block-list update: %lu\n", GetLastError());
    }

    InterlockedIncrement(&g_pStats->cBlocked);
    IfFailGo(pHttpContext->GetResponse()->SetStatus(429, "Too Many Requests"));
    pHttpContext->SetRequestHandled();
    return GL_NOTIFICATION_HANDLED;

Finished:
    InterlockedIncrement(&g_pStats->cErrors);
    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CAuditGlobalModule::OnGlobalConfigurationChange(IN IGlobalConfigurationChangeProvider* pProvider)
{
    PCWSTR pwszPath = pProvider->GetChangePath();

    if (pwszPath == NULL || _wcsnicmp(pwszPath, L"MACHINE/WEBROOT/APPHOST", 23) != 0)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    // Reading configuration can block.  This module lives until Terminate.
    if (!QueueUserWorkItem(ReloadConfigWorkItem, this, WT_EXECUTEDEFAULT))
    {
        AuditTrace("reqaudit: could not queue configuration reload: %lu\n", GetLastError());
    }
    return GL_NOTIFICATION_CONTINUE;
}
