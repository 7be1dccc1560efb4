// receivers.cpp - different ways of getting at the request/connection allocators
#include "hx_common.h"

typedef IHttpContext*   PHTTPCTX;
typedef IHttpContext    HTTPCTX;

PVOID               g_pvFromTypedef = NULL;
PVOID               g_pvFromDeref   = NULL;
PCSTR               g_pszPreBegin   = NULL;
std::set<PVOID>     g_setConnBlocks;
PVOID               g_pvConn        = NULL;
PVOID               g_pvAlloc       = NULL;
std::deque<PVOID>   g_dqPending;
DWORD               g_cbConnTotal   = 0;

class CHxGlobalModule : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS
    OnGlobalPreBeginRequest(
        IN IPreBeginRequestProvider* pProvider
    ) override
    {
        auto pCtx    = pProvider->GetHttpContext();
        PSTR pszMark = (PSTR)pCtx->AllocateRequestMemory(8);
        if (pszMark != NULL)
        {
            pszMark[0] = 'P';
            pszMark[1] = '\0';
            g_pszPreBegin = pszMark;
            //~^ request-scope-escape-static
        }

        PVOID pvDirect = pProvider->GetHttpContext()->AllocateRequestMemory(4);
        g_dqPending.push_back(pvDirect);
        //~^ request-scope-escape-static

        return GL_NOTIFICATION_CONTINUE;
    }

    VOID
    Terminate() override
    {
        delete this;
    }
};

class CHxRequestWorker
{
public:
    explicit CHxRequestWorker(_In_ IHttpContext* pHttpContext)
        : m_pHttpContext(pHttpContext),
          m_pvWork(NULL),
          m_cbWork(0)
    {
    }

    HRESULT Prepare(_In_ DWORD cb);

    static PVOID s_pvShared;
    static DWORD s_cbShared;

private:
    IHttpContext*   m_pHttpContext;
    PVOID           m_pvWork;
    DWORD           m_cbWork;
};

PVOID CHxRequestWorker::s_pvShared = NULL;
DWORD CHxRequestWorker::s_cbShared = 0;

HRESULT
CHxRequestWorker::Prepare(
    _In_ DWORD cb
)
{
    PVOID pvShared = NULL;

    m_pvWork = m_pHttpContext->AllocateRequestMemory(cb);
    if (m_pvWork == NULL)
    {
        return E_OUTOFMEMORY;
    }
    m_cbWork = cb;

    pvShared = m_pHttpContext->AllocateRequestMemory(cb);
    if (pvShared == NULL)
    {
        return E_OUTOFMEMORY;
    }
    s_cbShared = cb;
    s_pvShared = pvShared;
    //~^ request-scope-escape-static
    return S_OK;
}

void
HxTypedefReceiver(
    _In_ PHTTPCTX pc,
    _In_ DWORD    cb
)
{
    PVOID pv = pc->AllocateRequestMemory(cb);
    g_pvFromTypedef = pv;
    //~^ request-scope-escape-static
}

void
HxDerefReceiver(
    _In_ HTTPCTX* pCtx
)
{
    g_pvFromDeref = (*pCtx).AllocateRequestMemory(24);
    //~^ request-scope-escape-static
}

HRESULT
HxConnectionScratch(
    _In_ IHttpContext* pHttpContext
)
{
    PVOID pvConn = pHttpContext->GetConnection()->AllocateMemory(256);
    if (pvConn == NULL)
    {
        return E_OUTOFMEMORY;
    }
    g_cbConnTotal += 256;
    g_setConnBlocks.insert(pvConn);
    //~^ request-scope-escape-static

    IHttpConnection* pConnection = pHttpContext->GetConnection();
    if (pConnection != NULL && pConnection->IsConnected())
    {
        g_pvConn = pConnection->AllocateMemory(64);
        //~^ request-scope-escape-static
    }
    return S_OK;
}

HRESULT
HxSeedFromAllocator(
    _In_ IModuleAllocator* pAllocator,
    _In_ DWORD             cb
)
{
    BYTE* pbSeed = static_cast<BYTE*>(pAllocator->AllocateMemory(cb));
    if (pbSeed == nullptr)
    {
        return E_OUTOFMEMORY;
    }
    SecureZeroMemory(pbSeed, cb);
    g_pvAlloc = pbSeed;
    //~^ request-scope-escape-static
    return S_OK;
}
