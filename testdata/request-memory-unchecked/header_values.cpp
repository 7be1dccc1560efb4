//
// Request/response header formatting helpers for the header-policy module.
//
// IHttpContext::AllocateRequestMemory and IModuleAllocator::AllocateMemory
// return NULL when the request heap cannot grow; every buffer has to be
// checked before it is written.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>
#include <stdio.h>
#include <string.h>

#define REQUEST_ID_CCH      37
#define MAX_VALUE_CCH       512
#define POLICY_CCH          128

typedef struct _POLICY_ENTRY
{
    DWORD   cbSize;
    DWORD   dwFlags;
    PCSTR   pszName;
    CHAR    szValue[POLICY_CCH];
} POLICY_ENTRY, *PPOLICY_ENTRY;

VOID
WritePrefix(
    _Out_writes_(cchPrefix) PSTR    pszBuffer,
    IN DWORD                        cchPrefix
);

HRESULT
FormatEmptyValue(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszValue
)
{
    PSTR pszValue = (PSTR) pHttpContext->AllocateRequestMemory(1);

    *pszValue = '\0';
//~^ request-memory-unchecked
    *ppszValue = pszValue;
    return S_OK;
}

HRESULT
FormatBoolean(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fValue,
    OUT PSTR *          ppszValue
)
{
    PSTR pszValue = (PSTR) pHttpContext->AllocateRequestMemory(2);

    pszValue[0] = fValue ? '1' : '0';
//~^ request-memory-unchecked
    pszValue[1] = '\0';

    *ppszValue = pszValue;
    return S_OK;
}

HRESULT
CreatePolicyEntry(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszName,
    OUT PPOLICY_ENTRY * ppEntry
)
{
    PPOLICY_ENTRY pEntry = NULL;

    pEntry = (PPOLICY_ENTRY) pHttpContext->AllocateRequestMemory(sizeof(POLICY_ENTRY));
    pEntry->cbSize = sizeof(POLICY_ENTRY);
//~^ request-memory-unchecked
    pEntry->dwFlags = 0;
    pEntry->pszName = pszName;

    *ppEntry = pEntry;
    return S_OK;
}

HRESULT
CopyHeaderValue(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszHeader,
    OUT PSTR *          ppszCopy
)
{
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    USHORT          cchValue = 0;
    PCSTR           pszValue = pRequest->GetHeader(pszHeader, &cchValue);
    PSTR            pszCopy = NULL;

    if (pszValue == NULL)
    {
        *ppszCopy = NULL;
        return S_FALSE;
    }

    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);
    memcpy(pszCopy, pszValue, cchValue);
//~^ request-memory-unchecked

    *ppszCopy = pszCopy;
    return S_OK;
}

PBYTE
AllocateZeroedBlock(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbBlock
)
{
    PBYTE pbBlock = (PBYTE) pHttpContext->AllocateRequestMemory(cbBlock);

    memset(pbBlock, 0, cbBlock);
//~^ request-memory-unchecked
    return pbBlock;
}

HRESULT
CopyServerName(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszServer
)
{
    HRESULT hr = S_OK;
    PCSTR   pszServer = NULL;
    DWORD   cchServer = 0;
    PSTR    pszCopy = NULL;

    hr = pHttpContext->GetServerVariable("SERVER_NAME", &pszServer, &cchServer);
    if (FAILED(hr))
    {
        return hr;
    }

    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchServer + 1);
    strcpy_s(pszCopy, cchServer + 1, pszServer);
//~^ request-memory-unchecked

    *ppszServer = pszCopy;
    return S_OK;
}

HRESULT
CopyMethod(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszMethod
)
{
    PCSTR pszMethod = pHttpContext->GetRequest()->GetHttpMethod();
    PSTR  pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(16);

    HRESULT hr = StringCchCopyA(pszCopy, 16, pszMethod);
//~^ request-memory-unchecked
    *ppszMethod = pszCopy;
    return hr;
}

HRESULT
FormatRequestId(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszRequestId
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PSTR            pszId = NULL;
    HRESULT         hr = S_OK;

    pszId = (PSTR) pHttpContext->AllocateRequestMemory(REQUEST_ID_CCH);
    hr = StringCchPrintfA(pszId, REQUEST_ID_CCH, "%016I64x", pRaw->RequestId);
//~^ request-memory-unchecked

    *ppszRequestId = pszId;
    return hr;
}

HRESULT
FormatContentLength(
    IN IHttpContext *   pHttpContext,
    IN ULONGLONG        cbContent,
    OUT PSTR *          ppszValue
)
{
    PSTR pszValue = (PSTR) pHttpContext->AllocateRequestMemory(24);

    sprintf_s(pszValue, 24, "%I64u", cbContent);
//~^ request-memory-unchecked
    *ppszValue = pszValue;
    return S_OK;
}

