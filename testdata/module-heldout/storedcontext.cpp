//
// storedcontext.cpp - request- and connection-level state for ReqAudit.
//
#include "precomp.h"
#include "auditmodule.h"

CRequestState::CRequestState()
    : m_pHttpContext(NULL), m_pRequest(NULL), m_pszUrl(NULL), m_cCaptured(0),
      m_dwSequence(0), m_dwSessionId(0), m_ullStartTicks(0), m_fTimingSent(FALSE)
{
    ZeroMemory(m_rgpszCaptured, sizeof(m_rgpszCaptured));
}

HRESULT CRequestState::AddCapturedHeader(_In_z_ PCSTR pszValue)
{
    if (m_cCaptured >= ARRAY_COUNT(m_rgpszCaptured))
    {
        return HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    }
    m_rgpszCaptured[m_cCaptured++] = pszValue;
    return S_OK;
}

HRESULT CRequestState::LoadSessionId(_In_ IHttpContext* pHttpContext)
{
    HRESULT hr = S_OK;
    PCSTR   pszToken = NULL;
    USHORT  cchToken = 0;
    PSTR    pszEnd = NULL;

    pszToken = pHttpContext->GetRequest()->GetHeader("X-Audit-Session", &cchToken);
    if (pszToken == NULL || cchToken == 0 || cchToken > 8)
    {
        return S_FALSE;
    }

    m_dwSessionId = strtoul(pszToken, &pszEnd, 16);
    if (pszEnd == NULL || *pszEnd != '\0')
    {
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_DATA);
    }

    free((PVOID)pszToken);
    //~^ request-memory-freed

    return hr;
}

HRESULT CRequestState::GetOrCreate(_In_ IHttpContext* pHttpContext, _Out_ CRequestState** ppState)
{
    HRESULT                         hr = S_OK;
    IHttpModuleContextContainer*    pContainer = pHttpContext->GetModuleContextContainer();
    CRequestState*                  pState = NULL;
    IHttpRequest*                   pRequest = NULL;

    *ppState = NULL;

    pState = static_cast<CRequestState*>(pContainer->GetModuleContext(g_pModuleId));
    if (pState != NULL)
    {
        *ppState = pState;
        goto Finished;
    }

    pState = new (std::nothrow) CRequestState();
    IfNullGo(pState);

    hr = pContainer->SetModuleContext(pState, g_pModuleId);
    if (FAILED(hr))
    {
        delete pState;
        goto Finished;
    }

    // Torn down together with the request.
    pRequest = pHttpContext->GetRequest();
    pState->m_pHttpContext = pHttpContext;
    pState->m_pRequest = pRequest;
    pState->m_pszUrl = pRequest->GetRawHttpRequest()->pRawUrl;

    *ppState = pState;

Finished:
    return hr;
}

CConnectionState::CConnectionState()
    : m_cRequests(0), m_pszLastUrl(NULL), m_ullFirstSeen(0)
{
    m_szClient[0] = '\0';
    m_szFirstUrl[0] = '\0';
}

HRESULT CConnectionState::RecordClient(_In_ IHttpContext* pHttpContext)
{
    HRESULT hr = S_OK;
    PCSTR   pszAddr = NULL;
    DWORD   cchAddr = 0;

    IfFailGo(pHttpContext->GetServerVariable("REMOTE_ADDR", &pszAddr, &cchAddr));

    if (cchAddr >= ARRAY_COUNT(m_szClient))
    {
        PSTR pszTruncated = (PSTR)pHttpContext->AllocateRequestMemory(ARRAY_COUNT(m_szClient));
        //~^ request-memory-dead-alloc
        IfNullGo(pszTruncated);
        cchAddr = ARRAY_COUNT(m_szClient) - 1;
    }

    IfFailGo(StringCchCopyNA(m_szClient, ARRAY_COUNT(m_szClient), pszAddr, cchAddr));

Finished:
    return hr;
}

HRESULT CConnectionState::GetOrCreate(_In_ IHttpContext* pHttpContext, _Out_ CConnectionState** ppState)
{
    HRESULT             hr = S_OK;
    IHttpConnection*    pConnection = pHttpContext->GetConnection();
    CConnectionState*   pState = NULL;
    HTTP_REQUEST*       pRaw = NULL;

    *ppState = NULL;

    if (pConnection == NULL)
    {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_CONNECTED);
        goto Finished;
    }

    pState = static_cast<CConnectionState*>(pConnection->GetModuleContextContainer()->GetModuleContext(g_pModuleId));
    if (pState != NULL)
    {
        *ppState = pState;
        goto Finished;
    }

    pState = new (std::nothrow) CConnectionState();
    IfNullGo(pState);

    hr = pHttpContext->GetConnection()->GetModuleContextContainer()->SetModuleContext(pState, g_pModuleId);
    if (FAILED(hr))
    {
        delete pState;
        goto Finished;
    }

    pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    pState->m_ullFirstSeen = GetTickCount64();
    pState->m_pszLastUrl = pRaw->pRawUrl;
    //~^ request-scope-escape-long-lived

    *ppState = pState;

Finished:
    return hr;
}
