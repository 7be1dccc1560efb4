// stats.cpp - HeaderStamp: process-wide statistics, dumped when the module unloads.
#include "module.h"

PCSTR         CStampStats::s_pszLastUrl = NULL;
SRWLOCK       CStampStats::s_Lock = SRWLOCK_INIT;
volatile LONG CStampStats::s_cRequests = 0;
volatile LONG CStampStats::s_cStamped = 0;

// Text of the last stamp sent. The characters are copied in, so this is safe.
static CHAR g_szLastStamp[256] = "";

// User agent of the first request this process served, in its own heap block.
static PSTR g_pszFirstAgent = NULL;

VOID
CStampStats::RecordRequest(
    _In_ IHttpContext* pHttpContext)
{
    HTTP_REQUEST* pRawRequest = pHttpContext->GetRequest()->GetRawHttpRequest();
    PSTR          pszUrl = NULL;
    PSTR          pszPath = NULL;
    PSTR          pszQuery = NULL;
    PCSTR         pszSource = NULL;
    PSTR          pszAgent = NULL;
    PCSTR         pszHeader = NULL;
    USHORT        cchHeader = 0;
    DWORD         cbAgent = 0;

    InterlockedIncrement(&s_cRequests);

    // Copy the raw URL so the query string (which may hold secrets) can be cut off.
    pszUrl = static_cast<PSTR>(
        pHttpContext->AllocateRequestMemory(pRawRequest->RawUrlLength + 1));
    if (pszUrl == NULL)
    {
        return;
    }
    CopyMemory(pszUrl, pRawRequest->pRawUrl, pRawRequest->RawUrlLength);
    pszUrl[pRawRequest->RawUrlLength] = '\0';
    pszQuery = strchr(pszUrl, '?');
    if (pszQuery != NULL)
    {
        *pszQuery = '\0';
    }

    pszPath = pszUrl;
    if (pszPath[0] != '\0')
    {
        AcquireSRWLockExclusive(&s_Lock);
        // BUG: the lock does not help; this points into request memory that is freed when the request ends.
        s_pszLastUrl = (pszPath[0] == '/') ? pszPath + 1 : pszPath;
        ReleaseSRWLockExclusive(&s_Lock);
    }

    if (g_pszFirstAgent != NULL)
    {
        return;
    }
    pszHeader = pHttpContext->GetRequest()->GetHeader(HttpHeaderUserAgent, &cchHeader);
    if (pszHeader == NULL || cchHeader == 0)
    {
        return;
    }

    // Lower-case a request copy first; the stored one gets its own heap block.
    cbAgent = cchHeader + 1;
    pszAgent = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(cbAgent));
    if (pszAgent == NULL)
    {
        return;
    }
    StringCbCopyNA(pszAgent, cbAgent, pszHeader, cchHeader);
    _strlwr_s(pszAgent, cbAgent);

    pszSource = pszAgent;
    pszAgent = new char[cbAgent];
    StringCbCopyA(pszAgent, cbAgent, pszSource);

    AcquireSRWLockExclusive(&s_Lock);
    if (g_pszFirstAgent == NULL)
    {
        g_pszFirstAgent = pszAgent;
        pszAgent = NULL;
    }
    ReleaseSRWLockExclusive(&s_Lock);
    delete[] pszAgent;
}

VOID
CStampStats::RecordStamp(
    _In_ PCSTR pszStamp)
{
    InterlockedIncrement(&s_cStamped);

    AcquireSRWLockExclusive(&s_Lock);
    strcpy_s(g_szLastStamp, sizeof(g_szLastStamp), pszStamp);
    ReleaseSRWLockExclusive(&s_Lock);
}

VOID
CStampStats::Dump()
{
    CHAR szLine[512];

    AcquireSRWLockShared(&s_Lock);
    if (SUCCEEDED(StringCbPrintfA(szLine, sizeof(szLine),
                                  "HeaderStamp: %ld requests, %ld stamped, last url '%s', "
                                  "last stamp '%s', first agent '%s'\n",
                                  s_cRequests, s_cStamped,
                                  s_pszLastUrl != NULL ? s_pszLastUrl : "",
                                  g_szLastStamp,
                                  g_pszFirstAgent != NULL ? g_pszFirstAgent : "")))
    {
        OutputDebugStringA(szLine);
    }
    ReleaseSRWLockShared(&s_Lock);
}
