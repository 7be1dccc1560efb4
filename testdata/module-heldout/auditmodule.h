//
// auditmodule.h - class and helper declarations for ReqAudit.
//
#pragma once

#include "precomp.h"

typedef struct _AUDIT_CONFIG
{
    BOOL    fEnabled;
    BOOL    fAsyncAuthorize;
    BOOL    fScanBody;
    BOOL    fMirrorRequests;
    BOOL    fNotifyOnServerError;
    BOOL    fHoldForNotify;
    BOOL    fResolveClients;
    BOOL    fTraceRequests;
    BOOL    fInjectPreamble;
    DWORD   dwMaxRequestsPerSecond;
    CHAR    szDenyPrefix[256];
} AUDIT_CONFIG;

typedef struct _AUDIT_STATS
{
    volatile LONG   cRequests;
    volatile LONG   cBlocked;
    volatile LONG   cErrors;
    volatile LONG   cBodyScans;
    IHttpUser*      pLastUser;
    CHAR            szLastHost[256];
    WCHAR           wszLastUser[256];
} AUDIT_STATS;

// Self-contained copy of a request for the log writer, which deletes it.
typedef struct _AUDIT_RECORD
{
    CHAR        szUrl[AUDIT_MAX_URL];
    CHAR        szVerb[16];
    USHORT      usStatus;
    ULONGLONG   ullTicks;
} AUDIT_RECORD;

// 5xx webhook work item (request memory).
typedef struct _NOTIFY_ITEM
{
    IHttpContext*   pHttpContext;
    USHORT          usStatus;
    BOOL            fHeld;
    CHAR            szUrl[AUDIT_MAX_URL];
} NOTIFY_ITEM;

extern IHttpServer*         g_pHttpServer;
extern HTTP_MODULE_ID       g_pModuleId;
extern AUDIT_CONFIG         g_Config;
extern AUDIT_STATS*         g_pStats;
extern IHttpApplication*    g_pLastApplication;

// Attached to the request's module context container.
class CRequestState : public IHttpStoredContext
{
public:
    CRequestState();
    virtual ~CRequestState() {}
    virtual VOID CleanupStoredContext() { delete this; }

    static HRESULT GetOrCreate(_In_ IHttpContext* pHttpContext, _Out_ CRequestState** ppState);
    HRESULT AddCapturedHeader(_In_z_ PCSTR pszValue);
    HRESULT LoadSessionId(_In_ IHttpContext* pHttpContext);

    IHttpContext*   m_pHttpContext;
    IHttpRequest*   m_pRequest;
    PCSTR           m_pszUrl;
    PCSTR           m_rgpszCaptured[AUDIT_MAX_HEADERS];
    DWORD           m_cCaptured;
    DWORD           m_dwSequence;
    DWORD           m_dwSessionId;
    ULONGLONG       m_ullStartTicks;
    BOOL            m_fTimingSent;
};

// Attached to the connection's module context container (keep-alive).
class CConnectionState : public IHttpStoredContext
{
public:
    CConnectionState();
    virtual ~CConnectionState() {}
    virtual VOID CleanupStoredContext() { delete this; }

    static HRESULT GetOrCreate(_In_ IHttpContext* pHttpContext, _Out_ CConnectionState** ppState);
    HRESULT RecordClient(_In_ IHttpContext* pHttpContext);

    volatile LONG   m_cRequests;
    CHAR            m_szClient[AUDIT_MAX_CLIENT];
    CHAR            m_szFirstUrl[AUDIT_MAX_URL];
    PCSTR           m_pszLastUrl;
    ULONGLONG       m_ullFirstSeen;
};

class CAuditModuleFactory;

class CAuditModule : public CHttpModule
{
public:
    CAuditModule(_In_ CAuditModuleFactory* pFactory)
        : m_pFactory(pFactory), m_pHttpContext(NULL), m_pState(NULL) {}

