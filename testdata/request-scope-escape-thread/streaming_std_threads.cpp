//
// streaming_std_threads.cpp
//
// Streaming/inspection module written against the C++ standard library
// threading facilities (std::thread, std::jthread, std::async, lambdas).
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <thread>
#include <future>
#include <utility>
#include <httpserv.h>

static IHttpServer*     g_pStreamServer = NULL;
static volatile LONG    g_cBackgroundTasks = 0;

VOID    ProcessRequestWorker(IHttpContext* pHttpContext);
VOID    InspectRequestWorker(IHttpRequest* pRequest);
VOID    InspectScratchWorker(BYTE* pbScratch);
DWORD   ComputeEtag(IHttpRequest* pRequest);
DWORD   ComputeChecksum(DWORD dwSeed);
VOID    LogHostWorker(char* pszHostCopy);
VOID    RefreshServerState(IHttpServer* pServer);
VOID    NegotiateContent(PCSTR pszAccept);
VOID    RecordStatus(DWORD dwQueuedAt);
DWORD   HashUrl(IHttpContext* pHttpContext);

class CStreamingModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthenticateRequest(IN IHttpContext* pHttpContext, IN IAuthenticationProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnResolveRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnMapRequestHandler(IN IHttpContext* pHttpContext, IN IMapHandlerProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAcquireRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPreExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnReleaseRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnUpdateRequestCache(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnLogRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostAuthenticateRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostMapRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnPostAcquireRequestState(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);

private:
    std::future<DWORD>  m_etagFuture;
    std::future<DWORD>  m_checksumFuture;
};

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    std::thread worker(ProcessRequestWorker, pHttpContext);
    //~^ request-scope-escape-thread
    worker.detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnAuthenticateRequest(
    IN IHttpContext*            pHttpContext,
    IN IAuthenticationProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    std::thread(InspectRequestWorker, pRequest).detach();
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    std::jthread auditor(InspectRequestWorker, pRequest);
    //~^ request-scope-escape-thread
    auditor.detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    m_etagFuture = std::async(std::launch::async, ComputeEtag, pRequest);
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnMapRequestHandler(
    IN IHttpContext*            pHttpContext,
    IN IMapHandlerProvider*     pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    std::thread([pHttpContext]() {
    //~^ request-scope-escape-thread
        IHttpResponse* pResponse = pHttpContext->GetResponse();
        pResponse->SetHeader("X-Stream", "1", 1, TRUE);
    }).detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT  cchAccept = 0;
    PCSTR   pszAccept = pHttpContext->GetRequest()->GetHeader("Accept", &cchAccept);

    if (pszAccept == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    std::thread([&] { NegotiateContent(pszAccept); }).detach();
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    std::thread([=] { InspectRequestWorker(pRequest); }).detach();
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse* pResponse = pHttpContext->GetResponse();

    auto fnFlush = [pResponse]() {
        DWORD cbSent = 0;
        pResponse->Flush(FALSE, TRUE, &cbSent);
    };

    std::thread(fnFlush).detach();
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpUser* pUser = pHttpContext->GetUser();

    auto task = [pUser]() {
        HANDLE hToken = pUser->GetImpersonationToken();
        UNREFERENCED_PARAMETER(hToken);
    };

    std::thread t(std::move(task));
    //~^ request-scope-escape-thread
    t.detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnUpdateRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    m_etagFuture = std::async(std::launch::async, [&pHttpContext] { return HashUrl(pHttpContext); });
    //~^ request-scope-escape-thread

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnLogRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    BYTE* pbScratch = (BYTE*)pHttpContext->AllocateRequestMemory(256);
    if (pbScratch == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    std::jthread inspector([pbScratch] { InspectScratchWorker(pbScratch); });
    //~^ request-scope-escape-thread
    inspector.detach();

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Negative cases
//

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnEndRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT  cchHost = 0;
    PCSTR   pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);
    char*   pszHostCopy = NULL;

    if (pszHost == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pszHostCopy = _strdup(pszHost);
    if (pszHostCopy != NULL)
    {
        std::thread(LogHostWorker, pszHostCopy).detach();
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPostBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    DWORD dwTimeout = 250;

    std::thread(RefreshServerState, g_pStreamServer).detach();
    std::thread([dwTimeout] { Sleep(dwTimeout); }).detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPostAuthenticateRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest* pRequest = pHttpContext->GetRequest();

    if (pRequest->GetRemainingEntityBytes() == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    // Default capture, but the body only touches process-wide state.
    std::thread([&] { InterlockedIncrement(&g_cBackgroundTasks); }).detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPostAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    DWORD           dwQueuedAt = GetTickCount();

    pResponse->SetHeader("X-Queued", "1", 1, FALSE);

    std::thread([=] { RecordStatus(dwQueuedAt); }).detach();

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPostMapRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    // ProcessRequestWorker calls IndicateCompletion when it is done.
    std::thread(ProcessRequestWorker, pHttpContext).detach();

    return RQ_NOTIFICATION_PENDING;
}

REQUEST_NOTIFICATION_STATUS
CStreamingModule::OnPostAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);

    DWORD dwSeed = GetCurrentThreadId();

    m_checksumFuture = std::async(std::launch::async, ComputeChecksum, dwSeed);

    return RQ_NOTIFICATION_CONTINUE;
}
