//
// Response header policy module.  Most of the header values end up coming
// from configuration or from the request itself; several functions still
// carry a scratch allocation from an older version of the code that is
// overwritten before it is ever written to.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define LANGUAGE_CCH        64
#define POLICY_CCH          256
#define LOCATION_CCH        2048
#define CACHE_CONTROL_CCH   64
#define TAG_CCH             40

typedef struct _CACHE_ENTRY
{
    DWORD   dwTick;
    DWORD   cbEntry;
    PCSTR   pszTag;
} CACHE_ENTRY;

//
// Implemented in policy.cpp.
//
PCSTR BuildCacheControl(_In_ IHttpContext * pHttpContext);
CACHE_ENTRY * LookupCacheEntry(_In_ PCSTR pszUrl);

class CHeaderPolicyModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext *           pHttpContext,
        IN ISendResponseProvider *  pProvider
    );

private:
    HRESULT SetContentLanguage(IN IHttpContext * pHttpContext);
    HRESULT SetSecurityPolicy(IN IHttpContext * pHttpContext);
    HRESULT SetLocation(IN IHttpContext * pHttpContext, IN BOOL fPermanent);

    BOOL    m_fStrict;
    PCSTR   m_pszDefaultLocation;
    USHORT  m_cchDefaultLocation;
};

