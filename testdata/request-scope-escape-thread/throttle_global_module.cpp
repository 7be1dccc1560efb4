//
// throttle_global_module.cpp
//
// Global modules: request throttling, diagnostics and configuration
// watching.  Global notifications cannot return a pending status, so any
// request state handed to another thread from them outlives the request.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <thread>
#include <future>
#include <httpserv.h>

#define THROTTLE_LIMIT  64

static IHttpServer*     g_pGlobalServer = NULL;
static volatile LONG    g_cInFlight = 0;

DWORD WINAPI    ThrottleProc(_In_ LPVOID lpParameter);
DWORD WINAPI    PurgeProc(_In_ LPVOID lpParameter);
DWORD WINAPI    WarmupProc(_In_ LPVOID lpParameter);
DWORD WINAPI    TraceContextProc(_In_ LPVOID lpParameter);
DWORD WINAPI    ReloadConfigProc(_In_ LPVOID lpParameter);
VOID CALLBACK   RejectCallback(PTP_CALLBACK_INSTANCE Instance, PVOID Context);
VOID            RecordClient(IHttpRequest* pRequest);
VOID            RecordUserAgent(char* pszUserAgentCopy);
DWORD           ClassifyClient(PCSTR pszForwardedFor);

//
// Throttling
//

class CThrottleGlobalModule : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(
        IN IPreBeginRequestProvider*    pProvider
    );

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalApplicationStart(
        IN IHttpApplicationStartProvider*   pProvider
    );

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalCacheCleanup(
        VOID
    );

    VOID Terminate()
    {
        delete this;
    }
};

GLOBAL_NOTIFICATION_STATUS
CThrottleGlobalModule::OnGlobalPreBeginRequest(
    IN IPreBeginRequestProvider*    pProvider
)
{
    IHttpContext*   pHttpContext = pProvider->GetHttpContext();
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    LONG            cInFlight = InterlockedIncrement(&g_cInFlight);

    if (cInFlight <= THROTTLE_LIMIT)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    if (!TrySubmitThreadpoolCallback(RejectCallback, pRequest, NULL))
    //~^ request-scope-escape-thread
    {
        InterlockedDecrement(&g_cInFlight);
        return GL_NOTIFICATION_CONTINUE;
    }

    if (!QueueUserWorkItem(ThrottleProc, pHttpContext, WT_EXECUTEDEFAULT))
    //~^ request-scope-escape-thread
    {
        InterlockedDecrement(&g_cInFlight);
    }

    return GL_NOTIFICATION_HANDLED;
}

GLOBAL_NOTIFICATION_STATUS
CThrottleGlobalModule::OnGlobalApplicationStart(
    IN IHttpApplicationStartProvider*   pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    // Process-wide server object only.
    HANDLE hThread = CreateThread(NULL, 0, WarmupProc, g_pGlobalServer, 0, NULL);
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CThrottleGlobalModule::OnGlobalCacheCleanup(
    VOID
)
{
    LONG cSnapshot = g_cInFlight;

    QueueUserWorkItem(PurgeProc, NULL, WT_EXECUTEDEFAULT);
    QueueUserWorkItem(PurgeProc, (PVOID)(LONG_PTR)cSnapshot, WT_EXECUTEDEFAULT);

    return GL_NOTIFICATION_CONTINUE;
}

//
// Diagnostics
//

class CDiagnosticsGlobalModule : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider);
    GLOBAL_NOTIFICATION_STATUS OnGlobalTraceEvent(IN IGlobalTraceEventProvider* pProvider);
    GLOBAL_NOTIFICATION_STATUS OnGlobalConfigurationChange(IN IGlobalConfigurationChangeProvider* pProvider);

    VOID Terminate()
    {
        delete this;
    }

private:
    std::future<DWORD> m_classifyFuture;
};

GLOBAL_NOTIFICATION_STATUS
CDiagnosticsGlobalModule::OnGlobalPreBeginRequest(
    IN IPreBeginRequestProvider*    pProvider
)
{
    IHttpContext*   pHttpContext = pProvider->GetHttpContext();
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    USHORT          cchUserAgent = 0;
    USHORT          cchForwarded = 0;
    PCSTR           pszUserAgent = pRequest->GetHeader("User-Agent", &cchUserAgent);
    PCSTR           pszForwarded = pRequest->GetHeader("X-Forwarded-For", &cchForwarded);

    // A private copy is fine.
    if (pszUserAgent != NULL)
    {
        char* pszUserAgentCopy = _strdup(pszUserAgent);
        if (pszUserAgentCopy != NULL)
        {
            std::thread(RecordUserAgent, pszUserAgentCopy).detach();
        }
    }

    std::thread([pRequest] { RecordClient(pRequest); }).detach();
    //~^ request-scope-escape-thread

    if (pszForwarded != NULL)
    {
        m_classifyFuture = std::async(std::launch::async, ClassifyClient, pszForwarded);
        //~^ request-scope-escape-thread
    }

    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CDiagnosticsGlobalModule::OnGlobalTraceEvent(
    IN IGlobalTraceEventProvider*   pProvider
)
{
    IHttpContext*   pHttpContext = NULL;
    HRESULT         hr = pProvider->GetCurrentHttpRequestContext(&pHttpContext);

    if (FAILED(hr) || pHttpContext == NULL)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    HANDLE hThread = CreateThread(NULL, 0, TraceContextProc, (LPVOID)pHttpContext, 0, NULL);
    //~^ request-scope-escape-thread
    if (hThread != NULL)
    {
        CloseHandle(hThread);
    }

    return GL_NOTIFICATION_CONTINUE;
}

GLOBAL_NOTIFICATION_STATUS
CDiagnosticsGlobalModule::OnGlobalConfigurationChange(
    IN IGlobalConfigurationChangeProvider*  pProvider
)
{
    PCWSTR  pszChangePath = pProvider->GetChangePath();
    WCHAR*  pszPathCopy = NULL;

    if (pszChangePath == NULL)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    pszPathCopy = _wcsdup(pszChangePath);
    if (pszPathCopy == NULL)
    {
        return GL_NOTIFICATION_CONTINUE;
    }

    if (!QueueUserWorkItem(ReloadConfigProc, pszPathCopy, WT_EXECUTELONGFUNCTION))
    {
        free(pszPathCopy);
    }

    return GL_NOTIFICATION_CONTINUE;
}
