//
// Error page / header emission for the maintenance-mode module.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define VARY_CCH            64
#define RETRY_AFTER_CCH     16
#define BANNER_CCH          256

typedef struct _BODY_DESC
{
    PBYTE   pbData;
    DWORD   cbData;
} BODY_DESC;

//
// Implemented in page.cpp.  None of these are IIS APIs.
//
VOID FormatRetryAfter(_Out_writes_(cch) PSTR pszBuffer, IN DWORD cch, IN DWORD dwSeconds);
VOID FillMaintenancePage(_Out_writes_bytes_(cb) PBYTE pbBuffer, IN DWORD cb);
VOID InitializeBanner(_Out_writes_(cch) PSTR pszBanner, IN DWORD cch);
VOID TraceBuffer(_In_ PVOID pvBuffer, IN DWORD cb);

class CMaintenanceModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );

private:
    HRESULT SetRetryAfter(IN IHttpContext * pHttpContext, IN DWORD dwSeconds);
    HRESULT SendMaintenancePage(IN IHttpContext * pHttpContext, IN DWORD cbPage);

    BOOL    m_fFromCache;
};

HRESULT
CMaintenanceModule::SetRetryAfter(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwSeconds
)
{
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PSTR            pszRetry = (PSTR) pHttpContext->AllocateRequestMemory(RETRY_AFTER_CCH);

    // Not an IIS API: handing the buffer to a helper is not a use.
    FormatRetryAfter(pszRetry, RETRY_AFTER_CCH, dwSeconds);

    return pResponse->SetHeader("Retry-After", pszRetry, RETRY_AFTER_CCH - 1, TRUE);
//~^ request-memory-unchecked
}

HRESULT
CMaintenanceModule::SendMaintenancePage(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbPage
)
{
    HRESULT         hr = S_OK;
    PBYTE           pbPage = NULL;
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    pbPage = (PBYTE) pHttpContext->AllocateRequestMemory(cbPage);
    FillMaintenancePage(pbPage, cbPage);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pbPage;
    chunk.FromMemory.BufferLength = cbPage;

    hr = pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, FALSE, &cbSent);
//~^ request-memory-unchecked
    return hr;
}

HRESULT
ForwardClientHint(
    IN IHttpContext *   pHttpContext,
    IN USHORT           cchHint
)
{
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    PSTR            pszHint = (PSTR) pHttpContext->AllocateRequestMemory(cchHint + 1);

    InitializeBanner(pszHint, cchHint + 1);
    return pRequest->SetHeader("X-Client-Hint", pszHint, cchHint, TRUE);
//~^ request-memory-unchecked
}

HRESULT
AppendVary(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fFromCache
)
{
    PSTR pszVary = (PSTR) pHttpContext->AllocateRequestMemory(VARY_CCH);

    if (fFromCache)
    {
        if (pszVary == NULL)
        {
            return E_OUTOFMEMORY;
        }

        TraceBuffer(pszVary, VARY_CCH);
    }

    // The non-cached path never checked the allocation.
    strcpy_s(pszVary, VARY_CCH, "Accept-Encoding");
//~^ request-memory-unchecked
    return pHttpContext->GetResponse()->SetHeader("Vary", pszVary, 15, FALSE);
}

HRESULT
SetBanner(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cchNeeded,
    _In_ PCSTR          pszBanner
)
{
    HRESULT hr = S_OK;
    CHAR    szSmall[32];
    PSTR    pszLarge = (PSTR) pHttpContext->AllocateRequestMemory(cchNeeded);
    PSTR    pszTarget = (cchNeeded > sizeof(szSmall)) ? pszLarge : szSmall;

    hr = StringCchCopyA(pszTarget, cchNeeded, pszBanner);
//~^ request-memory-unchecked
    if (FAILED(hr))
    {
        return hr;
    }

    return pHttpContext->GetResponse()->SetHeader("X-Banner", pszTarget, (USHORT) (cchNeeded - 1), TRUE);
}

HRESULT
SendDescribedBody(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbBody
)
{
    HTTP_DATA_CHUNK chunk;
    BODY_DESC       desc;
    DWORD           cbSent = 0;

    desc.cbData = cbBody;
    desc.pbData = (PBYTE) pHttpContext->AllocateRequestMemory(desc.cbData);
    memset(desc.pbData, ' ', desc.cbData);
//~^ request-memory-unchecked

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = desc.pbData;
    chunk.FromMemory.BufferLength = desc.cbData;

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);
}

//
// Near misses.
//

