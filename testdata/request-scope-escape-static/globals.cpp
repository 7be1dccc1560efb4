// Fixture for request-scope-escape-static: namespace-scope storage.
//
// Request memory (IHttpContext::AllocateRequestMemory) stored into plain
// globals, file-scope statics, extern-declared variables, variables inside
// named and anonymous namespaces, global arrays and fields of global structs.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"

struct MODULE_CONFIG
{
    PCSTR   pszSiteName;
    PVOID   pvScratch;
    DWORD   cbScratch;
};

struct MODULE_STATE
{
    MODULE_CONFIG   config;
    DWORD           dwFlags;
};

char*           g_pszLastUrl = NULL;
PVOID           g_pvScratch;
static PCSTR    s_pszHost = NULL;
const char*     g_pszConstView = nullptr;
char*           g_rgSlots[16];
MODULE_CONFIG   g_config;
MODULE_CONFIG   g_rgConfigs[4];
MODULE_STATE    g_state;
DWORD           g_cRequests = 0;
DWORD           g_cchLastUrl = 0;
BOOL            g_fHadUrl = FALSE;
char            g_chFirst = 0;
char            g_szLastUrl[260];

extern char*    g_pszShared;        // defined in another translation unit

extern "C"
{
    char*       g_pszExported = NULL;
}

namespace telemetry
{
    char*       g_pszLastAgent = NULL;

    namespace detail
    {
        PVOID   g_pvLastBlob = NULL;
    }
}

namespace
{
    char*       s_pszAnonLast = NULL;
}

char* GlobalBuffer();
void Consume(const char* psz);

//
// Positive cases.
//

void RememberUrl(_In_ IHttpContext* pHttpContext, DWORD cchUrl)
{
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(cchUrl + 1);
    if (pszUrl == NULL)
    {
        return;
    }
    g_pszLastUrl = pszUrl;
    //~^ request-scope-escape-static
}

void KeepScratch(_In_ IHttpContext* pHttpContext)
{
    g_pvScratch = pHttpContext->AllocateRequestMemory(4096);
    //~^ request-scope-escape-static
}

void CacheHost(_In_ IHttpContext* pHttpContext)
{
    PSTR pszHost = (PSTR)pHttpContext->AllocateRequestMemory(256);
    s_pszHost = pszHost;
    //~^ request-scope-escape-static
}

void KeepConstView(_In_ IHttpContext* pHttpContext)
{
    const char* pszView = (const char*)pHttpContext->AllocateRequestMemory(32);
    g_pszConstView = pszView;
    //~^ request-scope-escape-static
}

void PublishShared(_In_ IHttpContext* pHttpContext)
{
    char* pszShared = (char*)pHttpContext->AllocateRequestMemory(64);
    g_pszShared = pszShared;
    //~^ request-scope-escape-static
}

void PublishExported(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    g_pszExported = psz;
    //~^ request-scope-escape-static
}

void RecordAgentQualified(_In_ IHttpContext* pHttpContext)
{
    char* pszAgent = (char*)pHttpContext->AllocateRequestMemory(128);
    telemetry::g_pszLastAgent = pszAgent;
    //~^ request-scope-escape-static
}

void RecordBlobQualified(_In_ IHttpContext* pHttpContext, DWORD cbBlob)
{
    PVOID pvBlob = pHttpContext->AllocateRequestMemory(cbBlob);
    telemetry::detail::g_pvLastBlob = pvBlob;
    //~^ request-scope-escape-static
}

namespace telemetry
{
    void RecordAgent(_In_ IHttpContext* pHttpContext)
    {
        char* pszAgent = (char*)pHttpContext->AllocateRequestMemory(128);
        g_pszLastAgent = pszAgent;
        //~^ request-scope-escape-static
    }
}

void RememberAnon(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    s_pszAnonLast = psz;
    //~^ request-scope-escape-static
}

void RememberGlobalScopeQualified(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    ::g_pszLastUrl = psz;
    //~^ request-scope-escape-static
}

