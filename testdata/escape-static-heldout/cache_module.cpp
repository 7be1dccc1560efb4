// cache_module.cpp - URL cache module (implementation)
#include "cache_module.h"

namespace Contoso
{
namespace Iis
{

PCSTR                               CUrlCacheModule::s_pszLastUrl = NULL;
std::map<std::string, PCSTR>        CUrlCacheModule::s_UrlIndex;
std::list<PVOID>                    CUrlCacheModule::s_Recent;
std::deque<PBYTE>                   CUrlCacheModule::s_History;
std::unordered_map<DWORD, PVOID>    CUrlCacheModule::s_ById;
std::vector<std::string>            CUrlCacheModule::s_UrlNames;
std::map<std::string, DWORD>        CUrlCacheModule::s_HitCounts;
DWORD                               CUrlCacheModule::s_cInstances = 0;

CUrlCacheModule::CUrlCacheModule()
    : m_pszKey(NULL),
      m_cchKey(0),
      m_pvState(NULL)
{
    ++s_cInstances;
}

CUrlCacheModule::~CUrlCacheModule()
{
    --s_cInstances;
}

HRESULT
CUrlCacheModule::BuildKey(
    _In_     IHttpContext* pHttpContext,
    _Outptr_ PSTR*         ppszKey
)
{
    HRESULT             hr     = S_OK;
    PSTR                pszKey = NULL;
    const HTTP_REQUEST* pRaw   = pHttpContext->GetRequest()->GetRawHttpRequest();
    USHORT              cchUrl = pRaw->RawUrlLength;

    *ppszKey = NULL;

    pszKey = (PSTR)pHttpContext->AllocateRequestMemory(cchUrl + 1);
    if (pszKey == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }
    memcpy(pszKey, pRaw->pRawUrl, cchUrl);
    pszKey[cchUrl] = '\0';

    *ppszKey = pszKey;
    m_pszKey = pszKey;

Finished:
    return hr;
}

REQUEST_NOTIFICATION_STATUS
CUrlCacheModule::OnBeginRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider
)
{
    PSTR    pszKey  = NULL;
    PVOID   pvState = NULL;
    HRESULT hr      = BuildKey(pHttpContext, &pszKey);

    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    s_pszLastUrl = pszKey; //~ request-scope-escape-static (via BuildKey's out-parameter)
    m_pszKey     = pszKey;
    m_cchKey     = (DWORD)strlen(pszKey);

    s_UrlNames.push_back(std::string(pszKey));
    s_HitCounts[std::string(pszKey)] += 1;

    pvState = pHttpContext->AllocateRequestMemory(sizeof(DWORD) * 4);
    if (pvState == NULL)
    {
        pProvider->SetErrorStatus(E_OUTOFMEMORY);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    m_pvState = pvState;

    s_Recent.push_back(pvState);
    //~^ request-scope-escape-static
    s_ById[s_cInstances] = pvState;
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CUrlCacheModule::OnSendResponse(
    IN IHttpContext*          pHttpContext,
    IN ISendResponseProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse* pResponse = pHttpContext->GetResponse();
    USHORT         cchCT     = 0;
    PCSTR          pszCT     = pResponse->GetHeader(HttpHeaderContentType, &cchCT);
    PSTR           pszCopy   = reinterpret_cast<PSTR>(pHttpContext->AllocateRequestMemory(cchCT + 1));

    if (pszCopy == nullptr)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    if (pszCT != nullptr)
    {
        memcpy(pszCopy, pszCT, cchCT);
    }
    pszCopy[cchCT] = '\0';

    std::string strKey(pszCopy);
    s_UrlNames.push_back(std::string(pszCopy));
    s_HitCounts[std::string(pszCopy)] += 1;
    s_HitCounts[strKey]++;

    s_UrlIndex[strKey] = pszCopy;
    //~^ request-scope-escape-static
    CUrlCacheModule::s_pszLastUrl = pszCopy;
    //~^ request-scope-escape-static
    this->s_History.push_back(reinterpret_cast<PBYTE>(pszCopy));
    //~^ request-scope-escape-static
    s_UrlIndex.emplace(strKey + ".alt",
                       pszCopy + 1);
    //~^^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CUrlCacheModule::OnEndRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    PCSTR s_pszLastUrl = (PCSTR)pHttpContext->AllocateRequestMemory(8);
    if (s_pszLastUrl != NULL)
    {
        m_pszKey = const_cast<PSTR>(s_pszLastUrl);
    }
    s_pszLastUrl = "done";
    CUrlCacheModule::s_pszLastUrl = s_pszLastUrl;

    return RQ_NOTIFICATION_CONTINUE;
}

} // namespace Iis
} // namespace Contoso

void
HxWarmCache(
    _In_ IHttpContext* pContext
)
{
    PVOID pvSeed = pContext->AllocateRequestMemory(128);
    if (pvSeed != NULL)
    {
        Contoso::Iis::CUrlCacheModule::s_ById.emplace(0u, pvSeed);
        //~^ request-scope-escape-static
    }
}
