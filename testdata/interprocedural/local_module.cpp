//
// local_module.cpp : self-contained request-stamping module.
//
// Every helper and class this module uses is defined in this file.
//

#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>

#include <new>
#include <stdlib.h>
#include <string.h>

//
// Process-wide state.
//

PCSTR           g_pszLocalHost          = NULL;
PCSTR           g_pszLocalReferer       = NULL;
const void*     g_pvLocalStamp          = NULL;
const void*     g_pvLocalDefault        = NULL;
PCSTR           g_pszLocalMethod        = NULL;
char*           g_pszLocalCopy          = NULL;
PCSTR           g_pszLocalRemembered    = NULL;
PCSTR           g_pszLocalStartup       = NULL;
PCSTR           g_pszLocalUrl           = NULL;
PCSTR           g_pszLocalCookie        = NULL;
char*           g_pszLocalHeapAgent     = NULL;
char            g_szLocalLastHost[128]  = { 0 };

static const char g_szLocalDefaultPage[] = "default.aspx";

//
// Deferred work that remembers the request it was created for.
//
class CLocalJob
{
public:
    CLocalJob(
        _In_ IHttpContext*      pHttpContext
        ) : m_pHttpContext(pHttpContext),
            m_cAttempts(0)
    {
    }

    BOOL
    IsForRequest(
        _In_opt_ IHttpContext*  pHttpContext
        ) const
    {
        return m_pHttpContext == pHttpContext;
    }

private:
    IHttpContext*   m_pHttpContext;
    DWORD           m_cAttempts;
};

CLocalJob*      g_pLocalJob = NULL;

//
// Heap-allocated once; g_pLocalRegistry points at it.
//
class CLocalRegistry
{
public:
    CLocalRegistry()
        : m_pCurrent(NULL)
    {
    }

    VOID
    SetCurrent(
        _In_ IHttpContext*      pHttpContext
        )
    {
        m_pCurrent = pHttpContext;
        //~^ request-scope-escape-long-lived
    }

    BOOL
    HasCurrent(
        VOID
        ) const
    {
        return m_pCurrent != NULL;
    }

private:
    IHttpContext*   m_pCurrent;
};

CLocalRegistry* g_pLocalRegistry = NULL;

//
// A global object, not a pointer.
//
class CLocalStats
{
public:
    CLocalStats()
        : m_pLastContext(NULL),
          m_cRequests(0)
    {
    }

    VOID
    Record(
        _In_ IHttpContext*      pHttpContext
        )
    {
        m_pLastContext = pHttpContext;
        //~^ request-scope-escape-static
        m_cRequests++;
    }

private:
    IHttpContext*   m_pLastContext;
    LONG            m_cRequests;
};

CLocalStats     g_localStats;

class CLocalModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnAuthorizeRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnMapRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IMapHandlerProvider* pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnAcquireRequestState(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnPreExecuteRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnReleaseRequestState(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

    REQUEST_NOTIFICATION_STATUS
    OnLogRequest(
        IN IHttpContext*        pHttpContext,
        IN IHttpEventProvider*  pProvider
        );

private:
    VOID
    SaveLastUrl(
        _In_opt_ PCSTR          pszUrl
        );

    VOID
    SaveLastCookie(
        _In_opt_ PCSTR          pszCookie
        );
};

//
// Helpers returning request-scoped values.
//

static char*
LocalDupHeader(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszValue,
    _In_ USHORT             cchValue
    )
{
    char*   pszCopy = NULL;
    DWORD   cbCopy = static_cast<DWORD>(cchValue) + 1;

    pszCopy = static_cast<char*>(pHttpContext->AllocateRequestMemory(cbCopy));
    if (pszCopy == NULL)
    {
        return NULL;
    }

    memcpy(pszCopy, pszValue, cchValue);
    pszCopy[cchValue] = '\0';
    return pszCopy;
}

static PCSTR
LocalGetReferer(
    _In_ IHttpRequest*      pHttpRequest
    )
{
    USHORT  cchReferer = 0;
    PCSTR   pszReferer = pHttpRequest->GetHeader(HttpHeaderReferer, &cchReferer);

    if (cchReferer == 0)
    {
        return NULL;
    }

    return pszReferer;
}

static const void*
LocalEcho(
    _In_opt_ const void*    pvValue
    )
{
    return pvValue;
}

static HRESULT
LocalGetServerVariable(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszName,
    OUT  PCSTR*             ppszValue
    )
{
    DWORD cchValue = 0;

    return pHttpContext->GetServerVariable(pszName, ppszValue, &cchValue);
}

static HRESULT
LocalCopyOut(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszSource,
    OUT  char*&             rpszCopy
    )
{
    size_t cchSource = strlen(pszSource) + 1;

    rpszCopy = static_cast<char*>(pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cchSource)));
    if (rpszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    strcpy_s(rpszCopy, cchSource, pszSource);
    return S_OK;
}

