// Fixture for request-scope-escape-static: the request-memory value keeps
// its identity through casts, pointer arithmetic, conditional expressions,
// assignment chains, `auto` and std::move.
//
// Style: minimal stand-ins for the SDK types are declared below.

#include <utility>
#include <string.h>
#include <stdlib.h>

typedef unsigned long   DWORD;
typedef unsigned char   BYTE;
typedef int             BOOL;
typedef wchar_t         WCHAR;
typedef char*           PSTR;
typedef const char*     PCSTR;
typedef WCHAR*          PWSTR;
typedef void*           PVOID;

#ifndef NULL
#define NULL 0
#endif

class IHttpContext
{
public:
    virtual PVOID AllocateRequestMemory(DWORD cbAllocation) = 0;
};

char*       g_pc = NULL;
PVOID       g_pv = NULL;
BYTE*       g_pb = NULL;
PWSTR       g_pwsz = NULL;
PCSTR       g_pcsz = NULL;
DWORD       g_cch = 0;
char        g_ch = 0;
char        g_szA[16] = "a";
char        g_szB[16] = "b";
BYTE        g_rgbStatic[64];
PVOID       g_pvStatic = g_rgbStatic;

void Consume(PCSTR psz);

//
// Cast styles.
//

void CStyleCast(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_pc = (char*)pv;
    //~^ request-scope-escape-static
}

void StaticCast(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_pc = static_cast<char*>(pv);
    //~^ request-scope-escape-static
}

void ReinterpretCast(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_pb = reinterpret_cast<BYTE*>(pv);
    //~^ request-scope-escape-static
}

void ConstCast(IHttpContext* pHttpContext)
{
    PCSTR pcsz = (PCSTR)pHttpContext->AllocateRequestMemory(32);
    g_pc = const_cast<char*>(pcsz);
    //~^ request-scope-escape-static
}

void TypedefCastDirect(IHttpContext* pHttpContext, DWORD cch)
{
    g_pwsz = (PWSTR)pHttpContext->AllocateRequestMemory((cch + 1) * sizeof(WCHAR));
    //~^ request-scope-escape-static
}

void NestedCasts(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_pc = reinterpret_cast<char*>(static_cast<BYTE*>(pv) + 1);
    //~^ request-scope-escape-static
}

void ParenthesizedValue(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_pc = (psz);
    //~^ request-scope-escape-static
}

//
// Pointer arithmetic.
//

void PlusOffset(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_pc = psz + 4;
    //~^ request-scope-escape-static
}

void AddressOfElement(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_pc = &psz[2];
    //~^ request-scope-escape-static
}

void PostIncrementThenStore(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    psz++;
    g_pc = psz;
    //~^ request-scope-escape-static
}

void CompoundAdvance(IHttpContext* pHttpContext, DWORD cchPrefix)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    psz += cchPrefix;
    g_pcsz = psz;
    //~^ request-scope-escape-static
}

void CastThenOffset(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(64);
    g_pc = (char*)pv + 16;
    //~^ request-scope-escape-static
}

//
// Conditional expressions and assignment chains.
//

void TernaryRequestOnTrue(IHttpContext* pHttpContext, BOOL fUseRequest)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    g_pc = fUseRequest ? psz : g_szA;
    //~^ request-scope-escape-static
}

void TernaryRequestOnFalse(IHttpContext* pHttpContext, BOOL fEmpty)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    g_pc = fEmpty ? NULL : psz;
    //~^ request-scope-escape-static
}

void ChainThroughLocal(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    char* pszCopy = NULL;

    g_pc = pszCopy = psz;
    //~^ request-scope-escape-static
    g_pcsz = pszCopy;
    //~^ request-scope-escape-static
}

void ChainOfLocals(IHttpContext* pHttpContext)
{
    char* pszA;
    char* pszB;

    pszA = pszB = (char*)pHttpContext->AllocateRequestMemory(16);
    g_pc = pszB;
    //~^ request-scope-escape-static
}

//
// auto and std::move.
//

void AutoLocal(IHttpContext* pHttpContext)
{
    auto psz = static_cast<char*>(pHttpContext->AllocateRequestMemory(16));
    g_pc = psz;
    //~^ request-scope-escape-static
}

void AutoPointerLocal(IHttpContext* pHttpContext)
{
    auto* pb = reinterpret_cast<BYTE*>(pHttpContext->AllocateRequestMemory(16));
    g_pb = pb;
    //~^ request-scope-escape-static
}

void AutoFromVoid(IHttpContext* pHttpContext)
{
    auto pv = pHttpContext->AllocateRequestMemory(16);
    g_pv = pv;
    //~^ request-scope-escape-static
}

void MovedIntoGlobal(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    g_pc = std::move(psz);
    //~^ request-scope-escape-static
}

//
// Negative cases.
//

void ScalarsDerivedFromRequestMemory(IHttpContext* pHttpContext, BOOL fCount)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);

    g_cch = (DWORD)strlen(psz);                     // why: length
    g_ch = psz[0];                                  // why: content //~ request-memory-unchecked
    g_ch = *psz;                                    // why: content
    g_ch = *(psz + 1);                              // why: content
    g_cch = fCount ? (DWORD)strlen(psz) : 0;       // why: length in either arm

    Consume(psz);
}

void CastsOfStaticMemory(IHttpContext* pHttpContext, BOOL fUseA)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    char* pszLocal = psz + 4;                       // why: local
    BYTE* pbLocal = reinterpret_cast<BYTE*>(psz);   // why: local

    g_pc = (char*)g_pvStatic;                       // why: static memory
    g_pc = static_cast<char*>(malloc(32));          // why: heap memory
    g_pc = fUseA ? g_szA : g_szB;                   // why: neither arm is request memory
    g_pb = g_rgbStatic + 4;
    g_pc = reinterpret_cast<char*>(g_rgbStatic) + 8;

    Consume(pszLocal);
    Consume((PCSTR)pbLocal);
}

void ChainWithoutRequestMemory(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    char* pszOther;

    g_pc = pszOther = g_szA;                        // why: the chain carries g_szA
    Consume(psz);
    Consume(pszOther);
}

void AutoFromStatic()
{
    auto psz = g_szB;
    auto pv = static_cast<PVOID>(g_rgbStatic);
    g_pc = psz;                                     // why: static memory
    g_pv = pv;
}