HRESULT
CHeaderPolicyModule::SetContentLanguage(
    IN IHttpContext * pHttpContext
)
{
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PCSTR           pszLanguage = NULL;
    USHORT          cchLanguage = 0;

    pszLanguage = (PCSTR) pHttpContext->AllocateRequestMemory(LANGUAGE_CCH);
//~^ request-memory-dead-alloc
    if (pszLanguage == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pszLanguage = pRequest->GetHeader("Accept-Language", &cchLanguage);
    if (pszLanguage == NULL)
    {
        pszLanguage = "en-US";
        cchLanguage = 5;
    }

    return pResponse->SetHeader("Content-Language", pszLanguage, cchLanguage, TRUE);
}

HRESULT
CHeaderPolicyModule::SetSecurityPolicy(
    IN IHttpContext * pHttpContext
)
{
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PCSTR           pszPolicy = NULL;

    pszPolicy = (PCSTR) pHttpContext->AllocateRequestMemory(POLICY_CCH);
//~^ request-memory-dead-alloc
    if (pszPolicy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    if (m_fStrict)
    {
        pszPolicy = "default-src 'self'";
    }
    else
    {
        pszPolicy = "default-src 'self' 'unsafe-inline'";
    }

    return pResponse->SetHeader("Content-Security-Policy", pszPolicy, (USHORT) strlen(pszPolicy), TRUE);
}

HRESULT
CHeaderPolicyModule::SetLocation(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fPermanent
)
{
    PCSTR pszLocation = NULL;

    if (fPermanent)
    {
        pszLocation = (PCSTR) pHttpContext->AllocateRequestMemory(LOCATION_CCH);
//~^ request-memory-dead-alloc
    }

    pszLocation = m_pszDefaultLocation;

    pHttpContext->GetResponse()->SetStatus(fPermanent ? 301 : 302, "Redirect");
    return pHttpContext->GetResponse()->SetHeader("Location", pszLocation, m_cchDefaultLocation, TRUE);
}

HRESULT
SetCacheControl(
    IN IHttpContext * pHttpContext
)
{
    PCSTR pszCacheControl = (PCSTR) pHttpContext->AllocateRequestMemory(CACHE_CONTROL_CCH);
//~^ request-memory-dead-alloc

    pszCacheControl = BuildCacheControl(pHttpContext);
    if (pszCacheControl == NULL)
    {
        return S_FALSE;
    }

    return pHttpContext->GetResponse()->SetHeader("Cache-Control", pszCacheControl, (USHORT) strlen(pszCacheControl), TRUE);
}

HRESULT
SetEntityTag(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwVersion
)
{
    PSTR pszTag = NULL;

    pszTag = (PSTR) pHttpContext->AllocateRequestMemory(TAG_CCH);
//~^ request-memory-dead-alloc
    pszTag = (PSTR) pHttpContext->AllocateRequestMemory(TAG_CCH + 2);
    if (pszTag == NULL)
    {
        return E_OUTOFMEMORY;
    }

    if (FAILED(StringCchPrintfA(pszTag, TAG_CCH + 2, "\"%lu\"", dwVersion)))
    {
        return E_UNEXPECTED;
    }

    return pHttpContext->GetResponse()->SetHeader("ETag", pszTag, (USHORT) strlen(pszTag), TRUE);
}

HRESULT
SetServerHeader(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fHideVersion
)
{
    auto pszServer = (PCSTR) pHttpContext->AllocateRequestMemory(32);
//~^ request-memory-dead-alloc
    if (!pszServer)
    {
        return E_OUTOFMEMORY;
    }

    pszServer = fHideVersion ? "IIS" : "Microsoft-IIS/10.0";
    return pHttpContext->GetResponse()->SetHeader("Server", pszServer, (USHORT) strlen(pszServer), TRUE);
}

HRESULT
SetReportTo(
    IN IModuleAllocator *   pAllocator,
    IN IHttpResponse *      pResponse
)
{
    PCSTR pszReportTo = (PCSTR) pAllocator->AllocateMemory(POLICY_CCH);
//~^ request-memory-dead-alloc

    pszReportTo = "{\"group\":\"default\",\"max_age\":86400}";
    return pResponse->SetHeader("Report-To", pszReportTo, (USHORT) strlen(pszReportTo), TRUE);
}

HRESULT
SetTimingAllowOrigin(
    IN IHttpContext * pHttpContext
)
{
    CHAR szOrigin[64];
    PSTR pszOrigin = (PSTR) pHttpContext->AllocateRequestMemory(sizeof(szOrigin));
//~^ request-memory-dead-alloc

    // Small enough for the stack after all.
    pszOrigin = szOrigin;
    if (FAILED(StringCchCopyA(pszOrigin, ARRAYSIZE(szOrigin), "*")))
    {
        return E_UNEXPECTED;
    }

    return pHttpContext->GetResponse()->SetHeader("Timing-Allow-Origin", pszOrigin, 1, TRUE);
}

HRESULT
RecordCacheEntry(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszUrl
)
{
    CACHE_ENTRY * pEntry = NULL;

    pEntry = (CACHE_ENTRY *) pHttpContext->AllocateRequestMemory(sizeof(CACHE_ENTRY));
//~^ request-memory-dead-alloc
    if (pEntry == NULL)
    {
        return E_OUTOFMEMORY;
    }

    // Entries are owned by the cache now; look the shared one up instead.
    pEntry = NULL;
    pEntry = LookupCacheEntry(pszUrl);
    if (pEntry == NULL)
    {
        return S_FALSE;
    }

    return pHttpContext->GetResponse()->SetHeader("X-Cache-Tag", pEntry->pszTag, (USHORT) strlen(pEntry->pszTag), TRUE);
}

//
// Near misses: the allocation is used on at least one path before it is
// replaced.
//

HRESULT
SetContentLanguageOrCopy(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fUseDefault
)
{
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PSTR            pszLanguage = NULL;
    USHORT          cchLanguage = 5;

    pszLanguage = (PSTR) pHttpContext->AllocateRequestMemory(LANGUAGE_CCH);
    if (pszLanguage == NULL)
    {
        return E_OUTOFMEMORY;
    }

    if (fUseDefault)
    {
        pszLanguage = (PSTR) "en-US";
    }
    else
    {
        memcpy(pszLanguage, "de-DE", 6);
    }

    return pResponse->SetHeader("Content-Language", pszLanguage, cchLanguage, TRUE);
}

HRESULT
SetCacheControlTwice(
    IN IHttpContext * pHttpContext
)
{
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PCSTR           pszValue = NULL;
    PSTR            pszBuffer = NULL;
    HRESULT         hr = S_OK;

    pszBuffer = (PSTR) pHttpContext->AllocateRequestMemory(CACHE_CONTROL_CCH);
    if (pszBuffer == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA(pszBuffer, CACHE_CONTROL_CCH, "private, max-age=0");
    if (FAILED(hr))
    {
        return hr;
    }

    hr = pResponse->SetHeader("Cache-Control", pszBuffer, (USHORT) strlen(pszBuffer), TRUE);
    if (FAILED(hr))
    {
        return hr;
    }

    // Replaced only after it has been handed to IIS.
    pszValue = BuildCacheControl(pHttpContext);
    pszBuffer = NULL;

    return pszValue != NULL ? pResponse->SetHeader("Pragma", pszValue, (USHORT) strlen(pszValue), TRUE) : S_OK;
}

HRESULT
SetOriginHeader(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cchNeeded
)
{
    CHAR szSmall[64];
    PSTR pszOrigin = szSmall;

    if (cchNeeded > sizeof(szSmall))
    {
        pszOrigin = (PSTR) pHttpContext->AllocateRequestMemory(cchNeeded);
        if (pszOrigin == NULL)
        {
            return E_OUTOFMEMORY;
        }
    }

    if (FAILED(StringCchCopyA(pszOrigin, cchNeeded, "https://contoso.example")))
    {
        return E_UNEXPECTED;
    }

    return pHttpContext->GetResponse()->SetHeader("Access-Control-Allow-Origin", pszOrigin, (USHORT) strlen(pszOrigin), TRUE);
}

HRESULT
SetServerHeaderChecked(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fHideVersion
)
{
    PSTR pszServer = (PSTR) pHttpContext->AllocateRequestMemory(32);

    if (!pszServer)
    {
        return E_OUTOFMEMORY;
    }

    StringCchCopyA(pszServer, 32, fHideVersion ? "IIS" : "Microsoft-IIS/10.0");
    return pHttpContext->GetResponse()->SetHeader("Server", pszServer, (USHORT) strlen(pszServer), TRUE);
}