//
// Helpers that keep, copy, inspect or free what they are given.
//

static VOID
LocalRemember(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszLocalRemembered = pszValue;
    //~^ request-scope-escape-static
}

static VOID
LocalRememberStartup(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszLocalStartup = pszValue;
}

static VOID
LocalCopyToBuffer(
    _In_ PCSTR              pszValue,
    _In_ USHORT             cchValue
    )
{
    if (cchValue >= sizeof(g_szLocalLastHost))
    {
        return;
    }

    strcpy_s(g_szLocalLastHost, sizeof(g_szLocalLastHost), pszValue);
}

static char*
LocalDupHeap(
    _In_ PCSTR              pszValue
    )
{
    size_t  cchValue = strlen(pszValue) + 1;
    char*   pszCopy = new (std::nothrow) char[cchValue];

    if (pszCopy == NULL)
    {
        return NULL;
    }

    strcpy_s(pszCopy, cchValue, pszValue);
    return pszCopy;
}

static DWORD
LocalCountSeparators(
    _In_opt_ PCSTR          pszValue
    )
{
    DWORD cSeparators = 0;

    for (PCSTR pszCursor = pszValue; pszCursor != NULL && *pszCursor != '\0'; pszCursor++)
    {
        if (*pszCursor == ';')
        {
            cSeparators++;
        }
    }

    return cSeparators;
}

static BOOL
LocalHoldInLocal(
    _In_opt_ PCSTR          pszValue
    )
{
    PCSTR pszHeld = pszValue;

    return pszHeld != NULL && pszHeld[0] == '/';
}

static VOID
LocalRelease(
    _In_opt_ VOID*          pvBuffer
    )
{
    free(pvBuffer);
    //~^ request-memory-freed
}

static VOID
LocalReleaseHeap(
    _In_opt_ VOID*          pvBuffer
    )
{
    free(pvBuffer);
}

//
// Completion and worker hand-off.
//

static VOID
LocalComplete(
    _In_ IHttpContext*      pHttpContext
    )
{
    pHttpContext->PostCompletion(0);
}

static DWORD WINAPI
LocalAuditWorker(
    _In_ LPVOID             pvContext
    )
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);

    if (pHttpContext->GetRequest()->GetRemainingEntityBytes() > 0)
    {
        OutputDebugStringA("local-module: request still has a body\n");
    }

    return 0;
}

static VOID
LocalQueueAudit(
    _In_ IHttpContext*      pHttpContext
    )
{
    QueueUserWorkItem(LocalAuditWorker, pHttpContext, WT_EXECUTEDEFAULT);
    //~^ request-scope-escape-thread
}

static DWORD WINAPI
LocalBodyWorker(
    _In_ LPVOID             pvContext
    )
{
    IHttpContext*   pHttpContext = static_cast<IHttpContext*>(pvContext);
    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    HRESULT         hr = S_OK;

    hr = pResponse->SetStatus(200, "OK");
    if (FAILED(hr))
    {
        OutputDebugStringA("local-module: SetStatus failed\n");
    }

    LocalComplete(pHttpContext);
    return 0;
}

