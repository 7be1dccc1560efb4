// basic_globals.cpp - capture pieces of the current request into process-wide state
#include "hx_common.h"
#include <atlstr.h>
#include <cstring>

char*       g_pszScratch   = NULL;
PBYTE       LastBody       = NULL;
WCHAR*      pwszLastPath   = nullptr;
BYTE*       g_pbView       = nullptr;
PVOID       g_rgpvSlots[8] = {};

struct HX_CONFIG
{
    PCSTR   pszName;
    PCSTR   pszValue;
    DWORD   dwFlags;
};

HX_CONFIG   g_Config;
HX_CONFIG   rgConfigs[4];

char        g_szLastHost[256];
size_t      g_cchLastHost = 0;
char        g_chFirst     = 0;
BOOL        g_fWasNull    = FALSE;
bool        g_fNonEmpty   = false;
std::string g_strLastHost;
CStringA    g_strLastAgent;
WCHAR       g_wszLastPath[MAX_PATH];
BYTE        g_abLastBody[1024];
DWORD       g_cbLastBody  = 0;

HRESULT
HxRecordHost(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszHost
)
{
    size_t cch     = strlen(pszHost);
    char*  pszCopy = (char*)pHttpContext->AllocateRequestMemory((DWORD)cch + 1);
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }
    memcpy(pszCopy, pszHost, cch + 1);

    strcpy_s(g_szLastHost, sizeof(g_szLastHost), pszCopy);
    StringCchCopyA(g_szLastHost, ARRAYSIZE(g_szLastHost), pszCopy);
    g_cchLastHost    = strlen(pszCopy);
    g_chFirst        = pszCopy[0];
    g_chFirst        = *pszCopy;
    g_fWasNull       = (pszCopy == NULL);
    g_fNonEmpty      = pszCopy != nullptr && *pszCopy != '\0';
    g_strLastHost    = std::string(pszCopy);
    g_strLastAgent   = pszCopy;
    g_Config.dwFlags = (DWORD)cch;

    g_pszScratch = pszCopy;
    //~^ request-scope-escape-static
    g_Config.pszName = pszCopy;
    //~^ request-scope-escape-static
    g_Config.pszValue = pszCopy + cch;
    //~^ request-scope-escape-static
    rgConfigs[2].pszValue = &pszCopy[1];
    //~^ request-scope-escape-static
    g_rgpvSlots[cch % 8] = pszCopy;
    //~^ request-scope-escape-static

    return S_OK;
}

HRESULT
HxRecordPath(
    _In_ IHttpContext* pHttpContext
)
{
    DWORD  cchPath    = 0;
    PCWSTR pwszScript = pHttpContext->GetScriptName(&cchPath);
    DWORD  cbAlloc    = (cchPath + 1) * sizeof(WCHAR);
    WCHAR* pwszCopy   = static_cast<WCHAR*>(pHttpContext->AllocateRequestMemory(cbAlloc));
    WCHAR* pwszCursor = NULL;

    if (pwszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }
    wcsncpy_s(pwszCopy, cchPath + 1, pwszScript, _TRUNCATE);
    wcsncpy_s(g_wszLastPath, _countof(g_wszLastPath), pwszCopy, _TRUNCATE);

    pwszCursor = pwszCopy;
    while (*pwszCursor == L'/')
    {
        pwszCursor++;
    }
    pwszLastPath = pwszCursor;
    //~^ request-scope-escape-static
    return S_OK;
}

HRESULT
HxCaptureBody(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cbBody
)
{
    HRESULT hr       = S_OK;
    DWORD   cbRead   = 0;
    BOOL    fPending = FALSE;
    VOID*   pvRaw    = pHttpContext->AllocateRequestMemory(cbBody);

    if (pvRaw == NULL)
    {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }

    hr = pHttpContext->GetRequest()->ReadEntityBody(pvRaw, cbBody, FALSE, &cbRead, &fPending);
    if (FAILED(hr))
    {
        return hr;
    }

    g_cbLastBody = cbRead < sizeof(g_abLastBody) ? cbRead : (DWORD)sizeof(g_abLastBody);
    memcpy(g_abLastBody, pvRaw, g_cbLastBody);

    LastBody = reinterpret_cast<PBYTE>(pvRaw);
    //~^ request-scope-escape-static

    const BYTE* pbView = static_cast<const BYTE*>(pvRaw);
    g_pbView = const_cast<BYTE*>(pbView);
    //~^ request-scope-escape-static

    g_pszScratch = static_cast<char*>(
        pHttpContext->AllocateRequestMemory(64));
    //~^^ request-scope-escape-static

    return S_OK;
}
