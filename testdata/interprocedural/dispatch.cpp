//
// dispatch.cpp : hands request values to sinks and background work.
//

#include "helpers.h"
#include "registry.h"

#include <stdlib.h>
#include <string.h>

typedef VOID (WINAPI *PFN_VALUE_SINK)(_In_opt_ PCSTR pszValue);

typedef struct _HEAP_WORK_ITEM
{
    char    szUrl[260];
    DWORD   dwQueuedTick;
} HEAP_WORK_ITEM;

CSink*          g_pSink             = NULL;
PFN_VALUE_SINK  g_pfnValueSink      = NULL;
PCSTR           g_pszCallbackValue  = NULL;
char*           g_pszHeapHost       = NULL;
char*           g_pszHeapUrl        = NULL;

//
// Installed in g_pfnValueSink and only ever called through it.
//
static VOID WINAPI
RememberViaCallback(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszCallbackValue = pszValue;
}

VOID
InitializeDispatch(
    _In_ CSink*             pSink
    )
{
    g_pSink = pSink;
    g_pfnValueSink = RememberViaCallback;
}

HRESULT
DispatchValues(
    _In_ IHttpContext*      pHttpContext
    )
{
    HRESULT         hr = S_OK;
    IHttpRequest*   pRequest = NULL;
    PCSTR           pszReferer = NULL;
    USHORT          cchReferer = 0;
    VOID*           pvScratch = NULL;
    VOID*           pvHeapItem = NULL;
    CScratch        scratch;
    CHeapCache      cache;

    pRequest = pHttpContext->GetRequest();

    pszReferer = pRequest->GetHeader(HttpHeaderReferer, &cchReferer);
    if (pszReferer == NULL)
    {
        goto Finished;
    }

    //
    // Virtual call: reaches CGlobalSink::Put (registry.cpp).
    //
    if (g_pSink != NULL)
    {
        g_pSink->Put(pszReferer);
    }

    //
    // Through a function pointer: not resolved.
    //
    if (g_pfnValueSink != NULL)
    {
        g_pfnValueSink(pszReferer);
    }

    pvScratch = pHttpContext->AllocateRequestMemory(64);
    if (pvScratch == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    ZeroMemory(pvScratch, 64);

    //
    // CScratch::Store only counts; CHeapCache::Store (which keeps its
    // argument in a global) only sees heap memory.
    //
    scratch.Store(pvScratch);

    pvHeapItem = malloc(64);
    if (pvHeapItem == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    ZeroMemory(pvHeapItem, 64);
    cache.Store(pvHeapItem);

Finished:
    return hr;
}

static DWORD WINAPI
HeapWorkCallback(
    _In_ LPVOID             pvItem
    )
{
    HEAP_WORK_ITEM* pItem = static_cast<HEAP_WORK_ITEM*>(pvItem);

    OutputDebugStringA(pItem->szUrl);
    free(pItem);
    return 0;
}

static VOID
QueueHeapWork(
    _In_ HEAP_WORK_ITEM*    pItem
    )
{
    QueueUserWorkItem(HeapWorkCallback, pItem, WT_EXECUTEDEFAULT);
}

//
// Everything kept beyond the request here is a process-heap copy.
//
HRESULT
KeepHeapCopies(
    _In_ IHttpContext*      pHttpContext
    )
{
    HRESULT             hr = S_OK;
    PCSTR               pszHost = NULL;
    USHORT              cchHost = 0;
    PCSTR               pszUrl = NULL;
    char*               pszUrlCopy = NULL;
    HEAP_WORK_ITEM*     pItem = NULL;

    pszHost = pHttpContext->GetRequest()->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL)
    {
        goto Finished;
    }

    delete [] g_pszHeapHost;
    g_pszHeapHost = DupHeap(pszHost);

    hr = GetVar(pHttpContext, "URL", &pszUrl);
    if (FAILED(hr))
    {
        goto Finished;
    }

    hr = CopyToHeap(pszUrl, &pszUrlCopy);
    if (FAILED(hr))
    {
        goto Finished;
    }

    free(g_pszHeapUrl);
    g_pszHeapUrl = pszUrlCopy;

    pItem = static_cast<HEAP_WORK_ITEM*>(malloc(sizeof(HEAP_WORK_ITEM)));
    if (pItem == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    strncpy_s(pItem->szUrl, sizeof(pItem->szUrl), pszUrl, _TRUNCATE);
    pItem->dwQueuedTick = GetTickCount();
    QueueHeapWork(pItem);

Finished:
    return hr;
}
