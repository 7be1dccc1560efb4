#pragma once

#include "host_state.h"

//
// Global module: only counts how many requests reached PreBeginRequest.
//
class CHostGlobalModule : public CGlobalModule
{
public:
    CHostGlobalModule()
        : m_cPreBegin(0)
    {
    }

    GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(
        IN IPreBeginRequestProvider*    pProvider
    );

    VOID
    Terminate()
    {
        delete this;
    }

private:
    LONG    m_cPreBegin;
};

//
// Per-request module.
//
class CHostModule : public CHttpModule
{
public:
    CHostModule()
        : m_pRequest(NULL),
          m_pHttpContext(NULL)
    {
    }

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*            pHttpContext,
        IN IHttpEventProvider*      pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnAuthenticateRequest(
        IN IHttpContext*            pHttpContext,
        IN IAuthenticationProvider* pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnMapRequestHandler(
        IN IHttpContext*            pHttpContext,
        IN IMapHandlerProvider*     pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnMapPath(
        IN IHttpContext*            pHttpContext,
        IN IMapPathProvider*        pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnReadEntity(
        IN IHttpContext*            pHttpContext,
        IN IReadEntityProvider*     pProvider
    );

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext*            pHttpContext,
        IN ISendResponseProvider*   pProvider
    );

    static IHttpContext*    s_pLastModuleContext;
    static LONG             s_cInstances;

private:
    IHttpRequest*   m_pRequest;
    IHttpContext*   m_pHttpContext;
};

class CHostModuleFactory : public IHttpModuleFactory
{
public:
    HRESULT
    GetHttpModule(
        OUT CHttpModule**       ppModule,
        IN  IModuleAllocator*   pAllocator
    )
    {
        UNREFERENCED_PARAMETER(pAllocator);

        *ppModule = new CHostModule();
        return (*ppModule == NULL) ? E_OUTOFMEMORY : S_OK;
    }

    VOID
    Terminate()
    {
        delete this;
    }
};
