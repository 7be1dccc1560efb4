// Nothing here names the IIS API, and no file includes it: module.cpp declares what it calls.
#include <string.h>

static const char* g_pszLast = nullptr;
static char g_szCopy[64];

void KeepLast(const char* pszValue)
{
    g_pszLast = pszValue;
    //~^ request-scope-escape-static
}

void KeepCopy(const char* pszValue)
{
    strncpy(g_szCopy, pszValue, sizeof(g_szCopy) - 1);
}
