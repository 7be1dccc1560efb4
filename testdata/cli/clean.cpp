// A correct module: the content is copied, never the pointer.
#include <httpserv.h>
#include <string.h>

static char g_szLast[64];

REQUEST_NOTIFICATION_STATUS
CLogModule::OnEndRequest(_In_ IHttpContext* pHttpContext, _In_ IHttpEventProvider* pProvider)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(64);
    if (psz != NULL)
    {
        strcpy_s(g_szLast, sizeof(g_szLast), psz);
    }
    return RQ_NOTIFICATION_CONTINUE;
}
