// Fixture for request-scope-escape-static: a header with declarations only.
//
// Nothing here stores anything, so nothing may be reported.

#pragma once

#include "precomp.h"
#include <vector>

#define MODULE_STATE_SLOTS  8

struct MODULE_STATE_ENTRY
{
    PCSTR   pszKey;
    PVOID   pvValue;
    DWORD   cbValue;
};

extern MODULE_STATE_ENTRY               g_rgStateEntries[MODULE_STATE_SLOTS];
extern std::vector<MODULE_STATE_ENTRY>  g_vecStateHistory;
extern IHttpServer*                     g_pStateServer;

class CModuleStateStore
{
public:
    static HRESULT Initialize(_In_ IHttpServer* pServer);
    static VOID    Terminate();

    HRESULT Save(_In_ IHttpContext* pHttpContext, _In_ PCSTR pszKey);
    PVOID   Lookup(_In_ PCSTR pszKey) const;

private:
    static CModuleStateStore*   s_pInstance;
    PVOID                       m_pvPending;
    DWORD                       m_cbPending;
};

inline VOID
ResetStateEntry(
    _Inout_ MODULE_STATE_ENTRY* pEntry
    )
{
    pEntry->pszKey = NULL;
    pEntry->pvValue = NULL;
    pEntry->cbValue = 0;
}