static VOID
LocalQueueBodyRead(
    _In_ IHttpContext*      pHttpContext
    )
{
    QueueUserWorkItem(LocalBodyWorker, pHttpContext, WT_EXECUTELONGFUNCTION);
}

VOID CALLBACK
LocalOnDeadline(
    _In_ PVOID              pvContext,
    _In_ BOOLEAN            fTimerOrWaitFired
    )
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);

    UNREFERENCED_PARAMETER(fTimerOrWaitFired);

    LocalComplete(pHttpContext);
    pHttpContext->SetRequestHandled();
    //~^ use-after-completion
}

VOID CALLBACK
LocalOnGraceExpired(
    _In_ PVOID              pvContext,
    _In_ BOOLEAN            fTimerOrWaitFired
    )
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);

    UNREFERENCED_PARAMETER(fTimerOrWaitFired);

    pHttpContext->SetRequestHandled();
    LocalComplete(pHttpContext);
}

//
// Module methods called from the notifications below.
//

VOID
CLocalModule::SaveLastUrl(
    _In_opt_ PCSTR          pszUrl
    )
{
    g_pszLocalUrl = pszUrl;
    //~^ request-scope-escape-static
}

VOID
CLocalModule::SaveLastCookie(
    _In_opt_ PCSTR          pszCookie
    )
{
    g_pszLocalCookie = pszCookie;
    //~^ request-scope-escape-static
}

