//
// stored_contexts.cpp
//

#include "stored_contexts.h"

VOID
CConnectionState::Capture(
    _In_ IHttpContext*  pHttpContext
)
{
    USHORT  cchHost = 0;
    PCSTR   pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);

    if (pszHost != NULL)
    {
        m_pszLastHost = pszHost;
        //~^ request-scope-escape-long-lived
        m_cchLastHost = cchHost;
    }

    if (m_pvBuffer == NULL)
    {
        m_pvBuffer = pHttpContext->AllocateRequestMemory(128);
        //~^ request-scope-escape-long-lived
    }
}

VOID
CRequestState::Capture(
    _In_ IHttpContext*  pHttpContext
)
{
    USHORT  cchHost = 0;
    PCSTR   pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);

    if (pszHost != NULL)
    {
        m_pszLastHost = pszHost;
        m_cchLastHost = cchHost;
    }

    if (m_pvBuffer == NULL)
    {
        m_pvBuffer = pHttpContext->AllocateRequestMemory(128);
    }
}

VOID
CSiteState::Observe(
    _In_ IHttpContext*  pHttpContext
)
{
    m_dwSiteId = pHttpContext->GetSite()->GetSiteId();

    m_pLastRequest = pHttpContext->GetRequest();
    //~^ request-scope-escape-long-lived
}

VOID
CAppState::Observe(
    _In_ IHttpContext*  pHttpContext
)
{
    DWORD   cchScript = 0;
    PCWSTR  pwszScript = pHttpContext->GetScriptName(&cchScript);

    if (pwszScript == NULL)
    {
        return;
    }

    m_strLastScript = std::wstring(pwszScript, cchScript);
    m_cchLastScript = cchScript;

    m_pwszLastScript = pwszScript;
    //~^ request-scope-escape-long-lived
}

HRESULT
AttachConnectionState(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT             hr = S_OK;
    CConnectionState*   pState = NULL;

    pState = static_cast<CConnectionState*>(
        pHttpContext->GetConnection()->GetModuleContextContainer()->GetModuleContext(g_pModuleId));
    if (pState == NULL)
    {
        pState = new CConnectionState();
        if (pState == NULL)
        {
            hr = E_OUTOFMEMORY;
            goto Finished;
        }

        hr = pHttpContext->GetConnection()->GetModuleContextContainer()->SetModuleContext(pState, g_pModuleId);
        if (FAILED(hr))
        {
            pState->CleanupStoredContext();
            pState = NULL;
            goto Finished;
        }
    }

    pState->SetRequest(pHttpContext);
    pState->Capture(pHttpContext);

Finished:
    return hr;
}

HRESULT
AttachSiteState(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT     hr = S_OK;
    CSiteState* pSiteState = NULL;

    pSiteState = static_cast<CSiteState*>(
        pHttpContext->GetSite()->GetModuleContextContainer()->GetModuleContext(g_pModuleId));
    if (pSiteState == NULL)
    {
        pSiteState = new CSiteState();
        if (pSiteState == NULL)
        {
            hr = E_OUTOFMEMORY;
            goto Finished;
        }

        hr = pHttpContext->GetSite()->GetModuleContextContainer()->SetModuleContext(pSiteState, g_pModuleId);
        if (FAILED(hr))
        {
            pSiteState->CleanupStoredContext();
            pSiteState = NULL;
            goto Finished;
        }
    }

    pSiteState->Observe(pHttpContext);

Finished:
    return hr;
}

HRESULT
AttachApplicationState(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT     hr = S_OK;
    CAppState*  pAppState = NULL;

    pAppState = static_cast<CAppState*>(
        pHttpContext->GetApplication()->GetModuleContextContainer()->GetModuleContext(g_pModuleId));
    if (pAppState == NULL)
    {
        pAppState = new CAppState();
        if (pAppState == NULL)
        {
            hr = E_OUTOFMEMORY;
            goto Finished;
        }

        hr = pHttpContext->GetApplication()->GetModuleContextContainer()->SetModuleContext(pAppState, g_pModuleId);
        if (FAILED(hr))
        {
            pAppState->CleanupStoredContext();
            pAppState = NULL;
            goto Finished;
        }
    }

    pAppState->Observe(pHttpContext);

Finished:
    return hr;
}

HRESULT
AttachRequestState(
    _In_ IHttpContext*  pHttpContext
)
{
    HRESULT         hr = S_OK;
    CRequestState*  pRequestState = NULL;

    pRequestState = new CRequestState();
    if (pRequestState == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = pHttpContext->GetModuleContextContainer()->SetModuleContext(pRequestState, g_pModuleId);
    if (FAILED(hr))
    {
        pRequestState->CleanupStoredContext();
        pRequestState = NULL;
        goto Finished;
    }

    pRequestState->SetRequest(pHttpContext);
    pRequestState->Capture(pHttpContext);

Finished:
    return hr;
}
