#pragma once

#include "tracker_globals.h"

//
// Request-level module.  IIS creates one instance per request through
// CTrackerFactory::GetHttpModule and disposes it when the request ends.
//
class CTrackerModule : public CHttpModule
{
public:
    CTrackerModule(
        _In_ IHttpServer*   pServer
    );

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*            pHttpContext,
        IN IHttpEventProvider*      pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnPostAuthenticateRequest(
        IN IHttpContext*            pHttpContext,
        IN IHttpEventProvider*      pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext*            pHttpContext,
        IN ISendResponseProvider*   pProvider
    );

    VOID
    SetScratch(
        _In_ PVOID  pvScratch
    )
    {
        m_pvScratch = pvScratch;
    }

    VOID
    KeepUser(
        _In_ IHttpContext*  pHttpContext
    )
    {
        m_pwszUser = pHttpContext->GetUser()->GetUserName();
    }

private:
    IHttpServer*            m_pServer;
    IHttpContext*           m_pHttpContext;
    IHttpRequest*           m_pRequest;
    IHttpResponse*          m_pResponse;
    ISendResponseProvider*  m_pSendProvider;
    PVOID                   m_pvBuffer;
    PVOID                   m_pvScratch;
    PCSTR                   m_pszHost;
    PCWSTR                  m_pwszUser;
};

class CTrackerFactory : public IHttpModuleFactory
{
public:
    CTrackerFactory(
        _In_ IHttpServer*   pServer
    );

    HRESULT
    GetHttpModule(
        OUT CHttpModule**       ppModule,
        IN  IModuleAllocator*   pAllocator
    );

    VOID
    Terminate()
    {
        delete this;
    }

private:
    IHttpServer*    m_pServer;
    PVOID           m_pAllocatorMem;
    PVOID           m_pvTemplate;
    LONG            m_cModules;
};