HRESULT
CopyScriptName(
    IN IHttpContext *   pHttpContext,
    OUT PWSTR *         ppwszScript
)
{
    DWORD   cchScript = 0;
    PCWSTR  pwszScript = pHttpContext->GetScriptName(&cchScript);
    PWSTR   pwszCopy = (PWSTR) pHttpContext->AllocateRequestMemory((cchScript + 1) * sizeof(WCHAR));

    wcscpy_s(pwszCopy, cchScript + 1, pwszScript);
//~^ request-memory-unchecked
    *ppwszScript = pwszCopy;
    return S_OK;
}

HRESULT
FormatSiteId(
    IN IHttpContext *   pHttpContext,
    OUT PWSTR *         ppwszSiteId
)
{
    DWORD dwSiteId = pHttpContext->GetSite()->GetSiteId();
    PWSTR pwszSiteId = (PWSTR) pHttpContext->AllocateRequestMemory(16 * sizeof(WCHAR));

    swprintf_s(pwszSiteId, 16, L"%lu", dwSiteId);
//~^ request-memory-unchecked
    *ppwszSiteId = pwszSiteId;
    return S_OK;
}

HRESULT
CopySiteName(
    IN IHttpContext *   pHttpContext,
    OUT PWSTR *         ppwszSiteName
)
{
    PCWSTR  pwszSiteName = pHttpContext->GetSite()->GetSiteName();
    DWORD   cbSiteName = (DWORD) ((wcslen(pwszSiteName) + 1) * sizeof(WCHAR));
    PWSTR   pwszCopy = (PWSTR) pHttpContext->AllocateRequestMemory(cbSiteName);

    HRESULT hr = StringCbCopyW(pwszCopy, cbSiteName, pwszSiteName);
//~^ request-memory-unchecked
    *ppwszSiteName = pwszCopy;
    return hr;
}

HRESULT
CopyBlockWithAllocator(
    _In_ IModuleAllocator *             pAllocator,
    _In_reads_bytes_(cbBlock) PVOID     pvBlock,
    IN DWORD                            cbBlock,
    OUT PVOID *                         ppvCopy
)
{
    PVOID pvCopy = pAllocator->AllocateMemory(cbBlock);

    memmove(pvCopy, pvBlock, cbBlock);
//~^ request-memory-unchecked
    *ppvCopy = pvCopy;
    return S_OK;
}

HRESULT
FormatTerminatedValue(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszValue,
    IN DWORD            cchValue,
    OUT PSTR *          ppszCopy
)
{
    PSTR pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);

    pszCopy[cchValue] = '\0';
//~^ request-memory-unchecked
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszCopy, pszValue, cchValue);
    *ppszCopy = pszCopy;
    return S_OK;
}

HRESULT
FormatNameValuePair(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszName,
    IN DWORD            cchName,
    _In_ PCSTR          pszValue,
    IN DWORD            cchValue,
    OUT PSTR *          ppszName,
    OUT PSTR *          ppszValue
)
{
    PSTR pszNameCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchName + 1);
    PSTR pszValueCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);

    if (pszNameCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszNameCopy, pszName, cchName);
    pszNameCopy[cchName] = '\0';

    memcpy(pszValueCopy, pszValue, cchValue);
//~^ request-memory-unchecked

    *ppszName = pszNameCopy;
    *ppszValue = pszValueCopy;
    return S_OK;
}

HRESULT
FormatPrefixedValue(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cchPrefix,
    _In_ PCSTR          pszValue,
    IN DWORD            cchValue,
    OUT PSTR *          ppszResult
)
{
    PSTR pszBuffer = (PSTR) pHttpContext->AllocateRequestMemory(cchPrefix + cchValue + 1);
    PSTR pszCursor = NULL;

    WritePrefix(pszBuffer, cchPrefix);

    pszCursor = pszBuffer + cchPrefix;
    memcpy(pszCursor, pszValue, cchValue);
//~^ request-memory-unchecked

    *ppszResult = pszBuffer;
    return S_OK;
}

//
// Near misses: every buffer below is checked before it is written.
//

HRESULT
FormatEmptyValueChecked(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszValue
)
{
    PSTR pszValue = (PSTR) pHttpContext->AllocateRequestMemory(1);

    if (!pszValue)
    {
        return E_OUTOFMEMORY;
    }

    *pszValue = '\0';
    *ppszValue = pszValue;
    return S_OK;
}

