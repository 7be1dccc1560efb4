//
// module.cpp : request notifications of the request-tracing module.
//
// The helpers called here are defined in helpers.cpp, chain.cpp,
// dispatch.cpp and registry.cpp.
//

#include "helpers.h"
#include "registry.h"

#include <new>
#include <stdlib.h>
#include <string.h>

//
// Process-wide state.
//

IHttpServer*    g_pHttpServer       = NULL;

PCSTR           g_pszHost           = NULL;
PCSTR           g_pszAgent          = NULL;
const void*     g_pvLastBuffer      = NULL;
const void*     g_pvBannerRef       = NULL;
PCSTR           g_pszUrl            = NULL;
VOID*           g_pvScratch         = NULL;
char*           g_pszCopy           = NULL;
char*           g_pszOrigin         = NULL;

CJob*           g_pJob              = NULL;
CJob*           g_pServerJob        = NULL;
CRegistry*      g_pRegistry         = NULL;
CLastSeen       g_lastSeen;

static const char g_szBanner[] = "request-tracing/1.0";

typedef struct _TRACE_ENTRY
{
    PCSTR   pszValue;
    DWORD   cchValue;
} TRACE_ENTRY;

class CTraceModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnAuthenticateRequest(
        IN IHttpContext*        pHttpContext,
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
        IN IHttpContext*        pHttpContext,
        IN IMapHandlerProvider* pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnPostMapRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
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
};

//
// DupHeader returns request memory; the caller keeps it in a global.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    IHttpRequest*   pRequest = NULL;
    PCSTR           pszHost = NULL;
    USHORT          cchHost = 0;

    UNREFERENCED_PARAMETER(pProvider);

    pRequest = pHttpContext->GetRequest();

    pszHost = pRequest->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL || cchHost == 0)
    {
        goto Finished;
    }

    g_pszHost = DupHeader(pHttpContext, pszHost);
    //~^ request-scope-escape-static

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// GetUserAgent returns a request header.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnAuthenticateRequest(
    IN IHttpContext*            pHttpContext,
    IN IAuthenticationProvider* pProvider
    )
{
    PCSTR pszAgent = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    pszAgent = GetUserAgent(pHttpContext->GetRequest());
    if (pszAgent == NULL)
    {
        goto Finished;
    }

    RememberLastValue(pszAgent);

    g_pszAgent = pszAgent;
    //~^ request-scope-escape-static

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// PassThrough returns its argument unchanged.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    const DWORD cbBuffer = 256;
    VOID*       pvBuffer = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    g_pvBannerRef = PassThrough(g_szBanner);

    pvBuffer = pHttpContext->AllocateRequestMemory(cbBuffer);
    if (pvBuffer == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    ZeroMemory(pvBuffer, cbBuffer);

    g_pvLastBuffer = PassThrough(pvBuffer);
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

//
// GetVar fills its out-parameter from GetServerVariable.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnResolveRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT hr = S_OK;
    PCSTR   pszUrl = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    hr = GetVar(pHttpContext, "URL", &pszUrl);
    if (FAILED(hr))
    {
        goto Finished;
    }

    RememberLastValue(pszUrl);

    g_pszUrl = pszUrl;
    //~^ request-scope-escape-static

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Out-parameters filled from AllocateRequestMemory: VOID** and char*&.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnMapRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IMapHandlerProvider* pProvider
    )
{
    HRESULT hr = S_OK;
    VOID*   pvScratch = NULL;
    char*   pszCopy = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    hr = AllocRequestBuffer(pHttpContext, 512, &pvScratch);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pvScratch = pvScratch;
    //~^ request-scope-escape-static

    hr = CopyToRequest(pHttpContext, g_szBanner, pszCopy);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pszCopy = pszCopy;
    //~^ request-scope-escape-static

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Request values that stay inside the request, or are copied out.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnPostMapRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT         hr = S_OK;
    IHttpRequest*   pRequest = NULL;
    IHttpResponse*  pResponse = NULL;
    PCSTR           pszHost = NULL;
    USHORT          cchHost = 0;
    char*           pszEcho = NULL;
    PCSTR           pszQuery = NULL;
    TRACE_ENTRY     entry = { 0 };

    UNREFERENCED_PARAMETER(pProvider);

    pRequest = pHttpContext->GetRequest();
    pResponse = pHttpContext->GetResponse();

    pszHost = pRequest->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL || cchHost == 0)
    {
        goto Finished;
    }

    //
    // Request-memory copy used only while the request is alive.
    //
    pszEcho = DupHeader(pHttpContext, pszHost);
    if (pszEcho != NULL)
    {
        hr = pResponse->SetHeader("X-Trace-Host", pszEcho, static_cast<USHORT>(strlen(pszEcho)), TRUE);
        if (FAILED(hr))
        {
            goto Finished;
        }
    }

    //
    // Server variable kept in a local and a stack structure only.
    //
    hr = GetVar(pHttpContext, "QUERY_STRING", &pszQuery);
    if (FAILED(hr))
    {
        hr = S_OK;
        goto Finished;
    }

    entry.pszValue = pszQuery;
    entry.cchValue = static_cast<DWORD>(MeasureValue(pszQuery));

    if (entry.cchValue > 2048 || !InspectValue(entry.pszValue))
    {
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_DATA);
        goto Finished;
    }

    //
    // Helpers that copy the characters rather than keep the pointer.
    //
    SaveValueCopy(pszHost);
    SaveValueString(pszHost);

    //
    // Only the second argument is kept, and it is a literal.
    //
    StoreSecondValue(pszHost, "post-map");

    hr = DispatchValues(pHttpContext);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = KeepHeapCopies(pHttpContext);

