//
// audit_module_threads.cpp
//
// Request auditing module.  Several notifications push audit work onto
// dedicated threads created with CreateThread / _beginthreadex /
// _beginthread.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <process.h>
#include <stdlib.h>
#include <string.h>
#include <httpserv.h>

#define AUDIT_MODULE_NAME   L"AuditModule"

IHttpServer*            g_pAuditServer = NULL;
static volatile LONG    g_cAuditThreads = 0;

//
// Job descriptor for the audit thread.
//
struct AUDIT_JOB
{
    IHttpContext*   pHttpContext;
    DWORD           dwStartTick;
};

//
// Plain numbers only, safe to hand to any thread.
//
struct AUDIT_STATS
{
    DWORD   dwStatusCode;
    DWORD   dwElapsed;
};

VOID WriteAuditRecord(IN IHttpRequest* pRequest);
VOID WriteAuditString(IN PCSTR pszValue);
VOID RecordStats(IN DWORD dwStatusCode, IN DWORD dwElapsed);
VOID FlushAuditLog(IN IHttpServer* pServer);

//
// Thread procedures
//

DWORD WINAPI AuditThreadProc(_In_ LPVOID lpParameter)
{
    IHttpContext* pHttpContext = (IHttpContext*)lpParameter;

    InterlockedIncrement(&g_cAuditThreads);
    WriteAuditRecord(pHttpContext->GetRequest());
    InterlockedDecrement(&g_cAuditThreads);

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    return 0;
}

unsigned __stdcall AuditStringThreadProc(_In_ void* pvArg)
{
    PCSTR pszValue = (PCSTR)pvArg;

    WriteAuditString(pszValue);
    return 0;
}

unsigned __stdcall AuditCopyThreadProc(_In_ void* pvArg)
{
    char* pszCopy = (char*)pvArg;

    WriteAuditString(pszCopy);
    free(pszCopy);
    return 0;
}

DWORD WINAPI AuditFlushThreadProc(_In_ LPVOID lpParameter)
{
    FlushAuditLog((IHttpServer*)lpParameter);
    return 0;
}

void __cdecl AuditJobThreadProc(void* pvArg)
{
    AUDIT_JOB* pJob = (AUDIT_JOB*)pvArg;

    WriteAuditString("audit job");
    UNREFERENCED_PARAMETER(pJob);
}

void __cdecl AuditStatsThreadProc(void* pvArg)
{
    AUDIT_STATS* pStats = (AUDIT_STATS*)pvArg;

    RecordStats(pStats->dwStatusCode, pStats->dwElapsed);
    delete pStats;
}

void __cdecl AuditStatusThreadProc(void* pvArg)
{
    DWORD dwStatus = (DWORD)(ULONG_PTR)pvArg;

    RecordStats(dwStatus, 0);
}

//
// Module
//