HRESULT
SetRetryAfterChecked(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwSeconds
)
{
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    PSTR            pszRetry = (PSTR) pHttpContext->AllocateRequestMemory(RETRY_AFTER_CCH);

    FormatRetryAfter(pszRetry, RETRY_AFTER_CCH, dwSeconds);

    return pszRetry ? pResponse->SetHeader("Retry-After", pszRetry, RETRY_AFTER_CCH - 1, TRUE) : E_OUTOFMEMORY;
}

HRESULT
SendMaintenancePageChecked(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbPage
)
{
    HRESULT         hr = E_OUTOFMEMORY;
    PBYTE           pbPage = (PBYTE) pHttpContext->AllocateRequestMemory(cbPage);
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    if (pbPage != nullptr)
    {
        FillMaintenancePage(pbPage, cbPage);

        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = pbPage;
        chunk.FromMemory.BufferLength = cbPage;

        hr = pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, FALSE, &cbSent);
    }

    return hr;
}

HRESULT
SetEntityTag(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwVersion
)
{
    PSTR pszTag = (PSTR) pHttpContext->AllocateRequestMemory(24);

    if (pszTag && SUCCEEDED(StringCchPrintfA(pszTag, 24, "\"v%lu\"", dwVersion)))
    {
        return pHttpContext->GetResponse()->SetHeader("ETag", pszTag, (USHORT) strlen(pszTag), TRUE);
    }

    return E_OUTOFMEMORY;
}

HRESULT
AppendVaryChecked(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fFromCache
)
{
    PSTR pszVary = (PSTR) pHttpContext->AllocateRequestMemory(VARY_CCH);

    if (fFromCache)
    {
        if (pszVary == NULL)
        {
            return E_OUTOFMEMORY;
        }

        TraceBuffer(pszVary, VARY_CCH);
    }
    else
    {
        if (!pszVary)
        {
            return E_OUTOFMEMORY;
        }
    }

    strcpy_s(pszVary, VARY_CCH, "Accept-Encoding");
    return pHttpContext->GetResponse()->SetHeader("Vary", pszVary, 15, FALSE);
}

HRESULT
SetBannerThroughAlias(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszBanner
)
{
    PSTR pszBuffer = (PSTR) pHttpContext->AllocateRequestMemory(BANNER_CCH);
    PSTR pszCursor = pszBuffer;

    if (!pszCursor)
    {
        return E_OUTOFMEMORY;
    }

    pszBuffer[0] = '\0';
    StringCchCatA(pszBuffer, BANNER_CCH, pszBanner);
    return pHttpContext->GetResponse()->SetHeader("X-Banner", pszBuffer, (USHORT) strlen(pszBuffer), TRUE);
}

HRESULT
SetBannerElse(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszBanner
)
{
    HRESULT hr = S_OK;
    PSTR    pszBuffer = (PSTR) pHttpContext->AllocateRequestMemory(BANNER_CCH);

    if (pszBuffer == NULL)
    {
        hr = E_OUTOFMEMORY;
    }
    else
    {
        hr = StringCchCopyA(pszBuffer, BANNER_CCH, pszBanner);
        if (SUCCEEDED(hr))
        {
            hr = pHttpContext->GetResponse()->SetHeader("X-Banner", pszBuffer, (USHORT) strlen(pszBuffer), TRUE);
        }
    }

    return hr;
}

VOID
PrepareBanner(
    IN IHttpContext * pHttpContext
)
{
    PSTR pszBanner = (PSTR) pHttpContext->AllocateRequestMemory(BANNER_CCH);

    // Helpers are not IIS APIs; they are expected to cope with NULL.
    InitializeBanner(pszBanner, BANNER_CCH);
    TraceBuffer(pszBanner, BANNER_CCH);
}

HRESULT
SendDescribedBodyChecked(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbBody
)
{
    HTTP_DATA_CHUNK chunk;
    PBYTE           pbData = NULL;
    DWORD           cbSent = 0;

    pbData = (PBYTE) pHttpContext->AllocateRequestMemory(cbBody);
    if (pbData == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memset(pbData, ' ', cbBody);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pbData;
    chunk.FromMemory.BufferLength = cbBody;

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);
}

REQUEST_NOTIFICATION_STATUS
CMaintenanceModule::OnBeginRequest(
    IN IHttpContext *       pHttpContext,
    IN IHttpEventProvider * pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse * pResponse = pHttpContext->GetResponse();

    pResponse->SetStatus(503, "Service Unavailable");

    if (FAILED(SetRetryAfter(pHttpContext, 120)) ||
        FAILED(SendMaintenancePage(pHttpContext, 4096)))
    {
        pResponse->SetStatus(500, "Internal Server Error");
    }

    return RQ_NOTIFICATION_FINISH_REQUEST;
}