Finished:
    if (FAILED(hr))
    {
        pResponse->SetStatus(400, "Bad Request", 0, hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Constructors: a heap CJob holding the context is kept in a global.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT hr = S_OK;
    CJob    job(pHttpContext);

    UNREFERENCED_PARAMETER(pProvider);

    hr = job.Run();
    if (FAILED(hr))
    {
        goto Finished;
    }

    if (g_pJob == NULL)
    {
        g_pJob = new CJob(pHttpContext);
        //~^ request-scope-escape-long-lived
    }

    if (g_pServerJob == NULL)
    {
        g_pServerJob = new CJob(g_pHttpServer, JOB_FLAG_PERIODIC);
    }

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Setters: the finding is at the member store inside the setter
// (registry.cpp), decided by what the receiver is.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    CRegistry   registry;
    CLastSeen   seen;

    UNREFERENCED_PARAMETER(pProvider);

    if (g_pRegistry != NULL)
    {
        g_pRegistry->SetLast(pHttpContext);
    }

    registry.SetLast(pHttpContext);
    registry.SetPending(pHttpContext);

    g_lastSeen.Track(pHttpContext);
    seen.Track(pHttpContext);

    return RQ_NOTIFICATION_CONTINUE;
}

//
// Hands the context to a worker and returns PENDING on every path after.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    IHttpRequest* pRequest = pHttpContext->GetRequest();

    UNREFERENCED_PARAMETER(pProvider);

    if (pRequest->GetRemainingEntityBytes() == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    StartAsyncRead(pHttpContext);
    return RQ_NOTIFICATION_PENDING;
}

//
// ReleaseBuffer frees what it is given.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    VOID*   pvState = NULL;
    VOID*   pvHeapState = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    pvHeapState = malloc(128);
    if (pvHeapState == NULL)
    {
        goto Finished;
    }

    SecureZeroMemory(pvHeapState, 128);
    ReleaseHeapBuffer(pvHeapState);

    pvState = pHttpContext->AllocateRequestMemory(128);
    if (pvState == NULL)
    {
        goto Finished;
    }

    SecureZeroMemory(pvState, 128);
    ReleaseBuffer(pvState);

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Call chains: module.cpp -> chain.cpp -> helpers.cpp, recursion, and
// a returned value that comes back through two helpers.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnUpdateRequestCache(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT     hr = S_OK;
    char*       pszTrace = NULL;
    VALUE_NODE  rgNodes[2];

    UNREFERENCED_PARAMETER(pProvider);

    pszTrace = static_cast<char*>(pHttpContext->AllocateRequestMemory(64));
    if (pszTrace == NULL)
    {
        goto Finished;
    }

    strcpy_s(pszTrace, 64, "update-request-cache");
    ForwardValue(pszTrace);

    rgNodes[0].pNext = &rgNodes[1];
    rgNodes[0].dwDepth = 0;
    rgNodes[1].pNext = NULL;
    rgNodes[1].dwDepth = 1;
    RememberAtEnd(&rgNodes[0], pszTrace);

    g_pszOrigin = DupOrigin(pHttpContext);
    //~^ request-scope-escape-static

    hr = ChainEntry(pHttpContext);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = WalkEntry(pHttpContext);

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Hands the context to a worker and carries on with the pipeline.
//
REQUEST_NOTIFICATION_STATUS
CTraceModule::OnLogRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    UNREFERENCED_PARAMETER(pProvider);

    StartBackgroundLog(pHttpContext);
    return RQ_NOTIFICATION_CONTINUE;
}

