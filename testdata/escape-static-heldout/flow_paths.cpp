// flow_paths.cpp - helpers whose control flow decides what ends up in globals
#include "hx_common.h"
#include <cstdlib>
#include <utility>

char*               g_pszPath     = NULL;
PCSTR               g_pszMode     = NULL;
PVOID               g_pvLast      = NULL;
char                g_szDefault[] = "default";
HX_REQUEST_INFO     LastInfo      = {};
static PCSTR        pszFallback   = "none";

void
HxPathOne(
    _In_ IHttpContext* pHttpContext,
    _In_ BOOL          fUseHeap
)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(MAX_PATH);
    if (fUseHeap)
    {
        psz = (char*)malloc(MAX_PATH);
    }
    g_pszPath = psz;
    //~^ request-scope-escape-static
}

void
HxPathTwo(
    _In_ IHttpContext* pHttpContext,
    _In_ BOOL          fUseHeap
)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(MAX_PATH);
    if (psz == NULL)
    {
        return;
    }
    psz[0] = '\0';

    if (fUseHeap)
        psz = new char[MAX_PATH];
    else
        psz = g_szDefault;

    g_pszPath = psz;
}

void
HxPathThree(
    _In_ IHttpContext* pHttpContext
)
{
    PVOID pv      = NULL;
    PVOID pvCopy  = NULL;
    PVOID pvCopy2 = NULL;

    g_pvLast = pv;
    pv = pHttpContext->AllocateRequestMemory(64);
    pvCopy = pv;
    pvCopy2 = pvCopy;
    g_pvLast = pvCopy2;
    //~^ request-scope-escape-static
    pv = malloc(64);
    g_pvLast = pv;
}

void
HxPathLoop(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cChunks
)
{
    PBYTE pbPrev = NULL;
    for (DWORD i = 0; i < cChunks; ++i)
    {
        if (pbPrev != NULL)
        {
            LastInfo.pvBody = pbPrev;
            //~^ request-scope-escape-static
        }
        pbPrev = (PBYTE)pHttpContext->AllocateRequestMemory(512);
    }
}

void
HxPathLoopReset(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cChunks
)
{
    PBYTE pb = NULL;
    for (DWORD i = 0; i < cChunks; ++i)
    {
        pb = (PBYTE)pHttpContext->AllocateRequestMemory(512);
        if (pb == NULL)
        {
            break;
        }
        pb[0] = 0;
        pb = (PBYTE)g_szDefault;
        LastInfo.pvBody = pb;
    }
}

void
HxPathTernary(
    _In_ IHttpContext* pHttpContext,
    _In_ bool          fVerbose
)
{
    PCSTR pszMode = fVerbose ? (PCSTR)pHttpContext->AllocateRequestMemory(16) : pszFallback;
    g_pszMode = pszMode;
    //~^ request-scope-escape-static
    g_pszMode = fVerbose ? "verbose" : pszFallback;
}

void
HxPathChain(
    _In_ IHttpContext* pHttpContext
)
{
    char* a = nullptr;
    char* b = nullptr;
    char* c = nullptr;

    a = b = static_cast<char*>(pHttpContext->AllocateRequestMemory(8));
    g_pszPath = c = b;
    //~^ request-scope-escape-static
    char* d = std::move(a);
    g_pszPath = std::move(d);
    //~^ request-scope-escape-static
}

void
HxPathStruct(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cbBody
)
{
    HX_REQUEST_INFO info = {};
    HX_REQUEST_INFO tmp  = {};

    info.cbBody = cbBody;
    info.pszUrl = "/";
    LastInfo = info;

    info.pvBody = pHttpContext->AllocateRequestMemory(cbBody);
    LastInfo.cbBody = info.cbBody;
    LastInfo = info;
    //~^ request-scope-escape-static

    tmp.pszHost = (PCSTR)pHttpContext->AllocateRequestMemory(32);
    LastInfo.pszHost = tmp.pszHost;
    //~^ request-scope-escape-static
}

void
HxPathAlias(
    _In_ IHttpContext* pHttpContext
)
{
    char*            pszLocal = NULL;
    char*&           rLocal   = pszLocal;
    char*&           rGlobal  = g_pszPath;
    char**           ppGlobal = &g_pszPath;
    HX_REQUEST_INFO& info     = LastInfo;
    char*            psz      = (char*)pHttpContext->AllocateRequestMemory(20);

    rLocal = psz;
    rGlobal = psz;
    //~^ request-scope-escape-static
    *ppGlobal = psz + 2;
    //~^ request-scope-escape-static
    info.pszUrl = psz;
    //~^ request-scope-escape-static
}

void
HxPathSwitchFallthrough(
    _In_ IHttpContext* pHttpContext,
    _In_ int           nVerb
)
{
    PCSTR psz = NULL;
    switch (nVerb)
    {
    case 0:
        psz = (PCSTR)pHttpContext->AllocateRequestMemory(4); //~ request-memory-dead-alloc
        [[fallthrough]];
    case 1:
        psz = "GET";
        break;
    case 2:
        psz = pszFallback;
        break;
    default:
        break;
    }
    g_pszMode = psz;
}

void
HxPathSwitch(
    _In_ IHttpContext* pHttpContext,
    _In_ int           nVerb
)
{
    PCSTR psz = pszFallback;
    switch (nVerb)
    {
    case 3:
        psz = (PCSTR)pHttpContext->AllocateRequestMemory(4);
        break;
    case 4:
        psz = "PUT";
        break;
    }
    g_pszMode = psz;
    //~^ request-scope-escape-static
}

void
HxPathShadow(
    _In_ IHttpContext* pHttpContext
)
{
    PVOID pvReq = pHttpContext->AllocateRequestMemory(10);
    {
        PVOID g_pvLast = pvReq;
        g_pvLast = (PBYTE)pvReq + 1;
        UNREFERENCED_PARAMETER(g_pvLast);
    }
    g_pvLast = pvReq;
    //~^ request-scope-escape-static
}

void
HxRemember(
    _In_ PVOID pvFromCaller
)
{
    g_pvLast = pvFromCaller; //~ request-scope-escape-static (HxRemember is called with request memory)
}

void
HxUseHelpers(
    _In_ IHttpContext* pHttpContext
)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(16);
    HxRemember(pv);
}

HRESULT
HxPathGoto(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cch
)
{
    HRESULT hr     = S_OK;
    PSTR    pszBuf = NULL;

    if (cch == 0)
    {
        hr = E_INVALIDARG;
        goto Finished;
    }

    pszBuf = (PSTR)pHttpContext->AllocateRequestMemory(cch);
    if (pszBuf == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = StringCchCopyA(pszBuf, cch, "x");
    if (FAILED(hr))
    {
        goto Finished;
    }

Finished:
    if (SUCCEEDED(hr))
    {
        g_pszPath = pszBuf;
        //~^ request-scope-escape-static
    }
    return hr;
}

HRESULT
HxPathGotoDefault(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cch
)
{
    HRESULT hr     = S_OK;
    PSTR    pszBuf = NULL;

    if (cch == 0)
    {
        hr = E_INVALIDARG;
        goto Finished;
    }

    pszBuf = (PSTR)pHttpContext->AllocateRequestMemory(cch);
    if (pszBuf != NULL)
    {
        pszBuf[0] = '\0';
    }
    pszBuf = g_szDefault;

Finished:
    g_pszPath = pszBuf;
    return hr;
}
