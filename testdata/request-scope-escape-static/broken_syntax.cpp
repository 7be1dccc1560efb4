// Fixture for request-scope-escape-static: resilience to syntax errors.
//
// The first two functions contain a malformed line in the middle (a macro
// invocation that is not valid C++ as written). Stores after the malformed
// line must still be reported, and the intact function after them must be
// analysed normally.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"

char*   g_pszBroken = NULL;
PVOID   g_pvBroken = NULL;
char*   g_pszIntact = NULL;
char    g_szStatic[16];

void Consume(PCSTR psz);

void StrayTokenInTheMiddle(_In_ IHttpContext* pHttpContext, DWORD cb)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cb);
    VALIDATE_ARG(pHttpContext) ]
    Consume(psz);
    g_pszBroken = psz;
    //~^ request-scope-escape-static
}

void UnclosedMacroCall(_In_ IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    TRACE_ENTER(pHttpContext, "UnclosedMacroCall";
    Consume((PCSTR)pv);
    g_pvBroken = pv;
    //~^ request-scope-escape-static
    g_pszBroken = g_szStatic;           // why: static memory
}

void IntactAfterBrokenCode(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(8);
    char* pszLocal = psz;               // why: local

    Consume(pszLocal);
    g_pszIntact = psz;
    //~^ request-scope-escape-static
}

void IntactNegative(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(8);
    Consume(psz);
    psz = g_szStatic;
    g_pszIntact = psz;                  // why: killed before the store
}