//
// Notifications.
//

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    IHttpRequest*   pRequest = NULL;
    PCSTR           pszHost = NULL;
    USHORT          cchHost = 0;

    UNREFERENCED_PARAMETER(pProvider);

    pRequest = pHttpContext->GetRequest();

    pszHost = pRequest->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost == NULL || cchHost == 0)
    {
        goto Finished;
    }

    LocalCopyToBuffer(pszHost, cchHost);

    g_pszLocalHost = LocalDupHeader(pHttpContext, pszHost, cchHost);
    //~^ request-scope-escape-static

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnAuthorizeRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    HTTP_REQUEST*   pRawRequest = NULL;
    PCSTR           pszReferer = NULL;
    VOID*           pvStamp = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    pszReferer = LocalGetReferer(pRequest);
    if (pszReferer != NULL)
    {
        g_pszLocalReferer = pszReferer;
        //~^ request-scope-escape-static
    }

    pRawRequest = pRequest->GetRawHttpRequest();
    LocalRemember(pRawRequest->pRawUrl);

    g_pvLocalDefault = LocalEcho(g_szLocalDefaultPage);

    pvStamp = pHttpContext->AllocateRequestMemory(sizeof(FILETIME));
    if (pvStamp == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    GetSystemTimeAsFileTime(static_cast<FILETIME*>(pvStamp));

    g_pvLocalStamp = LocalEcho(pvStamp);
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnMapRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IMapHandlerProvider* pProvider
    )
{
    HRESULT hr = S_OK;
    PCSTR   pszMethod = NULL;
    PCSTR   pszPath = NULL;
    char*   pszCopy = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    hr = LocalGetServerVariable(pHttpContext, "REQUEST_METHOD", &pszMethod);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pszLocalMethod = pszMethod;
    //~^ request-scope-escape-static

    hr = LocalGetServerVariable(pHttpContext, "PATH_INFO", &pszPath);
    if (FAILED(hr) || !LocalHoldInLocal(pszPath))
    {
        goto Finished;
    }

    hr = LocalCopyOut(pHttpContext, pszPath, pszCopy);
    if (FAILED(hr))
    {
        goto Finished;
    }

    LocalRemember(pszCopy);

    g_pszLocalCopy = pszCopy;
    //~^ request-scope-escape-static

    SaveLastUrl(pszPath);

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnAcquireRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    CLocalJob       job(pHttpContext);
    CLocalRegistry  registry;
    CLocalStats     perRequest;

    UNREFERENCED_PARAMETER(pProvider);

    if (job.IsForRequest(pHttpContext) && !registry.HasCurrent())
    {
        registry.SetCurrent(pHttpContext);
    }

    perRequest.Record(pHttpContext);

    if (g_pLocalJob == NULL)
    {
        g_pLocalJob = new CLocalJob(pHttpContext);
        //~^ request-scope-escape-long-lived
    }

    if (g_pLocalRegistry != NULL)
    {
        g_pLocalRegistry->SetCurrent(pHttpContext);
    }

    g_localStats.Record(pHttpContext);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnPreExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT         hr = S_OK;
    IHttpResponse*  pResponse = pHttpContext->GetResponse();
    PCSTR           pszAgent = NULL;
    USHORT          cchAgent = 0;
    char*           pszStamp = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    pszAgent = pHttpContext->GetRequest()->GetHeader(HttpHeaderUserAgent, &cchAgent);
    if (pszAgent == NULL || cchAgent == 0)
    {
        goto Finished;
    }

    //
    // Request copy used only for this response.
    //
    pszStamp = LocalDupHeader(pHttpContext, pszAgent, cchAgent);
    if (pszStamp == NULL)
    {
        goto Finished;
    }

    hr = pResponse->SetHeader("X-Seen-Agent", pszStamp, cchAgent, TRUE);
    if (FAILED(hr))
    {
        goto Finished;
    }

    //
    // Heap copy kept for the life of the process.
    //
    if (g_pszLocalHeapAgent == NULL)
    {
        g_pszLocalHeapAgent = LocalDupHeap(pszAgent);
    }

Finished:
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnExecuteRequestHandler(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    IHttpRequest* pRequest = pHttpContext->GetRequest();

    UNREFERENCED_PARAMETER(pProvider);

    if (pRequest->GetRemainingEntityBytes() == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    LocalQueueBodyRead(pHttpContext);
    return RQ_NOTIFICATION_PENDING;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnReleaseRequestState(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    VOID*   pvSession = NULL;
    VOID*   pvHeapSession = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    pvHeapSession = malloc(64);
    if (pvHeapSession != NULL)
    {
        SecureZeroMemory(pvHeapSession, 64);
        LocalReleaseHeap(pvHeapSession);
    }

    pvSession = pHttpContext->AllocateRequestMemory(64);
    if (pvSession == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    SecureZeroMemory(pvSession, 64);
    LocalRelease(pvSession);

    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CLocalModule::OnLogRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    PCSTR   pszCookie = NULL;
    USHORT  cchCookie = 0;

    UNREFERENCED_PARAMETER(pProvider);

    pszCookie = pHttpContext->GetRequest()->GetHeader(HttpHeaderCookie, &cchCookie);
    if (pszCookie != NULL && LocalCountSeparators(pszCookie) < 16)
    {
        this->SaveLastCookie(pszCookie);
    }

    LocalQueueAudit(pHttpContext);
    return RQ_NOTIFICATION_CONTINUE;
}

//
// One-time set-up, called by the host glue before the first request.
//
HRESULT
LocalInitialize(
    VOID
    )
{
    char* pszStartup = NULL;

    g_pLocalRegistry = new (std::nothrow) CLocalRegistry();
    if (g_pLocalRegistry == NULL)
    {
        return E_OUTOFMEMORY;
    }

    LocalRememberStartup(g_szLocalDefaultPage);

    pszStartup = static_cast<char*>(malloc(32));
    if (pszStartup == NULL)
    {
        return E_OUTOFMEMORY;
    }

    strcpy_s(pszStartup, 32, "local-module");
    LocalRememberStartup(pszStartup);
    return S_OK;
}