    REQUEST_NOTIFICATION_STATUS OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnSendResponse(IN IHttpContext* pHttpContext, IN ISendResponseProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnLogRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    REQUEST_NOTIFICATION_STATUS OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);
    VOID Dispose() { delete this; }

private:
    HRESULT CaptureUnknownHeaders(_In_ IHttpContext* pHttpContext);
    BOOL IsDenied(_In_opt_z_ PCSTR pszUrl);

    CAuditModuleFactory*    m_pFactory;
    IHttpContext*           m_pHttpContext;
    CRequestState*          m_pState;

    static PCSTR            s_pszLastUrl;
};

class CAuditModuleFactory : public IHttpModuleFactory
{
public:
    CAuditModuleFactory(_In_ IHttpServer* pServer);
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator);
    VOID Terminate();
    VOID RecordRequest(_In_ IHttpRequest* pRequest);

private:
    ~CAuditModuleFactory() {}

    IHttpServer*    m_pServer;
    volatile LONG   m_cModules;
    volatile LONG   m_cRecorded;
    IHttpRequest*   m_pLastRequest;
    CHAR            m_szLastUrl[AUDIT_MAX_URL];
};

class CAuditGlobalModule : public CGlobalModule
{
public:
    CAuditGlobalModule(_In_ IHttpServer* pServer);
    GLOBAL_NOTIFICATION_STATUS OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider);
    GLOBAL_NOTIFICATION_STATUS OnGlobalConfigurationChange(IN IGlobalConfigurationChangeProvider* pProvider);
    VOID Terminate() { delete this; }
    HRESULT ReloadConfiguration();

private:
    ~CAuditGlobalModule();
    BOOL IsRateLimited();

    IHttpServer*        m_pServer;
    IHttpContext*       m_pLastContext;
    CRITICAL_SECTION    m_csRate;
    CHAR                m_szLastBlocked[AUDIT_MAX_CLIENT];
    DWORD               m_dwWindowStart;
    LONG                m_cInWindow;
};

// factory.cpp
VOID LoadDefaultConfig(_Out_ AUDIT_CONFIG* pConfig);

// httpio.cpp
HRESULT WriteStatusPage(_In_ IHttpContext* pHttpContext);
HRESULT WriteBlockPage(_In_ IHttpContext* pHttpContext, _In_ USHORT usStatus, _In_z_ PCSTR pszReason);
HRESULT AppendAuditFooter(_In_ IHttpContext* pHttpContext);
HRESULT InjectAuditPreamble(_In_ IHttpContext* pHttpContext, _In_ DWORD dwSequence);
HRESULT DumpUnknownHeaders(_In_ IHttpContext* pHttpContext);
HRESULT DrainRequestBody(_In_ IHttpContext* pHttpContext);
HRESULT ReadRequestBody(_In_ IHttpContext* pHttpContext, _Out_ BYTE** ppbBody, _Out_ DWORD* pcbBody);
HRESULT MirrorRequest(_In_ IHttpContext* pHttpContext, _Out_ USHORT* pusStatus);

// worker.cpp
DWORD WINAPI AuthorizeWorkItem(_In_ LPVOID pvContext);
DWORD WINAPI AuditThreadProc(_In_ LPVOID pvContext);
DWORD WINAPI WriteAuditRecordWorkItem(_In_ LPVOID pvRecord);
DWORD WINAPI ReloadConfigWorkItem(_In_ LPVOID pvModule);
DWORD WINAPI BlockListWorkItem(_In_ LPVOID pvKey);
VOID CALLBACK BodyScanCallback(_Inout_ PTP_CALLBACK_INSTANCE pInstance, _Inout_opt_ PVOID pvContext, _Inout_ PTP_WORK pWork);
VOID CALLBACK NotifyCallback(_Inout_ PTP_CALLBACK_INSTANCE pInstance, _Inout_opt_ PVOID pvItem);
VOID TraceRequestLine(_In_ IHttpRequest* pRequest);
VOID ReportSlowRequest(_In_z_ PCSTR pszUrl, _In_ ULONGLONG ullElapsed);