class CAuditModule : public CHttpModule
{
public:
    CAuditModule()
        : m_pHttpContext(NULL),
          m_hAuditThread(NULL),
          m_dwCreatedTick(GetTickCount())
    {
    }

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnAuthenticateRequest(
        IN IHttpContext*            pHttpContext,
        IN IAuthenticationProvider* pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnAuthorizeRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnResolveRequestCache(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnMapRequestHandler(
        IN IHttpContext*            pHttpContext,
        IN IMapHandlerProvider*     pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnAcquireRequestState(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnPreExecuteRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnReleaseRequestState(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnUpdateRequestCache(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnLogRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnEndRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
    );

private:
    IHttpContext*   m_pHttpContext;
    HANDLE          m_hAuditThread;
    DWORD           m_dwCreatedTick;
};

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HANDLE hThread = CreateThread(NULL, 0, AuditThreadProc, pHttpContext, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnAuthenticateRequest(
    IN IHttpContext*            pHttpContext,
    IN IAuthenticationProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    DWORD           dwThreadId = 0;

    m_hAuditThread = CreateThread(NULL, 0, AuditThreadProc, (LPVOID)pRequest, 0, &dwThreadId);
    //~^ request-scope-escape-thread
    if (m_hAuditThread == NULL)
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error", 0,
                                               HRESULT_FROM_WIN32(GetLastError()));
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    PCWSTR pszScript = pHttpContext->GetScriptName();
    if (pszScript == NULL || *pszScript == L'\0')
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    uintptr_t hWorker = _beginthreadex(NULL, 0, AuditStringThreadProc, (void*)pszScript, 0, NULL);
    //~^ request-scope-escape-thread
    if (hWorker != 0)
    {
        CloseHandle((HANDLE)hWorker);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    AUDIT_JOB job;
    job.pHttpContext = pHttpContext;
    job.dwStartTick = GetTickCount();

    uintptr_t hThread = _beginthread(AuditJobThreadProc, 0, &job);
    //~^ request-scope-escape-thread
    if (hThread == (uintptr_t)-1)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnMapRequestHandler(
    IN IHttpContext*            pHttpContext,
    IN IMapHandlerProvider*     pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    m_pHttpContext = pHttpContext;

    HANDLE hThread = CreateThread(NULL, 0, AuditThreadProc, m_pHttpContext, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    LPVOID pvParam = (LPVOID)pHttpContext;
    HANDLE hThread = NULL;

#ifdef AUDIT_VERBOSE
    OutputDebugStringW(AUDIT_MODULE_NAME L": starting audit thread\n");
#endif

    hThread = CreateThread(NULL, 0, AuditThreadProc, pvParam, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread == NULL)
    {
        goto Finished;
    }

    CloseHandle(hThread);

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    HRESULT hr = S_OK;
    PCSTR   pszRemoteAddr = NULL;
    DWORD   cchRemoteAddr = 0;

    hr = pHttpContext->GetServerVariable("REMOTE_ADDR", &pszRemoteAddr, &cchRemoteAddr);
    if (FAILED(hr))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    uintptr_t hThread = _beginthreadex(NULL, 0, AuditStringThreadProc, (void*)pszRemoteAddr, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread != 0)
    {
        CloseHandle((HANDLE)hThread);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnEndRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);

    HANDLE hThread = CreateThread(NULL, 0, AuditThreadProc, pProvider, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Negative cases below: nothing request scoped leaves the notification, or
// the notification pends the request.
//

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnLogRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    // The server object lives for the whole worker process.
    HANDLE hThread = CreateThread(NULL, 0, AuditFlushThreadProc, g_pAuditServer, 0, NULL);
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnUpdateRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT  cchUserAgent = 0;
    PCSTR   pszUserAgent = pHttpContext->GetRequest()->GetHeader("User-Agent", &cchUserAgent);
    char*   pszCopy = NULL;

    if (pszUserAgent == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    // The thread owns a private heap copy.
    pszCopy = _strdup(pszUserAgent);
    if (pszCopy == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    uintptr_t hThread = _beginthreadex(NULL, 0, AuditCopyThreadProc, pszCopy, 0, NULL);
    if (hThread == 0)
    {
        free(pszCopy);
        return RQ_NOTIFICATION_CONTINUE;
    }

    CloseHandle((HANDLE)hThread);
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    DWORD           dwElapsed = GetTickCount() - m_dwCreatedTick;
    AUDIT_STATS*    pStats = new AUDIT_STATS;

    pStats->dwStatusCode = 0;
    pStats->dwElapsed = dwElapsed;

    if (_beginthread(AuditStatsThreadProc, 0, pStats) == (uintptr_t)-1)
    {
        delete pStats;
    }

    // Only the number travels, packed into the pointer argument.
    _beginthread(AuditStatusThreadProc, 0, (void*)(ULONG_PTR)dwElapsed);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    // The audit thread calls IndicateCompletion when it is done.
    HANDLE hThread = CreateThread(NULL, 0, AuditThreadProc, pHttpContext, 0, NULL);
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return RQ_NOTIFICATION_PENDING;
}
