// Fixture for request-scope-escape-static: a complete, correct module.
//
// Request memory is kept in locals and in instance members of the
// CHttpModule subclass, and handed to IIS APIs. Process-wide state holds
// only the IHttpServer pointer, the module id and counters. Nothing in this
// file may be reported.
//
// Style: minimal stand-ins for the SDK types are declared below.

typedef unsigned long   DWORD;
typedef long            HRESULT;
typedef long            LONG;
typedef int             BOOL;
typedef unsigned short  USHORT;
typedef char*           PSTR;
typedef const char*     PCSTR;
typedef void*           PVOID;
typedef PVOID           HTTP_MODULE_ID;

#define NULL                0
#define TRUE                1
#define FALSE               0
#define S_OK                ((HRESULT)0L)
#define E_OUTOFMEMORY       ((HRESULT)0x8007000EL)
#define FAILED(hr)          (((HRESULT)(hr)) < 0)
#define UNREFERENCED_PARAMETER(P) (P)
#define RQ_BEGIN_REQUEST    0x00000001
#define RQ_SEND_RESPONSE    0x20000000

enum HTTP_DATA_CHUNK_TYPE { HttpDataChunkFromMemory };

struct HTTP_DATA_CHUNK
{
    HTTP_DATA_CHUNK_TYPE DataChunkType;
    struct
    {
        PVOID pBuffer;
        DWORD BufferLength;
    } FromMemory;
};

enum REQUEST_NOTIFICATION_STATUS
{
    RQ_NOTIFICATION_CONTINUE,
    RQ_NOTIFICATION_PENDING,
    RQ_NOTIFICATION_FINISH_REQUEST
};

class IHttpResponse
{
public:
    virtual HRESULT SetHeader(PCSTR pszHeaderName, PCSTR pszHeaderValue, USHORT cchHeaderValue, BOOL fReplace) = 0;
    virtual HRESULT WriteEntityChunks(HTTP_DATA_CHUNK* pDataChunks, DWORD nChunks, BOOL fAsync, BOOL fMoreData, DWORD* pcbSent) = 0;
};

class IHttpRequest
{
public:
    virtual PCSTR GetHeader(PCSTR pszHeaderName, USHORT* pcchHeaderValue) = 0;
};

class IHttpConnection
{
public:
    virtual PVOID AllocateMemory(DWORD cbAllocation) = 0;
};

class IHttpContext
{
public:
    virtual PVOID AllocateRequestMemory(DWORD cbAllocation) = 0;
    virtual IHttpResponse* GetResponse() = 0;
    virtual IHttpRequest* GetRequest() = 0;
    virtual IHttpConnection* GetConnection() = 0;
};

class IHttpEventProvider
{
public:
    virtual void SetErrorStatus(HRESULT hrError) = 0;
};

class ISendResponseProvider : public IHttpEventProvider
{
public:
    virtual DWORD GetFlags() = 0;
};

class IModuleAllocator
{
public:
    virtual PVOID AllocateMemory(DWORD cbAllocation) = 0;
};

class IHttpServer
{
public:
    virtual BOOL IsCommandLineLaunch() const = 0;
};

class CHttpModule
{
public:
    virtual REQUEST_NOTIFICATION_STATUS OnBeginRequest(IHttpContext*, IHttpEventProvider*) { return RQ_NOTIFICATION_CONTINUE; }
    virtual REQUEST_NOTIFICATION_STATUS OnSendResponse(IHttpContext*, ISendResponseProvider*) { return RQ_NOTIFICATION_CONTINUE; }
    virtual void Dispose() { delete this; }
protected:
    virtual ~CHttpModule() {}
};

class IHttpModuleFactory
{
public:
    virtual HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator) = 0;
    virtual void Terminate() = 0;
};

class IHttpModuleRegistrationInfo
{
public:
    virtual HTTP_MODULE_ID GetId() const = 0;
    virtual HRESULT SetRequestNotifications(IHttpModuleFactory* pFactory, DWORD dwRequestNotifications, DWORD dwPostRequestNotifications) = 0;
};

inline void* operator new(unsigned long, void* pv) { return pv; }
extern "C" LONG InterlockedIncrement(LONG volatile* Addend);
extern "C" LONG InterlockedDecrement(LONG volatile* Addend);
int sprintf_s(char* buffer, DWORD cch, const char* format, ...);
unsigned long strlen(const char* psz);

//
// Process-wide state: nothing request-scoped lives here.
//

