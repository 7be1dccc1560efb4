// Fixture for request-scope-escape-static: stores that span several lines.
//
// The reported line is the line where the store expression starts: the
// first line of the assignment, of the insert/store call, or of the
// static declaration.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"
#include <atomic>
#include <map>
#include <vector>

struct MULTI_CONFIG
{
    PCSTR   pszName;
    DWORD   cchName;
};

PSTR                    g_pszMultiA = NULL;
PSTR                    g_pszMultiB = NULL;
PVOID                   g_pvMulti = NULL;
PSTR                    g_rgMulti[8];
MULTI_CONFIG            g_multiConfig;
std::vector<PSTR>       g_vecMulti;
std::map<DWORD, PSTR>   g_mapMulti;
std::atomic<PSTR>       g_atomMulti;
char                    g_szFallback[8] = "none";
char                    g_szCopy[128];

void Consume(PCSTR psz);

void AssignmentAcrossLines(_In_ IHttpContext* pHttpContext, _In_ DWORD cchValue)
{
    g_pszMultiA =
        (PSTR)pHttpContext->AllocateRequestMemory(
            cchValue + 1);
    //~^^^ request-scope-escape-static
}

void PushBackAcrossLines(_In_ IHttpContext* pHttpContext)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_vecMulti.push_back(
        pszValue);
    //~^^ request-scope-escape-static
}

void InterlockedAcrossLines(_In_ IHttpContext* pHttpContext)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    InterlockedExchangePointer(
        (PVOID*)&g_pszMultiB,
        pszValue);
    //~^^^ request-scope-escape-static
}

void SubscriptAcrossLines(_In_ IHttpContext* pHttpContext, _In_ DWORD dwIndex)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_rgMulti[
        dwIndex % 8] = pszValue;
    //~^^ request-scope-escape-static
}

void TernaryAcrossLines(_In_ IHttpContext* pHttpContext, _In_ BOOL fUseRequest)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_pszMultiA = fUseRequest
                      ? pszValue
                      : g_szFallback;
    //~^^^ request-scope-escape-static
}

void StaticInitializerAcrossLines(_In_ IHttpContext* pHttpContext)
{
    static PSTR s_pszFirst = (PSTR)pHttpContext->AllocateRequestMemory(
        64);
    //~^^ request-scope-escape-static
    Consume(s_pszFirst);
}

void FieldAssignmentAcrossLines(_In_ IHttpContext* pHttpContext)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_multiConfig.pszName
        = pszValue;
    //~^^ request-scope-escape-static
    g_multiConfig.cchName
        = 31;
}

void MapInsertAcrossLines(_In_ IHttpContext* pHttpContext, _In_ DWORD dwKey)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_mapMulti.insert(
        { dwKey,
          pszValue });
    //~^^^ request-scope-escape-static
}

void AtomicStoreAcrossLines(_In_ IHttpContext* pHttpContext)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    g_atomMulti.store(pszValue,
                      std::memory_order_release);
    //~^^ request-scope-escape-static
}

void NestedCastAcrossLines(_In_ IHttpContext* pHttpContext, _In_ DWORD cb)
{
    g_pvMulti = reinterpret_cast<PVOID>(
        static_cast<BYTE*>(pHttpContext->AllocateRequestMemory(cb)) + 8);
    //~^^ request-scope-escape-static
}

void StoreInsideMultiLineIf(_In_ IHttpContext* pHttpContext, _In_ BOOL fA, _In_ BOOL fB)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(32);
    if (fA &&
        fB)
    {
        g_pszMultiB = pszValue;
        //~^ request-scope-escape-static
    }
}

//
// Negative cases spanning several lines.
//

void MultiLineNegatives(_In_ IHttpContext* pHttpContext, _In_ DWORD cchValue)
{
    PSTR pszValue = (PSTR)pHttpContext->AllocateRequestMemory(
        cchValue + 1);
    PSTR pszLocal =
        pszValue;                                   // why: local

    memcpy(g_szCopy,
           pszValue,
           cchValue < sizeof(g_szCopy) ? cchValue : sizeof(g_szCopy));  // why: content copy

    pHttpContext->GetResponse()->SetHeader( //~ request-memory-unchecked
        "X-Multi",
        pszLocal,
        (USHORT)cchValue,
        TRUE);                                      // why: handed to IIS

    g_pszMultiA =
        g_szFallback;                               // why: static memory
    g_vecMulti.push_back(
        nullptr);
    g_multiConfig.cchName =
        cchValue;
}
