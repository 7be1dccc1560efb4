// Fixture for request-scope-escape-static: function-local statics and
// thread_local variables.
//
// A function-local `static` outlives every request, and so does a
// `thread_local` (IIS reuses worker threads across requests).
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"

struct SNAPSHOT
{
    PVOID   pvData;
    DWORD   cbData;
};

char g_szDefault[] = "default";

void Consume(PCSTR psz);

thread_local char* t_pszCurrent = nullptr;

//
// Positive cases.
//

PCSTR GetCachedHost(_In_ IHttpContext* pHttpContext)
{
    static PCSTR s_pszHost = NULL;

    if (s_pszHost == NULL)
    {
        PSTR pszHost = (PSTR)pHttpContext->AllocateRequestMemory(256);
        s_pszHost = pszHost;
        //~^ request-scope-escape-static
    }
    return s_pszHost;
}

char* FirstRequestBuffer(_In_ IHttpContext* pHttpContext)
{
    static char* s_pFirst = (char*)pHttpContext->AllocateRequestMemory(8);
    //~^ request-scope-escape-static
    return s_pFirst;
}

PVOID FirstScratch(_In_ IHttpContext* pHttpContext)
{
    static PVOID s_pvScratch = pHttpContext->AllocateRequestMemory(128);
    //~^ request-scope-escape-static
    return s_pvScratch;
}

PCSTR RememberOnce(_In_ IHttpContext* pHttpContext)
{
    PSTR pszName = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(64));
    static const char* s_pszName = pszName;
    //~^ request-scope-escape-static
    return s_pszName;
}

void SetCurrent(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    t_pszCurrent = psz;
    //~^ request-scope-escape-static
}

void PerThreadScratch(_In_ IHttpContext* pHttpContext)
{
    thread_local char* t_pScratch = nullptr;
    t_pScratch = (char*)pHttpContext->AllocateRequestMemory(512);
    //~^ request-scope-escape-static
}

void PerThreadInit(_In_ IHttpContext* pHttpContext)
{
    static thread_local PVOID t_pvInit = pHttpContext->AllocateRequestMemory(16);
    //~^ request-scope-escape-static
    Consume((PCSTR)t_pvInit);
}

void RecentUrls(_In_ IHttpContext* pHttpContext)
{
    static char* s_rgRecent[8];
    static DWORD s_iNext = 0;

    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    s_rgRecent[s_iNext % 8] = psz;
    //~^ request-scope-escape-static
    s_iNext++;
}

void LastSnapshot(_In_ IHttpContext* pHttpContext)
{
    static SNAPSHOT s_snap;

    s_snap.pvData = pHttpContext->AllocateRequestMemory(32);
    //~^ request-scope-escape-static
    s_snap.cbData = 32;
}

void UsesStaticCache(_In_ IHttpContext* pHttpContext)
{
    static char* s_pCache = NULL;
    s_pCache = (char*)pHttpContext->AllocateRequestMemory(16);
    //~^ request-scope-escape-static
}

void StaticInNestedBlock(_In_ IHttpContext* pHttpContext, BOOL fFirst)
{
    if (fFirst)
    {
        static char* s_pszFirstSeen = NULL;
        char* psz = (char*)pHttpContext->AllocateRequestMemory(24);
        s_pszFirstSeen = psz;
        //~^ request-scope-escape-static
    }
}

void StaticFromLambda(_In_ IHttpContext* pHttpContext)
{
    auto remember = [](IHttpContext* pCtx)
    {
        static char* s_pszFromLambda = NULL;
        s_pszFromLambda = (char*)pCtx->AllocateRequestMemory(8);
        //~^ request-scope-escape-static
    };
    remember(pHttpContext);
}

//
// Negative cases.
//

void UsesLocalCache(_In_ IHttpContext* pHttpContext)
{
    char* s_pCache = NULL;                      // why: an automatic local, unlike the one in UsesStaticCache
    s_pCache = (char*)pHttpContext->AllocateRequestMemory(16);
    Consume(s_pCache);
}

void StaticsHoldingCopies(_In_ IHttpContext* pHttpContext, DWORD cb)
{
    static char     s_szHost[256];
    static LONG     s_cCalls = 0;
    static DWORD    s_cb = cb;                  // why: scalar parameter
    static char*    s_pHeap = new char[64];     // why: heap memory
    static char*    s_pszFallback = g_szDefault;

    char* pszHost = (char*)pHttpContext->AllocateRequestMemory(256);
    static size_t   s_cchHost = strlen(pszHost);  // why: a length

    strcpy_s(s_szHost, sizeof(s_szHost), pszHost);   // why: content copied out
    s_cCalls++;
    s_pszFallback = g_szDefault;
    s_pHeap[0] = pszHost[0];                    // why: one character copied //~ request-memory-unchecked

    Consume(s_pszFallback);
    Consume(s_pHeap);
    Consume(pszHost);
}

void StaticInitFromKilledValue(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(8);
    Consume(psz);
    psz = g_szDefault;
    static char* s_psz = psz;                   // why: psz points at g_szDefault here
    Consume(s_psz);
}

static void InternalHelper(_In_ IHttpContext* pHttpContext)
{
    // `static` on a function is linkage, not storage: these are all locals.
    char* psz = (char*)pHttpContext->AllocateRequestMemory(8);
    char* pszAlias = psz;
    Consume(pszAlias);
}

void ThreadLocalCounters(_In_ IHttpContext* pHttpContext)
{
    thread_local DWORD t_cRequests = 0;
    thread_local char* t_pszOwned = nullptr;
    char* psz = (char*)pHttpContext->AllocateRequestMemory(8);

    t_cRequests++;                              // why: scalar
    t_pszCurrent = nullptr;                     // why: cleared, not request memory
    t_pszOwned = new char[8];                   // why: heap memory
    t_pszOwned[0] = psz[0]; //~ request-memory-unchecked
}
