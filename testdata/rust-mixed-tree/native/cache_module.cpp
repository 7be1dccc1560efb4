// cache_module.cpp - the C++ half of a module written in two languages. It owns the shared
// globals the Rust half declares in an `extern "C"` block.

#include "precomp.h"

extern "C" {
    char* g_pszSharedPath = NULL;
    DWORD g_cbSharedPath = 0;
}

static PCSTR g_pszLastHost = NULL;

class CPathTable
{
public:
    PCSTR GetHeader(DWORD i) const { return m_rgNames[i]; }
private:
    PCSTR m_rgNames[8];
};

static CPathTable g_table;
static PCSTR g_pszFromTable = NULL;

REQUEST_NOTIFICATION_STATUS
CCacheModule::OnBeginRequest(IHttpContext* pHttpContext, IHttpEventProvider* pProvider)
{
    UNREFERENCED_PARAMETER(pProvider);
    USHORT cchHost = 0;
    PCSTR pszHost = pHttpContext->GetRequest()->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    g_pszLastHost = pszHost;
    //~^ request-scope-escape-static
    g_pszFromTable = g_table.GetHeader(0);
    g_cbSharedPath = cchHost;
    return RQ_NOTIFICATION_CONTINUE;
}
