// An IIS module living in an otherwise unrelated source tree. It echoes the
// request's User-Agent back as a response header and keeps some
// diagnostics. Two of its diagnostics store request memory in static
// storage; those two lines are the only reports expected in this tree.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"
#include <string.h>
#include <vector>

IHttpServer*        g_pServer = NULL;
PCSTR               g_pszLastUserAgent = NULL;
DWORD               g_cchLastUserAgent = 0;
char                g_szLastUserAgentCopy[128];
LONG volatile       g_cEchoed = 0;

class CEchoModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        _In_ IHttpContext*          pHttpContext,
        _In_ IHttpEventProvider*    pProvider
        );

private:
    PSTR                        m_pszEcho;
    static std::vector<PCSTR>   s_vecRecentEchoes;
};

std::vector<PCSTR> CEchoModule::s_vecRecentEchoes;

REQUEST_NOTIFICATION_STATUS
CEchoModule::OnBeginRequest(
    _In_ IHttpContext*          pHttpContext,
    _In_ IHttpEventProvider*    pProvider
    )
{
    HRESULT hr = S_OK;
    USHORT  cchAgent = 0;
    PCSTR   pszAgent = pHttpContext->GetRequest()->GetHeader(HttpHeaderUserAgent, &cchAgent);
    PSTR    pszEcho = NULL;

    if (pszAgent == NULL || cchAgent == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pszEcho = (PSTR)pHttpContext->AllocateRequestMemory(cchAgent + 1);
    if (pszEcho == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    memcpy(pszEcho, pszAgent, cchAgent);
    pszEcho[cchAgent] = '\0';
    m_pszEcho = pszEcho;

    strncpy_s(g_szLastUserAgentCopy, sizeof(g_szLastUserAgentCopy), pszEcho, _TRUNCATE);
    g_cchLastUserAgent = cchAgent;
    InterlockedIncrement(&g_cEchoed);

    g_pszLastUserAgent = pszEcho;
    //~^ request-scope-escape-static

    if (s_vecRecentEchoes.size() < 16)
    {
        s_vecRecentEchoes.push_back(pszEcho);
        //~^ request-scope-escape-static
    }

    hr = pHttpContext->GetResponse()->SetHeader("X-Echo-User-Agent", pszEcho, cchAgent, TRUE);

Finished:

    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

class CEchoModuleFactory : public IHttpModuleFactory
{
public:
    HRESULT
    GetHttpModule(
        _Outptr_ CHttpModule**      ppModule,
        _In_ IModuleAllocator*      pAllocator
        )
    {
        UNREFERENCED_PARAMETER(pAllocator);
        *ppModule = new CEchoModule();
        return (*ppModule == NULL) ? E_OUTOFMEMORY : S_OK;
    }

    VOID
    Terminate()
    {
        delete this;
    }
};

HRESULT
__stdcall
RegisterModule(
    DWORD                           dwServerVersion,
    IHttpModuleRegistrationInfo*    pModuleInfo,
    IHttpServer*                    pGlobalInfo
    )
{
    UNREFERENCED_PARAMETER(dwServerVersion);
    g_pServer = pGlobalInfo;
    return pModuleInfo->SetRequestNotifications(new CEchoModuleFactory(), RQ_BEGIN_REQUEST, 0);
}
