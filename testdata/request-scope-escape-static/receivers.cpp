// Fixture for request-scope-escape-static: the spellings of the receiver of
// the allocation call, and look-alike methods on unrelated classes.
//
// Sources of request memory:
//   IHttpContext::AllocateRequestMemory
//   IModuleAllocator::AllocateMemory
//   IHttpConnection::AllocateMemory
// A method with one of these names on a receiver whose declared type is some
// other class is not a source.
//
// Style: minimal stand-ins for the SDK types are declared below.

typedef unsigned long   DWORD;
typedef long            HRESULT;
typedef char*           PSTR;
typedef const char*     PCSTR;
typedef void*           PVOID;

#ifndef NULL
#define NULL 0
#endif
#define UNREFERENCED_PARAMETER(P) (P)

class IHttpConnection
{
public:
    virtual PVOID AllocateMemory(DWORD cbAllocation) = 0;
    virtual bool IsConnected() const = 0;
};

class IHttpContext
{
public:
    virtual PVOID AllocateRequestMemory(DWORD cbAllocation) = 0;
    virtual IHttpConnection* GetConnection() = 0;
};

class IModuleAllocator
{
public:
    virtual PVOID AllocateMemory(IN DWORD cbAllocation) = 0;
};

class IPreBeginRequestProvider
{
public:
    virtual IHttpContext* GetHttpContext() = 0;
};

enum GLOBAL_NOTIFICATION_STATUS
{
    GL_NOTIFICATION_CONTINUE,
    GL_NOTIFICATION_HANDLED
};

class CGlobalModule
{
public:
    virtual GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pProvider);
        return GL_NOTIFICATION_CONTINUE;
    }
    virtual void Terminate() = 0;
};

// Unrelated classes that happen to use the same method names.

class CMyPool
{
public:
    PVOID AllocateRequestMemory(DWORD cb);
    void Reset();
};

class CArena
{
public:
    PVOID AllocateMemory(DWORD cb);
};

PVOID   g_pvLast = NULL;
PSTR    g_pszLast = NULL;
CMyPool g_pool;

void Consume(PCSTR psz);

//
// Positive cases: IHttpContext receivers.
//

void ParameterReceiver(IHttpContext* pHttpContext, DWORD cb)
{
    g_pvLast = pHttpContext->AllocateRequestMemory(cb);
    //~^ request-scope-escape-static
}

void LocalReceiver(IHttpContext* pHttpContext)
{
    IHttpContext* pCtx = pHttpContext;
    char* psz = (char*)pCtx->AllocateRequestMemory(8);
    g_pszLast = psz;
    //~^ request-scope-escape-static
}

void DereferencedReceiver(IHttpContext* pCtx)
{
    g_pszLast = (char*)(*pCtx).AllocateRequestMemory(8);
    //~^ request-scope-escape-static
}

void DereferencedLocalReceiver(IHttpContext* pHttpContext)
{
    IHttpContext* pCtx = pHttpContext;
    PVOID pv = (*pCtx).AllocateRequestMemory(8);
    g_pvLast = pv;
    //~^ request-scope-escape-static
}

class CRequestHelper
{
public:
    CRequestHelper(IHttpContext* pContext)
        : m_pContext(pContext), m_pCtx(pContext), m_pConnection(pContext->GetConnection())
    {
    }

    void SaveFromMember()
    {
        g_pszLast = (char*)m_pContext->AllocateRequestMemory(8);
        //~^ request-scope-escape-static
    }

    void SaveFromThisMember()
    {
        PVOID pv = this->m_pCtx->AllocateRequestMemory(8);
        g_pvLast = pv;
        //~^ request-scope-escape-static
    }

    void SaveFromConnectionMember();
    void UseOwnPool();

private:
    IHttpContext*       m_pContext;
    IHttpContext*       m_pCtx;
    IHttpConnection*    m_pConnection;
    CMyPool             m_pool;
};

void CRequestHelper::SaveFromConnectionMember()
{
    g_pvLast = m_pConnection->AllocateMemory(8);
    //~^ request-scope-escape-static
}

class CPreBeginModule : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
    {
        PSTR psz = (PSTR)pProvider->GetHttpContext()->AllocateRequestMemory(16);
        g_pszLast = psz;
        //~^ request-scope-escape-static
        return GL_NOTIFICATION_CONTINUE;
    }

    void Terminate() { delete this; }
};

//
// Positive cases: IModuleAllocator and IHttpConnection receivers.
//

void ModuleAllocatorReceiver(IModuleAllocator* pAllocator)
{
    g_pvLast = pAllocator->AllocateMemory(32);
    //~^ request-scope-escape-static
}

void ConnectionLocalReceiver(IHttpContext* pHttpContext)
{
    IHttpConnection* pConnection = pHttpContext->GetConnection();
    PVOID pv = pConnection->AllocateMemory(64);
    g_pvLast = pv;
    //~^ request-scope-escape-static
}

void ConnectionChainedReceiver(IHttpContext* pHttpContext)
{
    g_pvLast = pHttpContext->GetConnection()->AllocateMemory(64);
    //~^ request-scope-escape-static
}

//
// Negative cases: same method names, unrelated receiver types.
//

void UnrelatedPoolObject()
{
    CMyPool pool;
    g_pvLast = pool.AllocateRequestMemory(8);           // why: CMyPool, not IHttpContext
}

void UnrelatedPoolPointer()
{
    CMyPool* pPool = &g_pool;
    g_pvLast = pPool->AllocateRequestMemory(8);         // why: CMyPool*
}

void UnrelatedGlobalPool()
{
    g_pszLast = (PSTR)g_pool.AllocateRequestMemory(16); // why: CMyPool
}

void UnrelatedPoolNamedLikeContext(CMyPool* pHttpContext)
{
    g_pvLast = pHttpContext->AllocateRequestMemory(8);  // why: the parameter is a CMyPool*
}

void CRequestHelper::UseOwnPool()
{
    g_pvLast = m_pool.AllocateRequestMemory(8);         // why: member of type CMyPool
}

void UnrelatedArenaPointer(CArena* arena)
{
    g_pvLast = arena->AllocateMemory(8);                // why: CArena*
}

void UnrelatedArenaObject()
{
    CArena arena;
    PVOID pv = arena.AllocateMemory(8);
    g_pvLast = pv;                                      // why: CArena
}

void RequestMemoryKeptLocal(IHttpContext* pHttpContext, IModuleAllocator* pAllocator)
{
    PVOID pv1 = pHttpContext->AllocateRequestMemory(8);
    PVOID pv2 = pAllocator->AllocateMemory(8);
    PVOID pv3 = pHttpContext->GetConnection()->AllocateMemory(8);

    Consume((PCSTR)pv1);                                // why: never stored in static storage
    Consume((PCSTR)pv2);
    Consume((PCSTR)pv3);
}