HRESULT
CreatePolicyEntryChecked(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszName,
    OUT PPOLICY_ENTRY * ppEntry
)
{
    PPOLICY_ENTRY pEntry = NULL;

    pEntry = (PPOLICY_ENTRY) pHttpContext->AllocateRequestMemory(sizeof(POLICY_ENTRY));
    if (pEntry == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pEntry->cbSize = sizeof(POLICY_ENTRY);
    pEntry->dwFlags = 0;
    pEntry->pszName = pszName;
    pEntry->szValue[0] = '\0';

    *ppEntry = pEntry;
    return S_OK;
}

HRESULT
CopyHeaderValueChecked(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszHeader,
    OUT PSTR *          ppszCopy
)
{
    HRESULT hr = S_OK;
    USHORT  cchValue = 0;
    PCSTR   pszValue = pHttpContext->GetRequest()->GetHeader(pszHeader, &cchValue);
    PSTR    pszCopy = NULL;

    *ppszCopy = NULL;

    if (pszValue == NULL)
    {
        return S_FALSE;
    }

    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);
    if (NULL == pszCopy)
    {
        hr = E_OUTOFMEMORY;
        goto Finished;
    }

    memcpy(pszCopy, pszValue, cchValue);
    pszCopy[cchValue] = '\0';
    *ppszCopy = pszCopy;

Finished:

    return hr;
}

PBYTE
AllocateZeroedBlockChecked(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbBlock
)
{
    PBYTE pbBlock = (PBYTE) pHttpContext->AllocateRequestMemory(cbBlock);

    if (pbBlock != nullptr)
    {
        memset(pbBlock, 0, cbBlock);
    }

    return pbBlock;
}

HRESULT
CopyMethodChecked(
    IN IHttpContext *   pHttpContext,
    OUT PSTR *          ppszMethod
)
{
    PCSTR   pszMethod = pHttpContext->GetRequest()->GetHttpMethod();
    PSTR    pszCopy = NULL;
    HRESULT hr = E_OUTOFMEMORY;

    if ((pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(16)) == NULL)
    {
        return hr;
    }

    hr = StringCchCopyA(pszCopy, 16, pszMethod);
    *ppszMethod = pszCopy;
    return hr;
}

HRESULT
FormatSiteIdChecked(
    IN IHttpContext *   pHttpContext,
    OUT PWSTR *         ppwszSiteId
)
{
    DWORD dwSiteId = pHttpContext->GetSite()->GetSiteId();
    PWSTR pwszSiteId = (PWSTR) pHttpContext->AllocateRequestMemory(16 * sizeof(WCHAR));

    if (pwszSiteId)
    {
        swprintf_s(pwszSiteId, 16, L"%lu", dwSiteId);
    }

    *ppwszSiteId = pwszSiteId;
    return pwszSiteId ? S_OK : E_OUTOFMEMORY;
}

HRESULT
CopyBlockWithAllocatorChecked(
    _In_ IModuleAllocator *             pAllocator,
    _In_reads_bytes_(cbBlock) PVOID     pvBlock,
    IN DWORD                            cbBlock,
    OUT PVOID *                         ppvCopy
)
{
    PVOID pvCopy = pAllocator->AllocateMemory(cbBlock);

    if (nullptr == pvCopy)
    {
        return E_OUTOFMEMORY;
    }

    memmove(pvCopy, pvBlock, cbBlock);
    *ppvCopy = pvCopy;
    return S_OK;
}

HRESULT
FormatNameValuePairChecked(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszName,
    IN DWORD            cchName,
    _In_ PCSTR          pszValue,
    IN DWORD            cchValue,
    OUT PSTR *          ppszName,
    OUT PSTR *          ppszValue
)
{
    PSTR pszNameCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchName + 1);
    PSTR pszValueCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);

    if (pszNameCopy == NULL || pszValueCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszNameCopy, pszName, cchName);
    pszNameCopy[cchName] = '\0';
    memcpy(pszValueCopy, pszValue, cchValue);
    pszValueCopy[cchValue] = '\0';

    *ppszName = pszNameCopy;
    *ppszValue = pszValueCopy;
    return S_OK;
}

HRESULT
FormatWithStackBuffer(
    IN IHttpContext *   pHttpContext,
    IN DWORD            dwValue
)
{
    CHAR szValue[16];

    // Stack and operator new buffers never need the NULL check this rule wants.
    szValue[0] = '\0';
    StringCchPrintfA(szValue, ARRAYSIZE(szValue), "%lu", dwValue);

    PSTR pszHeap = new CHAR[16];
    pszHeap[0] = '\0';
    memcpy(pszHeap, szValue, sizeof(szValue));

    HRESULT hr = pHttpContext->GetResponse()->SetHeader("X-Value", pszHeap, (USHORT) strlen(pszHeap), TRUE);
    delete [] pszHeap;
    return hr;
}
