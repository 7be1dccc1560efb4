// The only file of this project that names the IIS API. The pre-filter parses it first, then
// every file it reaches: the header it includes, the files that define what it calls, and the
// files that call what it hands out. Each of those has a finding or a summary that matters.

#include <httpserv.h>
#include "plain.h"

void KeepLast(const char* pszValue);
void KeepCopy(const char* pszValue);

class CAuditModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(IHttpContext* pHttpContext, IHttpEventProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pProvider);
        char* pszCopy = static_cast<char*>(pHttpContext->AllocateRequestMemory(64));
        if (pszCopy == NULL)
        {
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        pszCopy[0] = '\0';

        // Defined in keeper.cpp, which nothing includes.
        KeepLast(pszCopy);

        // Declared in plain.h.
        g_pszShared = pszCopy;
        //~^ request-scope-escape-static

        // Declared in plain.h, defined out of line in stash.cpp.
        Stash::Put(pszCopy);

        // Defined in keeper.cpp too, but copies: silent.
        KeepCopy(pszCopy);
        return RQ_NOTIFICATION_CONTINUE;
    }
};

// Hands request memory to whoever calls it: audit.cpp does.
char* DupForAudit(void* pvContext)
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);
    char* p = static_cast<char*>(pHttpContext->AllocateRequestMemory(16));
    if (p != NULL)
    {
        p[0] = '\0';
    }
    return p;
}