//
// Timer callbacks for requests parked with RQ_NOTIFICATION_PENDING.
//
VOID CALLBACK
OnThrottleTimer(
    _In_ PVOID      pvContext,
    _In_ BOOLEAN    fTimerOrWaitFired
    )
{
    IHttpContext*   pHttpContext = static_cast<IHttpContext*>(pvContext);
    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    HRESULT         hr = S_OK;

    UNREFERENCED_PARAMETER(fTimerOrWaitFired);

    hr = pResponse->SetStatus(503, "Service Unavailable");
    if (FAILED(hr))
    {
        OutputDebugStringA("request-tracing: SetStatus failed\n");
    }

    FinishRequest(pHttpContext);
}

VOID CALLBACK
OnAbortTimer(
    _In_ PVOID      pvContext,
    _In_ BOOLEAN    fTimerOrWaitFired
    )
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);

    UNREFERENCED_PARAMETER(fTimerOrWaitFired);

    FinishRequest(pHttpContext);
    pHttpContext->GetResponse()->ResetConnection();
    //~^ use-after-completion
}

//
// Module factory and registration.
//
class CTraceModuleFactory : public IHttpModuleFactory
{
public:
    HRESULT
    GetHttpModule(
        OUT CHttpModule**       ppModule,
        IN  IModuleAllocator*   pAllocator
        )
    {
        CTraceModule* pModule = NULL;

        UNREFERENCED_PARAMETER(pAllocator);

        pModule = new (std::nothrow) CTraceModule();
        if (pModule == NULL)
        {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }

        *ppModule = pModule;
        return S_OK;
    }

    VOID
    Terminate(
        VOID
        )
    {
        delete this;
    }
};

HRESULT
__stdcall
RegisterModule(
    DWORD                           dwServerVersion,
    IHttpModuleRegistrationInfo*    pModuleInfo,
    IHttpServer*                    pHttpServer
    )
{
    HRESULT                 hr = S_OK;
    CSink*                  pSink = NULL;
    char*                   pszBanner = NULL;
    CTraceModuleFactory*    pFactory = NULL;

    UNREFERENCED_PARAMETER(dwServerVersion);

    g_pHttpServer = pHttpServer;

    g_pRegistry = new (std::nothrow) CRegistry();
    if (g_pRegistry == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    pSink = new (std::nothrow) CGlobalSink();
    if (pSink == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    InitializeDispatch(pSink);
    LoadChainDefaults();

    //
    // Sink-wrappers fed only static and heap strings.
    //
    RememberConfigValue("default.htm");
    RememberStartupBanner(g_szBanner);

    pszBanner = DupHeap(g_szBanner);
    if (pszBanner != NULL)
    {
        RememberStartupBanner(pszBanner);
    }

    pFactory = new (std::nothrow) CTraceModuleFactory();
    if (pFactory == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pModuleInfo->SetRequestNotifications(
            pFactory,
            RQ_BEGIN_REQUEST | RQ_AUTHENTICATE_REQUEST | RQ_AUTHORIZE_REQUEST |
            RQ_RESOLVE_REQUEST_CACHE | RQ_MAP_REQUEST_HANDLER | RQ_ACQUIRE_REQUEST_STATE |
            RQ_PRE_EXECUTE_REQUEST_HANDLER | RQ_EXECUTE_REQUEST_HANDLER |
            RQ_RELEASE_REQUEST_STATE | RQ_UPDATE_REQUEST_CACHE | RQ_LOG_REQUEST,
            RQ_MAP_REQUEST_HANDLER);

Finished:
    return hr;
}
