// lookalikes.cpp - things that look like request-memory escapes but are not
#include "hx_common.h"

//
// A private bump allocator whose method names happen to match the IIS ones.
//
class CArena
{
public:
    CArena()
        : m_pbBase(static_cast<PBYTE>(HeapAlloc(GetProcessHeap(), 0, 65536))),
          m_cbUsed(0)
    {
    }

    VOID*
    AllocateRequestMemory(
        _In_ DWORD cb
    )
    {
        if (m_pbBase == NULL || m_cbUsed + cb > 65536)
        {
            return NULL;
        }
        VOID* pv = m_pbBase + m_cbUsed;
        m_cbUsed += cb;
        return pv;
    }

    VOID*
    AllocateMemory(
        _In_ DWORD cb
    )
    {
        return AllocateRequestMemory(cb);
    }

private:
    PBYTE   m_pbBase;
    DWORD   m_cbUsed;
};

class IHxPool
{
public:
    virtual VOID* AllocateMemory(_In_ DWORD cb) = 0;
    virtual ~IHxPool() {}
};

CArena          g_Arena;
PVOID           g_pvArena       = NULL;
PVOID           LastArenaBlock  = NULL;
IHttpServer*    pServer         = NULL;
HTTP_MODULE_ID  ModuleId        = NULL;
PCSTR           g_pszName       = NULL;
PVOID           g_pvReal        = NULL;
std::string     g_strName;
bool            g_fSameName     = false;

void
HxArenaUse(
    _In_ CArena*  pArena,
    _In_ IHxPool* pPool
)
{
    g_pvArena = pArena->AllocateRequestMemory(32);
    LastArenaBlock = pPool->AllocateMemory(16);

    CArena localArena;
    PVOID  pv = localArena.AllocateMemory(8);
    g_pvArena = pv;
    g_pvArena = g_Arena.AllocateRequestMemory(4);
}

void
HxMisleadingName(
    _In_ CArena* pHttpContext
)
{
    PVOID pv = pHttpContext->AllocateRequestMemory(10);
    g_pvArena = pv;
}

class CHxBatcher
{
public:
    explicit CHxBatcher(_In_ CArena* pArena)
        : m_pHttpContext(pArena)
    {
    }

    void
    Flush()
    {
        LastArenaBlock = m_pHttpContext->AllocateRequestMemory(64);
    }

private:
    CArena* m_pHttpContext;
};

HRESULT
HxInitGlobals(
    _In_ IHttpServer*                 pGlobalInfo,
    _In_ IHttpModuleRegistrationInfo* pModuleInfo
)
{
    pServer  = pGlobalInfo;
    ModuleId = pModuleInfo->GetId();
    return S_OK;
}

void
HxLocalNames(
    _In_ IHttpContext* pHttpContext
)
{
    PVOID g_pvReq   = pHttpContext->AllocateRequestMemory(16);
    PCSTR g_pszName = (PCSTR)g_pvReq;
    static PCSTR s_pszNotUsed = NULL;

    g_pszName = (PCSTR)g_pvReq + 1;
    UNREFERENCED_PARAMETER(s_pszNotUsed);

    ::g_pszName = g_pszName;
    //~^ request-scope-escape-static
}

void
HxParamShadow(
    _In_ IHttpContext* pHttpContext,
    _In_ PVOID         g_pvReal
)
{
    g_pvReal = pHttpContext->AllocateRequestMemory(8);
    UNREFERENCED_PARAMETER(g_pvReal);
}

void
HxCopyName(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszSrc
)
{
    size_t cch = strlen(pszSrc);
    PSTR   psz = (PSTR)pHttpContext->AllocateRequestMemory((DWORD)cch + 1);
    if (!psz)
    {
        return;
    }
    strcpy_s(psz, cch + 1, pszSrc);

    g_strName = psz;
    g_strName.assign(psz, cch);
    g_strName += psz;
    g_fSameName = (psz == ::g_pszName);

    static std::string s_strFirst = psz;
    UNREFERENCED_PARAMETER(s_strFirst);

    pHttpContext->GetResponse()->SetStatus(200, psz);

    g_pvReal = pHttpContext->AllocateRequestMemory(4);
    //~^ request-scope-escape-static
}
