// cache_module.h - URL cache module (declarations)
#ifndef CONTOSO_CACHE_MODULE_H
#define CONTOSO_CACHE_MODULE_H

#include "hx_common.h"

namespace Contoso
{
namespace Iis
{

class CUrlCacheModule : public CHttpModule
{
public:
    CUrlCacheModule();
    virtual ~CUrlCacheModule();

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider
    ) override;

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext*          pHttpContext,
        IN ISendResponseProvider* pProvider
    ) override;

    REQUEST_NOTIFICATION_STATUS
    OnEndRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider
    ) override;

    static PCSTR                              s_pszLastUrl;
    static std::map<std::string, PCSTR>       s_UrlIndex;
    static std::list<PVOID>                   s_Recent;
    static std::deque<PBYTE>                  s_History;
    static std::unordered_map<DWORD, PVOID>   s_ById;
    static std::vector<std::string>           s_UrlNames;
    static std::map<std::string, DWORD>       s_HitCounts;

private:
    HRESULT
    BuildKey(
        _In_     IHttpContext* pHttpContext,
        _Outptr_ PSTR*         ppszKey
    );

    PSTR    m_pszKey;
    DWORD   m_cchKey;
    PVOID   m_pvState;

    static DWORD s_cInstances;
};

} // namespace Iis
} // namespace Contoso

#endif // CONTOSO_CACHE_MODULE_H
