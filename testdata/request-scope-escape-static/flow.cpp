// Fixture for request-scope-escape-static: flow-sensitive tracking inside
// one function.
//
// A store is reported when request memory can reach it along at least one
// path. Reassigning the variable to other memory on every path before the
// store makes the store fine.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"

char*   g_pszKept = NULL;
char*   g_rgpszItems[8];
char    g_szStatic[64];

void    Consume(PCSTR psz);
BOOL    NeedMore();
HRESULT Fill(PSTR psz, DWORD cch);

//
// Positive cases.
//

void StoreInOneBranch(_In_ IHttpContext* pHttpContext, BOOL fKeep)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    if (fKeep)
    {
        g_pszKept = psz;
        //~^ request-scope-escape-static
    }
    else
    {
        Consume(psz);
    }
}

void KillOnOneBranchOnly(_In_ IHttpContext* pHttpContext, BOOL fHeap)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    if (fHeap)
    {
        psz = new char[64];
    }
    g_pszKept = psz;                    // the !fHeap path still carries request memory
    //~^ request-scope-escape-static
}

void AllocOnOneBranchOnly(_In_ IHttpContext* pHttpContext, BOOL fRequest)
{
    char* psz = g_szStatic;
    if (fRequest)
        psz = (char*)pHttpContext->AllocateRequestMemory(64);
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

void StoreInLoopBody(_In_ IHttpContext* pHttpContext, DWORD cItems)
{
    for (DWORD i = 0; i < cItems && i < 8; i++)
    {
        char* pszItem = (char*)pHttpContext->AllocateRequestMemory(16);
        g_rgpszItems[i] = pszItem;
        //~^ request-scope-escape-static
    }
}

void LoopCarried(_In_ IHttpContext* pHttpContext, DWORD cRounds)
{
    char* pszPrev = NULL;
    for (DWORD i = 0; i < cRounds; i++)
    {
        if (pszPrev != NULL)
        {
            g_pszKept = pszPrev;        // request memory from the previous iteration
            //~^ request-scope-escape-static
        }
        pszPrev = (char*)pHttpContext->AllocateRequestMemory(16);
    }
}

void AfterWhileLoop(_In_ IHttpContext* pHttpContext)
{
    char* psz = NULL;
    while (NeedMore())
    {
        psz = (char*)pHttpContext->AllocateRequestMemory(32);
        Consume(psz);
    }
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

void KillInLoopThatMayNotRun(_In_ IHttpContext* pHttpContext, DWORD c)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    for (DWORD i = 0; i < c; i++)
    {
        psz = g_szStatic;
    }
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

void DoWhileAlloc(_In_ IHttpContext* pHttpContext)
{
    char* psz;
    do
    {
        psz = (char*)pHttpContext->AllocateRequestMemory(16);
    } while (psz == NULL);
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

HRESULT EarlyReturnOnFailure(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    if (psz == NULL)
    {
        return E_OUTOFMEMORY;
    }
    g_pszKept = psz;
    //~^ request-scope-escape-static
    return S_OK;
}

HRESULT GotoCleanup(_In_ IHttpContext* pHttpContext)
{
    HRESULT hr = S_OK;
    char* pszValue = NULL;

    pszValue = (char*)pHttpContext->AllocateRequestMemory(128);
    if (pszValue == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = Fill(pszValue, 128);
    if (FAILED(hr))
    {
        goto Finished;
    }

Finished:

    g_pszKept = pszValue;
    //~^ request-scope-escape-static
    return hr;
}

void GotoSkipsTheKill(_In_ IHttpContext* pHttpContext, BOOL fFast)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    if (fFast)
    {
        goto Store;
    }
    psz = (char*)malloc(32);

Store:
    g_pszKept = psz;                    // reached from the goto with request memory
    //~^ request-scope-escape-static
}

void SwitchWithoutKillOnDefault(_In_ IHttpContext* pHttpContext, int nMode)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    switch (nMode)
    {
    case 1:
        psz = g_szStatic;
        break;
    case 2:
        psz = new char[32];
        break;
    default:
        break;
    }
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

void AllocatedAgainAfterKill(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    Consume(psz);
    psz = new char[32];
    Consume(psz);
    psz = (char*)pHttpContext->AllocateRequestMemory(48);
    g_pszKept = psz;
    //~^ request-scope-escape-static
}

void StoreInElseIfChain(_In_ IHttpContext* pHttpContext, int nKind)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    if (nKind == 0)
    {
        Consume(psz);
    }
    else if (nKind == 1)
    {
        Consume(g_szStatic);
    }
    else
    {
        g_pszKept = psz;
        //~^ request-scope-escape-static
    }
}

//
// Negative cases.
//

void ReassignedToHeapBeforeStore(_In_ IHttpContext* pHttpContext, DWORD cb)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cb);
    Consume(psz);
    psz = new char[cb];
    g_pszKept = psz;                    // why: psz now points to heap memory
}

void ReassignedOnAllPaths(_In_ IHttpContext* pHttpContext, BOOL fHeap)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    Consume(psz);
    if (fHeap)
    {
        psz = (char*)malloc(64);
    }
    else
    {
        psz = g_szStatic;
    }
    g_pszKept = psz;                    // why: both paths replaced psz
}

void OtherPathReturns(_In_ IHttpContext* pHttpContext, BOOL fOk)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    if (fOk)
    {
        psz = g_szStatic;
    }
    else
    {
        Consume(psz);
        return;
    }
    g_pszKept = psz;                    // why: only the fOk path gets here
}

void StoreBeforeAllocation(_In_ IHttpContext* pHttpContext)
{
    char* psz = g_szStatic;
    g_pszKept = psz;                    // why: psz still points at g_szStatic here
    psz = (char*)pHttpContext->AllocateRequestMemory(64);
    Consume(psz);
}

void DifferentVariableStored(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    char* pszOther = g_szStatic;
    Consume(psz);
    g_pszKept = pszOther;               // why: pszOther never held request memory
}

void ClearedBeforeStore(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    Consume(psz);
    psz = NULL;
    g_pszKept = psz;                    // why: NULL
}

void GotoAfterKill(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    Consume(psz);
    psz = g_szStatic;
    goto Done;

Done:
    g_pszKept = psz;                    // why: killed before the goto
}

void SwitchKillsOnEveryCase(_In_ IHttpContext* pHttpContext, int nMode)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    Consume(psz);
    switch (nMode)
    {
    case 1:
        psz = g_szStatic;
        break;
    default:
        psz = NULL;
        break;
    }
    g_pszKept = psz;                    // why: every case replaced psz
}

void FreshLocalEachIteration(_In_ IHttpContext* pHttpContext, DWORD c)
{
    for (DWORD i = 0; i < c; i++)
    {
        char* pszItem = g_szStatic;     // re-initialized on every iteration
        g_pszKept = pszItem;            // why: static memory on every iteration
        pszItem = (char*)pHttpContext->AllocateRequestMemory(16);
        Consume(pszItem);
    }
}

void LoopClearsBeforeExit(_In_ IHttpContext* pHttpContext)
{
    char* psz = g_szStatic;
    while (NeedMore())
    {
        psz = (char*)pHttpContext->AllocateRequestMemory(16);
        Consume(psz);
        psz = NULL;
    }
    g_pszKept = psz;                    // why: g_szStatic or NULL
}
