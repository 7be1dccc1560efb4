// templates_ns.cpp - registries keyed by type, plus a few namespaced tables
#include "hx_common.h"

namespace hx
{
namespace detail
{
    PCSTR                                       pszLastHost = nullptr;
    std::unordered_map<std::wstring, PVOID>     BlocksByName;
}
}

namespace
{
    PVOID                   s_pvAnon = nullptr;
    std::vector<PCWSTR>     s_Scripts;
}

template <typename T>
struct HxRegistry
{
    static T*               s_pLast;
    static std::vector<T*>  s_All;
};

template <typename T> T*              HxRegistry<T>::s_pLast = nullptr;
template <typename T> std::vector<T*> HxRegistry<T>::s_All;

using namespace hx::detail;

void
HxRememberHost(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszHost
)
{
    size_t cch     = strlen(pszHost);
    auto   pszCopy = static_cast<char*>(pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cch + 1)));
    if (pszCopy == nullptr)
    {
        return;
    }
    memcpy(pszCopy, pszHost, cch + 1);

#ifdef HX_TRACE_HOSTS
    OutputDebugStringA(pszCopy);
#endif

    pszLastHost = pszCopy;
    //~^ request-scope-escape-static
    HxRegistry<char>::s_pLast = pszCopy;
    //~^ request-scope-escape-static
    HxRegistry<char>::s_All.push_back(pszCopy);
    //~^ request-scope-escape-static
}

void
HxRememberScript(
    _In_ IHttpContext* pHttpContext
)
{
    DWORD  cch      = 0;
    PCWSTR pwsz     = pHttpContext->GetScriptName(&cch);
    auto*  pwszCopy = (PWSTR)pHttpContext->AllocateRequestMemory((cch + 1) * sizeof(WCHAR));
    if (!pwszCopy)
    {
        return;
    }
    wcscpy_s(pwszCopy, cch + 1, pwsz);

    hx::detail::BlocksByName.emplace(std::wstring(pwszCopy), nullptr);

    s_Scripts.emplace_back(pwszCopy);
    //~^ request-scope-escape-static
    hx::detail::BlocksByName[std::wstring(pwsz)] = pwszCopy;
    //~^ request-scope-escape-static
}

template <typename TElem>
void
HxStash(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cElems
)
{
    TElem* pElems = static_cast<TElem*>(pHttpContext->AllocateRequestMemory(cElems * sizeof(TElem)));
    if (pElems == nullptr)
    {
        return;
    }
    HxRegistry<TElem>::s_pLast = pElems;
    //~^ request-scope-escape-static
    s_pvAnon = pElems;
    //~^ request-scope-escape-static
}

template void HxStash<int>(IHttpContext*, DWORD);

namespace hx::cache
{
    class CEntryTable
    {
    public:
        static PVOID rgEntries[16];
        static DWORD cEntries;

        static void Put(_In_ IHttpContext* pHttpContext, _In_ DWORD idx);
    };

    PVOID CEntryTable::rgEntries[16] = {};
    DWORD CEntryTable::cEntries      = 0;

    void
    CEntryTable::Put(
        _In_ IHttpContext* pHttpContext,
        _In_ DWORD         idx
    )
    {
        PVOID pv = pHttpContext->AllocateRequestMemory(40);
        if (pv == NULL)
        {
            return;
        }
        cEntries++;
        rgEntries[idx & 15] = pv;
        //~^ request-scope-escape-static
    }
}
