// Fixture for request-scope-escape-static: inserting request memory into
// global containers, std::atomic stores and the Interlocked*Pointer family.
//
// Style: minimal stand-ins for the SDK types are declared below; standard
// library containers come from the real standard headers.

#include <atomic>
#include <list>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

typedef unsigned long   DWORD;
typedef long            LONG;
typedef char*           PSTR;
typedef const char*     PCSTR;
typedef void*           PVOID;

#ifndef NULL
#define NULL 0
#endif

class IHttpContext
{
public:
    virtual PVOID AllocateRequestMemory(DWORD cbAllocation) = 0;
};

extern "C" PVOID InterlockedExchangePointer(PVOID volatile* Target, PVOID Value);
extern "C" PVOID InterlockedCompareExchangePointer(PVOID volatile* Destination, PVOID Exchange, PVOID Comperand);
extern "C" LONG  InterlockedIncrement(LONG volatile* Addend);

std::vector<char*>                          g_vecRecent;
std::list<PVOID>                            g_lstBlobs;
std::map<DWORD, char*>                      g_mapById;
std::unordered_map<std::string, PCSTR>      g_mapByName;
std::set<PVOID>                             g_setSeen;
std::vector<std::string>                    g_vecNames;
std::atomic<char*>                          g_atomLast;
std::atomic<PVOID>                          g_atomBlob{nullptr};
std::atomic<LONG>                           g_atomCount{0};
PVOID volatile                              g_pvShared = NULL;
char*                                       g_pszSwap = NULL;
LONG volatile                               g_cInFlight = 0;
char                                        g_szStatic[32];

class CRegistry
{
public:
    static std::vector<PCSTR> s_vecAll;
};

std::vector<PCSTR> CRegistry::s_vecAll;

void Consume(PCSTR psz);

//
// Containers.
//

void PushBack(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_vecRecent.push_back(psz);
    //~^ request-scope-escape-static
}

void PushBackList(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_lstBlobs.push_back(pv);
    //~^ request-scope-escape-static
}

void PushBackDirect(IHttpContext* pHttpContext)
{
    g_vecRecent.push_back((char*)pHttpContext->AllocateRequestMemory(8));
    //~^ request-scope-escape-static
}

void PushBackMoved(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_vecRecent.push_back(std::move(psz));
    //~^ request-scope-escape-static
}

void EmplaceBack(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_vecRecent.emplace_back(psz);
    //~^ request-scope-escape-static
}

void MapIndex(IHttpContext* pHttpContext, DWORD dwId)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_mapById[dwId] = psz;
    //~^ request-scope-escape-static
}

void UnorderedMapIndex(IHttpContext* pHttpContext, const std::string& strName)
{
    PCSTR psz = (PCSTR)pHttpContext->AllocateRequestMemory(32);
    g_mapByName[strName] = psz;
    //~^ request-scope-escape-static
}

void MapInsertBraced(IHttpContext* pHttpContext, DWORD dwId)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_mapById.insert({dwId, psz});
    //~^ request-scope-escape-static
}

void MapEmplace(IHttpContext* pHttpContext, DWORD dwId)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_mapById.emplace(dwId, psz);
    //~^ request-scope-escape-static
}

void SetInsert(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_setSeen.insert(pv);
    //~^ request-scope-escape-static
}

void StaticMemberContainer(IHttpContext* pHttpContext)
{
    PCSTR psz = (PCSTR)pHttpContext->AllocateRequestMemory(32);
    CRegistry::s_vecAll.push_back(psz);
    //~^ request-scope-escape-static
}

void StaticLocalContainer(IHttpContext* pHttpContext)
{
    static std::vector<PVOID> s_vecHistory;
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    s_vecHistory.push_back(pv);
    //~^ request-scope-escape-static
}

//
// std::atomic.
//

void AtomicStore(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_atomLast.store(psz);
    //~^ request-scope-escape-static
}

void AtomicAssign(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    g_atomLast = psz;
    //~^ request-scope-escape-static
}

void AtomicStoreWithOrder(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    g_atomBlob.store(pv, std::memory_order_release);
    //~^ request-scope-escape-static
}

//
// Interlocked pointer exchange.
//

void InterlockedPublish(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    InterlockedExchangePointer(&g_pvShared, pv);
    //~^ request-scope-escape-static
}

void InterlockedPublishCast(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    InterlockedExchangePointer((PVOID*)&g_pszSwap, psz);
    //~^ request-scope-escape-static
}

void InterlockedPublishOnce(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    InterlockedCompareExchangePointer((PVOID*)&g_pszSwap, psz, NULL);
    //~^ request-scope-escape-static
}

//
// Negative cases.
//

void ContainersWithoutRequestMemory(IHttpContext* pHttpContext, DWORD dwId)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char* pszHeap = new char[32];
    std::vector<char*> vecLocal;
    std::map<DWORD, char*> mapLocal;

    vecLocal.push_back(psz);                        // why: local container
    mapLocal[dwId] = psz;                           // why: local container
    mapLocal.insert({dwId + 1, psz});

    g_vecNames.push_back(std::string(psz));         // why: the string copies the characters
    g_vecRecent.push_back(g_szStatic);              // why: static memory
    g_vecRecent.push_back(nullptr);
    g_vecRecent.push_back(pszHeap);                 // why: heap memory
    g_mapById[dwId] = NULL;
    g_mapById.erase(dwId);
    g_lstBlobs.clear();

    if (g_setSeen.count(psz) == 0 && g_mapById.size() < 100)
    {
        Consume(psz);
    }
    Consume(vecLocal[0]);
    Consume(mapLocal[dwId]);
}

void AtomicsWithoutRequestMemory(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
    char* pszPrevious = g_atomLast.load();          // why: a read

    g_atomLast.store(nullptr);                      // why: not request memory
    g_atomLast = g_szStatic;
    g_atomCount.fetch_add(1);
    g_atomCount++;

    Consume(pszPrevious);
    Consume(psz);
}

void InterlockedWithoutRequestMemory(IHttpContext* pHttpContext)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(32);
    PVOID pvLocal = NULL;

    InterlockedExchangePointer(&pvLocal, pv);       // why: the target is a local
    InterlockedExchangePointer(&g_pvShared, NULL);  // why: clears the global
    InterlockedExchangePointer((PVOID*)&g_pszSwap, g_szStatic);
    InterlockedIncrement(&g_cInFlight);

    Consume((PCSTR)pvLocal);
}
