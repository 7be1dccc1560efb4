// Fixture for request-scope-escape-static: static data members.
//
// Static data members live for the whole process, exactly like globals.
// Non-static members of a module instance are per-request and are fine.
//
// Style: minimal stand-ins for the SDK types are declared below.

typedef unsigned long   DWORD;
typedef long            HRESULT;
typedef unsigned short  WCHAR;
typedef char*           PSTR;
typedef const char*     PCSTR;
typedef void*           PVOID;

#ifndef NULL
#define NULL 0
#endif

#define UNREFERENCED_PARAMETER(P) (P)

class IHttpConnection;

class IHttpContext
{
public:
    virtual PVOID AllocateRequestMemory(IN DWORD cbAllocation) = 0;
    virtual IHttpConnection* GetConnection() = 0;
};

class IHttpEventProvider
{
public:
    virtual void SetErrorStatus(HRESULT hrError) = 0;
};

enum REQUEST_NOTIFICATION_STATUS
{
    RQ_NOTIFICATION_CONTINUE,
    RQ_NOTIFICATION_PENDING,
    RQ_NOTIFICATION_FINISH_REQUEST
};

class CHttpModule
{
public:
    virtual REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pHttpContext);
        UNREFERENCED_PARAMETER(pProvider);
        return RQ_NOTIFICATION_CONTINUE;
    }
    virtual void Dispose() { delete this; }
protected:
    virtual ~CHttpModule() {}
};

struct URL_RECORD
{
    PCSTR   pszUrl;
    DWORD   cchUrl;
};

void Consume(PCSTR psz);

//
// A cache class whose private static members are assigned from member functions.
//

class CUrlCache
{
public:
    void Remember(IHttpContext* pHttpContext, DWORD cch);
    void RememberViaThis(IHttpContext* pHttpContext);
    static void RememberStatic(IHttpContext* pHttpContext);

    void RememberInline(IHttpContext* pHttpContext)
    {
        char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
        s_pszLast = psz;
        //~^ request-scope-escape-static
    }

    void KeepInline(IHttpContext* pHttpContext)
    {
        char* psz = (char*)pHttpContext->AllocateRequestMemory(32);
        m_pszMine = psz;                // why: instance member
    }

private:
    static char*    s_pszLast;
    static PVOID    s_rgpvRecent[8];
    static DWORD    s_cHits;
    static DWORD    s_cchLast;
    char*           m_pszMine;
    PVOID           m_rgpvMine[8];
};

char*   CUrlCache::s_pszLast = NULL;
PVOID   CUrlCache::s_rgpvRecent[8] = {};
DWORD   CUrlCache::s_cHits = 0;
DWORD   CUrlCache::s_cchLast = 0;

void CUrlCache::Remember(IHttpContext* pHttpContext, DWORD cch)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cch);

    m_pszMine = psz;                    // why: instance member
    m_rgpvMine[0] = psz;                // why: instance member array
    s_cchLast = cch;                    // why: scalar
    s_cHits++;

    s_pszLast = psz;
    //~^ request-scope-escape-static
    s_rgpvRecent[s_cHits % 8] = psz;
    //~^ request-scope-escape-static
}

void CUrlCache::RememberViaThis(IHttpContext* pHttpContext)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(16);
    this->m_pszMine = psz;              // why: instance member
    this->s_pszLast = psz;              // a static member, even when named through this
    //~^ request-scope-escape-static
}

void CUrlCache::RememberStatic(IHttpContext* pHttpContext)
{
    CUrlCache::s_pszLast = (char*)pHttpContext->AllocateRequestMemory(16);
    //~^ request-scope-escape-static
    CUrlCache::s_cHits = 0;
}

//
// Public static members assigned from free functions.
//

class CStats
{
public:
    static PCSTR        s_pszLastMethod;
    static URL_RECORD   s_lastRecord;
    static DWORD        s_cRequests;
};

PCSTR       CStats::s_pszLastMethod = NULL;
URL_RECORD  CStats::s_lastRecord = { NULL, 0 };
DWORD       CStats::s_cRequests = 0;

void RecordMethod(IHttpContext* pHttpContext)
{
    PSTR pszMethod = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(16));
    CStats::s_cRequests++;
    CStats::s_pszLastMethod = pszMethod;
    //~^ request-scope-escape-static
}

void RecordUrl(IHttpContext* pHttpContext, DWORD cchUrl)
{
    PSTR pszUrl = (PSTR)pHttpContext->AllocateRequestMemory(cchUrl + 1);
    CStats::s_lastRecord.cchUrl = cchUrl;   // why: scalar field
    CStats::s_lastRecord.pszUrl = pszUrl;
    //~^ request-scope-escape-static
}

void ResetStats()
{
    CStats::s_pszLastMethod = NULL;         // why: not request memory
    CStats::s_lastRecord.pszUrl = "";
    CStats::s_cRequests = 0;
}

//
// Two classes with a member of the same name: static in one, not in the other.
//

class CSharedBuffer
{
public:
    void Fill(IHttpContext* pHttpContext);
    static char* m_pBuffer;                 // static despite the m_ prefix
};

char* CSharedBuffer::m_pBuffer = NULL;

class CPerRequestBuffer
{
public:
    void Fill(IHttpContext* pHttpContext);
    char* m_pBuffer;                        // an ordinary instance member
};

void CSharedBuffer::Fill(IHttpContext* pHttpContext)
{
    m_pBuffer = (char*)pHttpContext->AllocateRequestMemory(64);
    //~^ request-scope-escape-static
}

void CPerRequestBuffer::Fill(IHttpContext* pHttpContext)
{
    m_pBuffer = (char*)pHttpContext->AllocateRequestMemory(64);    // why: instance member
}

//
// Static member of a class template.
//

template <typename T>
struct TypedSlot
{
    static T* s_pValue;
    T* m_pValue;
};

template <typename T>
T* TypedSlot<T>::s_pValue = nullptr;

void FillTypedSlot(IHttpContext* pHttpContext)
{
    WCHAR* pwsz = static_cast<WCHAR*>(pHttpContext->AllocateRequestMemory(64 * sizeof(WCHAR)));
    TypedSlot<WCHAR> slot;
    slot.m_pValue = pwsz;                   // why: instance member of a local object
    TypedSlot<WCHAR>::s_pValue = pwsz;
    //~^ request-scope-escape-static
}

//
// A module: request memory in instance members is the intended pattern,
// copying it into a static member is the defect.
//

class CTraceModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);

private:
    char*           m_pszRequestId;
    static char*    s_pszLastRequestId;
    static DWORD    s_cchLastRequestId;
};

char*   CTraceModule::s_pszLastRequestId = NULL;
DWORD   CTraceModule::s_cchLastRequestId = 0;

REQUEST_NOTIFICATION_STATUS
CTraceModule::OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    UNREFERENCED_PARAMETER(pProvider);

    char* pszId = (char*)pHttpContext->AllocateRequestMemory(40);
    if (pszId == NULL)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    m_pszRequestId = pszId;                 // why: instance member
    s_cchLastRequestId = 40;                // why: scalar

    s_pszLastRequestId = pszId;
    //~^ request-scope-escape-static

    return RQ_NOTIFICATION_CONTINUE;
}
