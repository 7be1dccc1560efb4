#include "host_module.h"

IPreBeginRequestProvider*   g_pPreBeginProvider = NULL;
IHttpContext*               g_pPreBeginContext = NULL;
IAuthenticationProvider*    g_pAuthProvider = NULL;
IMapHandlerProvider*        g_pMapHandlerProvider = NULL;
IMapPathProvider*           g_pMapPathProvider = NULL;
IReadEntityProvider*        g_pReadEntityProvider = NULL;
ISendResponseProvider*      g_pSendProvider = NULL;
LONG volatile               g_cSendResponse = 0;

IHttpContext*   CHostModule::s_pLastModuleContext = NULL;
LONG            CHostModule::s_cInstances = 0;

GLOBAL_NOTIFICATION_STATUS
CHostGlobalModule::OnGlobalPreBeginRequest(
    IN IPreBeginRequestProvider*    pProvider
)
{
    InterlockedIncrement(&m_cPreBegin);

    g_pPreBeginProvider = pProvider;
    //~^ request-scope-escape-static
    g_pPreBeginContext = pProvider->GetHttpContext();
    //~^ request-scope-escape-static

    return GL_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
)
{
    IHttpRequest* pReq = pHttpContext->GetRequest();

    UNREFERENCED_PARAMETER(pProvider);

    // Per-request module instance: keeping the request here is fine.
    m_pRequest = pReq;
    m_pHttpContext = pHttpContext;

    s_pLastModuleContext = pHttpContext;
    //~^ request-scope-escape-static
    InterlockedIncrement(&s_cInstances);

    if (FAILED(CaptureHostHeader(pHttpContext)))
    {
        pHttpContext->GetResponse()->SetStatus(400, "Bad Request");
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnAuthenticateRequest(
    IN IHttpContext*            pHttpContext,
    IN IAuthenticationProvider* pProvider
)
{
    g_pAuthProvider = pProvider;
    //~^ request-scope-escape-static

    if (FAILED(CacheUserIdentity(pHttpContext)))
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnMapRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IMapHandlerProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);

    g_pMapHandlerProvider = pProvider;
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnMapPath(
    IN IHttpContext*        pHttpContext,
    IN IMapPathProvider*    pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);

    g_pMapPathProvider = pProvider;
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnReadEntity(
    IN IHttpContext*        pHttpContext,
    IN IReadEntityProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pHttpContext);

    g_pReadEntityProvider = pProvider;
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CHostModule::OnSendResponse(
    IN IHttpContext*            pHttpContext,
    IN ISendResponseProvider*   pProvider
)
{
    InterlockedIncrement(&g_cSendResponse);

    g_pSendProvider = pProvider;
    //~^ request-scope-escape-static

    if (FAILED(CacheServerVariables(pHttpContext)))
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    return RQ_NOTIFICATION_CONTINUE;
}
