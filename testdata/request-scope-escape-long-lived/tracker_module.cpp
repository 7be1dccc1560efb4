//
// tracker_module.cpp
//

#include "tracker_module.h"
#include "url_tracker.h"
#include "stored_contexts.h"

//
// CTrackerFactory: one instance per worker process.
//

CTrackerFactory::CTrackerFactory(
    _In_ IHttpServer*   pServer
)
    : m_pServer(NULL),
      m_pAllocatorMem(NULL),
      m_pvTemplate(NULL),
      m_cModules(0)
{
    m_pServer = pServer;
}

HRESULT
CTrackerFactory::GetHttpModule(
    OUT CHttpModule**       ppModule,
    IN  IModuleAllocator*   pAllocator
)
{
    HRESULT         hr = S_OK;
    CTrackerModule* pModule = NULL;
    PVOID           pvScratch = NULL;
    PVOID           pvTemplate = NULL;

    if (ppModule == NULL || pAllocator == NULL)
    {
        hr = E_INVALIDARG;
        goto Finished;
    }
    *ppModule = NULL;

    m_pAllocatorMem = pAllocator->AllocateMemory(16);
    //~^ request-scope-escape-long-lived

    pvTemplate = pAllocator->AllocateMemory(sizeof(DWORD) * 4);
    if (pvTemplate != NULL && m_pvTemplate == NULL)
    {
        m_pvTemplate = pvTemplate;
        //~^ request-scope-escape-long-lived
    }

    pModule = new CTrackerModule(m_pServer);
    if (pModule == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    pvScratch = pAllocator->AllocateMemory(64);
    pModule->SetScratch(pvScratch);

    InterlockedIncrement(&m_cModules);
    *ppModule = pModule;
    pModule = NULL;

Finished:
    return hr;
}

//
// CTrackerModule: one instance per request.
//

CTrackerModule::CTrackerModule(
    _In_ IHttpServer*   pServer
)
    : m_pServer(NULL),
      m_pHttpContext(NULL),
      m_pRequest(NULL),
      m_pResponse(NULL),
      m_pSendProvider(NULL),
      m_pvBuffer(NULL),
      m_pvScratch(NULL),
      m_pszHost(NULL),
      m_pwszUser(NULL)
{
    m_pServer = pServer;
}

REQUEST_NOTIFICATION_STATUS
CTrackerModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    USHORT cchHost = 0;

    UNREFERENCED_PARAMETER(pProvider);

    m_pHttpContext = pHttpContext;
    m_pRequest = pHttpContext->GetRequest();
    m_pResponse = pHttpContext->GetResponse();
    m_pvBuffer = pHttpContext->AllocateRequestMemory(1024);
    m_pszHost = m_pRequest->GetHeader(HttpHeaderHost, &cchHost);

    if (m_pvBuffer == NULL)
    {
        pHttpContext->GetResponse()->SetStatus(500, "Server Error", 0, E_OUTOFMEMORY);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    if (g_pTracker != NULL)
    {
        g_pTracker->RememberContext(pHttpContext);
        g_pTracker->RememberUserAgent(m_pRequest);
        g_pTracker->NoteRequest(m_pRequest);
    }

    Registry::RecordUrl(pHttpContext);
    Registry::RememberCookie(pHttpContext, GetCurrentThreadId());

    if (FAILED(AttachConnectionState(pHttpContext)) ||
        FAILED(AttachSiteState(pHttpContext)) ||
        FAILED(AttachApplicationState(pHttpContext)) ||
        FAILED(AttachRequestState(pHttpContext)))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CTrackerModule::OnPostAuthenticateRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (pHttpContext->GetUser() != NULL)
    {
        KeepUser(pHttpContext);

        if (g_pTracker != NULL)
        {
            g_pTracker->OnUserAuthenticated(pHttpContext);
        }
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CTrackerModule::OnSendResponse(
    IN IHttpContext*            pHttpContext,
    IN ISendResponseProvider*   pProvider
)
{
    this->m_pSendProvider = pProvider;
    this->m_pResponse = pHttpContext->GetResponse();

    return RQ_NOTIFICATION_CONTINUE;
}