void FillSlot(_In_ IHttpContext* pHttpContext, DWORD dwSlot)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    if (dwSlot < 16)
    {
        g_rgSlots[dwSlot] = psz;
        //~^ request-scope-escape-static
    }
    g_rgSlots[0] = psz;
    //~^ request-scope-escape-static
}

void FillConfig(_In_ IHttpContext* pHttpContext)
{
    PSTR pszSite = (PSTR)pHttpContext->AllocateRequestMemory(64);
    PVOID pvScratch = pHttpContext->AllocateRequestMemory(512);

    g_config.pszSiteName = pszSite;
    //~^ request-scope-escape-static
    g_config.pvScratch = pvScratch;
    //~^ request-scope-escape-static
    g_config.cbScratch = 512;
    g_rgConfigs[2].pszSiteName = pszSite;
    //~^ request-scope-escape-static
    g_state.config.pvScratch = pvScratch;
    //~^ request-scope-escape-static
    g_state.dwFlags = 1;
}

void BlockScopedShadow(_In_ IHttpContext* pHttpContext)
{
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(64);
    {
        char* g_pszLastUrl = pszUrl;    // a local in the inner block only
        Consume(g_pszLastUrl);
    }
    g_pszLastUrl = pszUrl;              // the inner local is out of scope: this is ::g_pszLastUrl
    //~^ request-scope-escape-static
}

//
// Negative cases: none of these lines may be reported.
//

void CountersAndResets(_In_ IHttpContext* pHttpContext)
{
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(64);

    g_cRequests++;                              // why: scalar counter
    g_pszLastUrl = NULL;                        // why: not request memory
    g_pvScratch = nullptr;
    g_pvScratch = malloc(4096);                 // why: heap memory
    g_pszLastUrl = GlobalBuffer();              // why: unrelated function result
    g_rgSlots[3] = GlobalBuffer();
    g_rgSlots[4] = NULL;
    g_config.cbScratch = 64;

    g_cchLastUrl = (DWORD)strlen(pszUrl);       // why: length, not the pointer
    g_fHadUrl = (pszUrl != NULL);               // why: boolean
    g_chFirst = pszUrl[0];                      // why: one character copied out //~ request-memory-unchecked
    g_szLastUrl[0] = pszUrl[0];

    Consume(pszUrl);
}

void LocalsNamedLikeGlobals(_In_ IHttpContext* pHttpContext)
{
    char* g_pszLocal = NULL;                    // why: an automatic local despite the prefix
    char* s_pszScratch;                         // why: also an automatic local
    char* pszData = (char*)pHttpContext->AllocateRequestMemory(64);

    g_pszLocal = pszData;
    s_pszScratch = pszData;

    Consume(g_pszLocal);
    Consume(s_pszScratch);
}

void ShadowsGlobal(_In_ IHttpContext* pHttpContext)
{
    char* g_pszLastUrl = NULL;                  // shadows ::g_pszLastUrl for the whole body
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(64);

    g_pszLastUrl = pszUrl;                      // why: stores into the local
    Consume(g_pszLastUrl);
}

void ParameterNamedLikeGlobal(_In_ IHttpContext* pHttpContext, PVOID g_pvScratch)
{
    g_pvScratch = pHttpContext->AllocateRequestMemory(16);  // why: the parameter, not the global
    Consume((const char*)g_pvScratch);
}

void LocalAggregates(_In_ IHttpContext* pHttpContext)
{
    char* pszData = (char*)pHttpContext->AllocateRequestMemory(64);
    char* rgLocal[4];
    MODULE_CONFIG cfgLocal;

    rgLocal[1] = pszData;                       // why: local array
    cfgLocal.pszSiteName = pszData;             // why: local struct, never copied out
    cfgLocal.pvScratch = pszData;

    Consume(rgLocal[1]);
    Consume(cfgLocal.pszSiteName);
}
