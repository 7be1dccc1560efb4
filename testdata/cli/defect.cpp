// A small module with one defect, used by the CLI tests.
#include <httpserv.h>

static char* g_pszLast = NULL;

REQUEST_NOTIFICATION_STATUS
CLogModule::OnBeginRequest(_In_ IHttpContext* pHttpContext, _In_ IHttpEventProvider* pProvider)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    if (psz == NULL)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    g_pszLast = psz;
    //~^ request-scope-escape-static
    return RQ_NOTIFICATION_CONTINUE;
}
