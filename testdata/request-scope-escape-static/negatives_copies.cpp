// Fixture for request-scope-escape-static: negative cases only.
//
// Every function here copies the *content* of request memory into static
// storage (or derives a scalar from it). The pointer itself never escapes,
// so nothing in this file may be reported.
//
// Style: the IIS SDK types are used without being declared here.

#include "precomp.h"
#include <string>
#include <string.h>
#include <wchar.h>

struct LAST_REQUEST
{
    char    szUrl[256];
    DWORD   cchUrl;
    DWORD   dwStatus;
};

char            g_szLastUrl[256];
char            g_szLine[512];
WCHAR           g_wszLastPath[64];
BYTE            g_rgbLastBody[128];
LAST_REQUEST    g_lastRequest;
std::string     g_strLastHost;
std::wstring    g_wstrLastPath;
DWORD           g_cchLastUrl = 0;
size_t          g_cchLastPath = 0;
BOOL            g_fHadQuery = FALSE;
char            g_chMethod = 0;
DWORD           g_dwFirstWord = 0;
int*            g_pnCounter = NULL;
char*           g_pszOwnedCopy = NULL;

void StrcpyFamily(_In_ IHttpContext* pHttpContext)
{
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(256);

    strcpy(g_szLastUrl, pszUrl);                                // why: copies characters
    strcpy_s(g_szLastUrl, sizeof(g_szLastUrl), pszUrl);
    strncpy(g_szLastUrl, pszUrl, sizeof(g_szLastUrl) - 1);
    StringCchCopyA(g_szLastUrl, ARRAYSIZE(g_szLastUrl), pszUrl);
    sprintf_s(g_szLine, sizeof(g_szLine), "url=%s", pszUrl);
}

void MemcpyFamily(_In_ IHttpContext* pHttpContext, DWORD cbBody)
{
    PVOID pvBody = pHttpContext->AllocateRequestMemory(cbBody);
    DWORD cbCopy = (cbBody < sizeof(g_rgbLastBody)) ? cbBody : sizeof(g_rgbLastBody);

    memcpy(g_rgbLastBody, pvBody, cbCopy);                      // why: copies bytes
    memmove(g_rgbLastBody, pvBody, cbCopy);
    CopyMemory(g_rgbLastBody, pvBody, cbCopy);
    memcpy(&g_lastRequest, pvBody, sizeof(g_lastRequest));      // why: struct content
}

void WideCopies(_In_ IHttpContext* pHttpContext, DWORD cchPath)
{
    PWSTR pwszPath = (PWSTR)pHttpContext->AllocateRequestMemory((cchPath + 1) * sizeof(WCHAR));

    wcscpy_s(g_wszLastPath, 64, pwszPath);                      // why: copies characters
    wcsncpy_s(g_wszLastPath, ARRAYSIZE(g_wszLastPath), pwszPath, _TRUNCATE);
    g_cchLastPath = wcslen(pwszPath);                           // why: a length
    g_wstrLastPath = std::wstring(pwszPath);                    // why: the string owns a copy
}

void StringObjects(_In_ IHttpContext* pHttpContext, DWORD cchHost)
{
    char* pszHost = (char*)pHttpContext->AllocateRequestMemory(cchHost + 1);

    g_strLastHost = std::string(pszHost);                       // why: the string owns a copy
    g_strLastHost = std::string(pszHost, cchHost);
}

void ScalarsFromContent(_In_ IHttpContext* pHttpContext)
{
    char* pszUrl = (char*)pHttpContext->AllocateRequestMemory(256);
    int* pnValue = (int*)pHttpContext->AllocateRequestMemory(sizeof(int));
    PVOID pvHeader = pHttpContext->AllocateRequestMemory(16);

    g_cchLastUrl = (DWORD)strlen(pszUrl);                       // why: a length
    g_fHadQuery = (strchr(pszUrl, '?') != NULL);                // why: a boolean
    g_fHadQuery = (pszUrl != NULL);
    g_chMethod = pszUrl[0];                                     // why: one character //~ request-memory-unchecked
    g_chMethod = *pszUrl;
    *g_pnCounter = *pnValue;                                    // why: scalar content //~ request-memory-unchecked
    g_dwFirstWord = *(DWORD*)pvHeader;                          // why: scalar content //~ request-memory-unchecked
    g_lastRequest.cchUrl = (DWORD)strlen(pszUrl);
    g_lastRequest.szUrl[0] = pszUrl[0];
}

void LoopCopy(_In_ IHttpContext* pHttpContext, DWORD cch)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cch + 1);

    for (DWORD i = 0; i < cch && i < sizeof(g_szLastUrl) - 1; i++)
    {
        g_szLastUrl[i] = psz[i];                                // why: character by character //~ request-memory-unchecked
    }
    g_szLastUrl[cch < sizeof(g_szLastUrl) ? cch : sizeof(g_szLastUrl) - 1] = '\0';
}

void HeapDuplicate(_In_ IHttpContext* pHttpContext, DWORD cch)
{
    char* psz = (char*)pHttpContext->AllocateRequestMemory(cch + 1);
    char* pszOwned = new char[cch + 1];

    memcpy(pszOwned, psz, cch + 1);
    delete[] g_pszOwnedCopy;
    g_pszOwnedCopy = pszOwned;                                  // why: heap copy owned by the module
}