IHttpServer*        g_pHttpServer = NULL;
HTTP_MODULE_ID      g_pModuleContext = NULL;
LONG volatile       g_cActiveRequests = 0;
LONG volatile       g_cTotalRequests = 0;
char*               g_pszScratch = NULL;            // shadowed by a member below
static const char   s_szHeaderName[] = "X-Request-Sequence";

static HRESULT
FormatSequence(
    IN  PSTR    pszBuffer,
    IN  DWORD   cchBuffer,
    IN  LONG    lSequence,
    OUT DWORD*  pcchWritten
    )
{
    int cch = sprintf_s(pszBuffer, cchBuffer, "%ld", lSequence);
    if (cch < 0)
    {
        return E_OUTOFMEMORY;
    }
    *pcchWritten = (DWORD)cch;
    return S_OK;
}

class CSequenceModule : public CHttpModule
{
public:
    CSequenceModule()
        : m_pszSequence(NULL), m_cchSequence(0), m_pvConnectionState(NULL), g_pszScratch(NULL)
    {
        InterlockedIncrement(&g_cActiveRequests);
    }

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(IN IHttpContext* pHttpContext, IN ISendResponseProvider* pProvider);

    void Dispose()
    {
        InterlockedDecrement(&g_cActiveRequests);
        this->~CSequenceModule();                   // memory belongs to the module allocator
    }

private:
    PSTR    m_pszSequence;                          // request memory, per module instance
    DWORD   m_cchSequence;
    PVOID   m_pvConnectionState;
    char*   g_pszScratch;                           // a member, despite the g_ prefix
};

REQUEST_NOTIFICATION_STATUS
CSequenceModule::OnBeginRequest(
    IN IHttpContext*        pHttpContext,
    IN IHttpEventProvider*  pProvider
    )
{
    HRESULT hr = S_OK;
    LONG    lSequence = InterlockedIncrement(&g_cTotalRequests);
    PSTR    pszSequence = NULL;
    DWORD   cchSequence = 0;

    pszSequence = (PSTR)pHttpContext->AllocateRequestMemory(32);
    if (pszSequence == NULL)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    hr = FormatSequence(pszSequence, 32, lSequence, &cchSequence);
    if (FAILED(hr))
    {
        goto Finished;
    }

    m_pszSequence = pszSequence;                    // instance member
    m_cchSequence = cchSequence;
    g_pszScratch = pszSequence;                     // the member g_pszScratch, not ::g_pszScratch
    this->m_pvConnectionState = pHttpContext->GetConnection()->AllocateMemory(16);

    hr = pHttpContext->GetResponse()->SetHeader(s_szHeaderName,
                                                pszSequence,
                                                (USHORT)cchSequence,
                                                TRUE);

Finished:

    if (FAILED(hr))
    {
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CSequenceModule::OnSendResponse(
    IN IHttpContext*            pHttpContext,
    IN ISendResponseProvider*   pProvider
    )
{
    UNREFERENCED_PARAMETER(pProvider);

    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;
    PSTR            pszTrailer = (PSTR)pHttpContext->AllocateRequestMemory(64);

    if (pszTrailer == NULL || m_pszSequence == NULL)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    sprintf_s(pszTrailer, 64, "\r\n<!-- sequence %s -->", m_pszSequence);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszTrailer;          // local chunk handed to IIS
    chunk.FromMemory.BufferLength = (DWORD)strlen(pszTrailer);

    pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);
    return RQ_NOTIFICATION_CONTINUE;
}

class CSequenceModuleFactory : public IHttpModuleFactory
{
public:
    HRESULT
    GetHttpModule(
        OUT CHttpModule**       ppModule,
        IN  IModuleAllocator*   pAllocator
        )
    {
        PVOID pvModule = pAllocator->AllocateMemory(sizeof(CSequenceModule));
        if (pvModule == NULL)
        {
            return E_OUTOFMEMORY;
        }
        *ppModule = new (pvModule) CSequenceModule();   // the caller's storage
        return S_OK;
    }

    void Terminate()
    {
        delete this;
    }
};

HRESULT
__stdcall
RegisterModule(
    DWORD                           dwServerVersion,
    IHttpModuleRegistrationInfo*    pModuleInfo,
    IHttpServer*                    pGlobalInfo
    )
{
    UNREFERENCED_PARAMETER(dwServerVersion);

    g_pHttpServer = pGlobalInfo;                    // why: server object, process lifetime
    g_pModuleContext = pModuleInfo->GetId();        // why: module id, process lifetime
    g_cActiveRequests = 0;

    return pModuleInfo->SetRequestNotifications(new CSequenceModuleFactory(),
                                                RQ_BEGIN_REQUEST | RQ_SEND_RESPONSE,
                                                0);
}
