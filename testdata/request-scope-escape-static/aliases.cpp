// Fixture for request-scope-escape-static: stores through local references
// and pointers that refer to static storage, and local structs that carry a
// request-memory pointer into static storage.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"
#include <vector>

struct REQUEST_SNAPSHOT
{
    PCSTR   pszUrl;
    DWORD   cchUrl;
};

char*                           g_pszAlias = NULL;
char*                           g_rgpszAliasSlots[4];
REQUEST_SNAPSHOT                g_snapLast;
std::vector<REQUEST_SNAPSHOT>   g_vecSnaps;
char                            g_szStatic[32];

void Consume(PCSTR psz);
void ConsumeSnapshot(const REQUEST_SNAPSHOT* pSnap);

//
// Positive cases.
//

void StoreThroughReference(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char*& rSlot = g_pszAlias;
    rSlot = psz;
    //~^ request-scope-escape-static
}

void StoreThroughPointer(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char** ppSlot = &g_pszAlias;
    *ppSlot = psz;
    //~^ request-scope-escape-static
}

void StoreThroughPointerToElement(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char** ppSlot = &g_rgpszAliasSlots[2];
    *ppSlot = psz;
    //~^ request-scope-escape-static
}

void StoreThroughReferenceToStruct(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    auto& rSnap = g_snapLast;
    rSnap.cchUrl = 32;                          // why: scalar field
    rSnap.pszUrl = psz;
    //~^ request-scope-escape-static
}

void StoreThroughPointerToStruct(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    REQUEST_SNAPSHOT* pSnap = &g_snapLast;
    pSnap->pszUrl = psz;
    //~^ request-scope-escape-static
}

void CopyLocalStructToGlobal(_In_ IHttpContext* pHttpContext, DWORD cchUrl)
{
    REQUEST_SNAPSHOT snap;
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cchUrl + 1);

    snap.pszUrl = psz;
    snap.cchUrl = cchUrl;
    g_snapLast = snap;                          // the struct carries psz
    //~^ request-scope-escape-static
}

void CopyLocalStructFieldToGlobal(_In_ IHttpContext* pHttpContext)
{
    REQUEST_SNAPSHOT snap;
    snap.pszUrl = (PCSTR)pHttpContext->AllocateRequestMemory(16);
    snap.cchUrl = 15;
    g_snapLast.pszUrl = snap.pszUrl;
    //~^ request-scope-escape-static
}

void PushLocalStruct(_In_ IHttpContext* pHttpContext)
{
    REQUEST_SNAPSHOT snap;
    snap.pszUrl = (PCSTR)pHttpContext->AllocateRequestMemory(16);
    snap.cchUrl = 15;
    g_vecSnaps.push_back(snap);
    //~^ request-scope-escape-static
}

//
// Negative cases.
//

void ReferenceToLocal(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char* pszLocal = NULL;
    char*& rLocal = pszLocal;
    char** ppLocal = &pszLocal;

    rLocal = psz;                               // why: refers to a local
    *ppLocal = psz;                             // why: points to a local
    Consume(pszLocal);
}

void ValueCopyOfGlobal(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char* pszCopy = g_pszAlias;                 // a copy of the pointer value, not an alias
    pszCopy = psz;                              // why: overwrites the local copy only
    Consume(pszCopy);
}

void AliasesWithoutRequestMemory(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char*& rSlot = g_pszAlias;
    char** ppSlot = &g_rgpszAliasSlots[1];
    char* pszRead = rSlot;                      // why: a read

    rSlot = g_szStatic;                         // why: static memory
    *ppSlot = NULL;
    Consume(pszRead);
    Consume(psz);
}

void LocalStructWithoutRequestPointer(_In_ IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    REQUEST_SNAPSHOT snap;
    REQUEST_SNAPSHOT snapLength;

    snap.pszUrl = g_szStatic;
    snap.cchUrl = 0;
    g_snapLast = snap;                          // why: holds only static memory

    snapLength.pszUrl = NULL;
    snapLength.cchUrl = (DWORD)strlen(psz);     // only a length
    g_vecSnaps.push_back(snapLength);           // why: holds no request memory
}

void LocalStructKeptLocal(_In_ IHttpContext* pHttpContext)
{
    REQUEST_SNAPSHOT snapLocal;
    snapLocal.pszUrl = (PCSTR)pHttpContext->AllocateRequestMemory(16);
    snapLocal.cchUrl = 15;
    ConsumeSnapshot(&snapLocal);                // why: never copied into static storage
}

void GetBuffer(_In_ IHttpContext* pHttpContext, _Out_ char** ppszOut)
{
    *ppszOut = (char*)pHttpContext->AllocateRequestMemory(8);   // why: the caller's storage
}

void GetBufferRef(_In_ IHttpContext* pHttpContext, _Out_ char*& rpszOut)
{
    rpszOut = (char*)pHttpContext->AllocateRequestMemory(8);    // why: the caller's storage
}

void GetSnapshot(_In_ IHttpContext* pHttpContext, _Out_ REQUEST_SNAPSHOT* pSnap)
{
    pSnap->pszUrl = (PCSTR)pHttpContext->AllocateRequestMemory(8);  // why: the caller's storage
    pSnap->cchUrl = 7;
}

void CallerKeepsItLocal(_In_ IHttpContext* pHttpContext)
{
    char* pszOut = NULL;
    GetBuffer(pHttpContext, &pszOut);
    Consume(pszOut);
}

// Fields of a local struct are tracked one by one: copying a scalar sibling of a request
// pointer is not an escape; copying the whole struct is.
typedef struct _REQ_SUMMARY
{
    char* pszBody;
    DWORD cbBody;
} REQ_SUMMARY, *PREQ_SUMMARY;

REQ_SUMMARY g_summary;

void SiblingFields(_In_ IHttpContext* pHttpContext, DWORD cb)
{
    REQ_SUMMARY local = {};
    local.cbBody = cb;
    local.pszBody = (char*)pHttpContext->AllocateRequestMemory(cb);
    g_summary.cbBody = local.cbBody;
    g_summary = local;
    //~^ request-scope-escape-static
}
