// atomics_tls.cpp - lock-free publication of "last seen" request data
#include "hx_common.h"

std::atomic<PVOID>      g_LastBlock{ nullptr };
std::atomic<char*>      g_pszCurrentUrl(nullptr);
std::atomic<size_t>     g_cbLastUrl{ 0 };
std::atomic<long>       g_cRequests{ 0 };
PVOID volatile          g_pvPublished = NULL;
LONG volatile           g_cPublished  = 0;
thread_local PVOID      t_pvScratch   = nullptr;
thread_local char*      tls_pszUser   = nullptr;

namespace telemetry
{
    std::atomic<const WCHAR*>   LastScript{ nullptr };
    std::atomic<DWORD>          LastScriptLength{ 0 };
}

VOID
WINAPI
HxPublishBlock(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cb
)
{
    PVOID pvSlot  = NULL;
    PVOID pvBlock = pHttpContext->AllocateRequestMemory(cb);
    if (pvBlock == NULL)
    {
        return;
    }

    g_cRequests.fetch_add(1, std::memory_order_relaxed);
    InterlockedIncrement(&g_cPublished);
    InterlockedExchangePointer(&pvSlot, pvBlock);

    g_LastBlock.store(pvBlock, std::memory_order_release);
    //~^ request-scope-escape-static
    InterlockedExchangePointer(&g_pvPublished, pvBlock);
    //~^ request-scope-escape-static
    t_pvScratch = pvBlock;
    //~^ request-scope-escape-static
}

VOID
WINAPI
HxPublishUrl(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszUrl
)
{
    size_t cch        = strlen(pszUrl);
    char*  pszUrlCopy = (char*)pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cch + 1));
    if (!pszUrlCopy)
    {
        return;
    }
    memcpy(pszUrlCopy, pszUrl, cch + 1);

    g_cbLastUrl = strlen(pszUrlCopy);
    g_cbLastUrl.store(cch);
    g_pszCurrentUrl = pszUrlCopy;
    //~^ request-scope-escape-static
    tls_pszUser = pszUrlCopy + cch / 2;
    //~^ request-scope-escape-static
}

PCSTR
HxFirstUrl(
    _In_ IHttpContext* pHttpContext
)
{
    char* pszBuf = static_cast<char*>(pHttpContext->AllocateRequestMemory(32));
    if (pszBuf != NULL)
    {
        pszBuf[0] = '\0';
    }

    static char*  s_pszFirst = pszBuf;
    //~^ request-scope-escape-static
    static char*  s_pszMostRecent = NULL;
    static DWORD  s_cCalls = 0;
    static size_t s_cchFirst = strlen(pszBuf != NULL ? pszBuf : "");
    static thread_local char* t_pszLocal = nullptr;

    s_cCalls++;
    s_pszMostRecent = pszBuf;
    //~^ request-scope-escape-static
    t_pszLocal = pszBuf;
    //~^ request-scope-escape-static

    UNREFERENCED_PARAMETER(s_cchFirst);
    return s_pszFirst;
}

PVOID
HxDirectStatic(
    _In_ IHttpContext* pHttpContext
)
{
    static PVOID s_pvDirect = pHttpContext->AllocateRequestMemory(4);
    //~^ request-scope-escape-static
    static PVOID s_pvHeap = HeapAlloc(GetProcessHeap(), 0, 4);

    return s_pvDirect != NULL ? s_pvDirect : s_pvHeap;
}

VOID
HxTrackScript(
    _In_ IHttpContext* pHttpContext
)
{
    DWORD  cchScript  = 0;
    PCWSTR pwszScript = pHttpContext->GetScriptName(&cchScript);
    auto*  pwszCopy   = reinterpret_cast<WCHAR*>(
        pHttpContext->AllocateRequestMemory((cchScript + 1) * sizeof(WCHAR)));

    if (pwszCopy == nullptr || pwszScript == nullptr)
    {
        return;
    }
    wmemcpy(pwszCopy, pwszScript, cchScript + 1);

    telemetry::LastScriptLength = static_cast<DWORD>(wcslen(pwszCopy));
    telemetry::LastScriptLength.store(cchScript);
    telemetry::LastScript.store(pwszCopy);
    //~^ request-scope-escape-static
}
