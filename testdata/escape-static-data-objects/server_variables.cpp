//
// server_variables.cpp
//
// Caches a handful of server variables and the authenticated identity for
// the health probe.
//

#include "host_state.h"

PCWSTR          g_pwszLastUrlVariable = NULL;
DWORD           g_cchLastUrlVariable = 0;
PCSTR           g_pszLastServerName = NULL;
std::string     g_strLastServerName;
PCWSTR          g_pwszRemoteUser = NULL;
PCWSTR          g_pwszUserName = NULL;
PCWSTR          g_pwszAuthType = NULL;
PCWSTR          g_pwszPassword = NULL;
IHttpUser*      g_pLastUser = NULL;
WCHAR           g_wszLastUser[256] = { 0 };
std::wstring    g_strAuthType;
BOOL            g_fLastUserAnonymous = FALSE;

HRESULT
CacheServerVariables(
    IN IHttpContext*    pHttpContext
)
{
    HRESULT hr = S_OK;
    PCWSTR  pszValue = NULL;
    DWORD   cchValue = 0;
    PCSTR   pszServerName = NULL;
    DWORD   cchServerName = 0;

    hr = pHttpContext->GetServerVariable("URL", &pszValue, &cchValue);
    if (FAILED(hr))
    {
        goto Finished;
    }

    g_pwszLastUrlVariable = pszValue;
    //~^ request-scope-escape-static
    g_cchLastUrlVariable = cchValue;

    hr = pHttpContext->GetServerVariable("SERVER_NAME", &pszServerName, &cchServerName);
    if (FAILED(hr))
    {
        goto Finished;
    }

    {
        std::string strServerName(pszServerName, cchServerName);
        g_strLastServerName = strServerName;
    }

    g_pszLastServerName = pszServerName;
    //~^ request-scope-escape-static

Finished:
    return hr;
}

HRESULT
CacheUserIdentity(
    IN IHttpContext*    pHttpContext
)
{
    HRESULT     hr = S_OK;
    IHttpUser*  pUser = pHttpContext->GetUser();
    PCWSTR      pwszAuthType = NULL;

    if (pUser == NULL)
    {
        hr = S_FALSE;
        goto Finished;
    }

    g_pwszRemoteUser = pHttpContext->GetUser()->GetRemoteUserName();
    //~^ request-scope-escape-static
    g_pwszUserName = pUser->GetUserName();
    //~^ request-scope-escape-static
    g_pwszAuthType = pUser->GetAuthenticationType();
    //~^ request-scope-escape-static
    g_pwszPassword = pUser->GetPassword();
    //~^ request-scope-escape-static
    g_pLastUser = pUser;
    //~^ request-scope-escape-static

    wcscpy_s(g_wszLastUser, _countof(g_wszLastUser), pUser->GetUserName());

    pwszAuthType = pUser->GetAuthenticationType();
    if (pwszAuthType != NULL)
    {
        std::wstring strAuthType(pwszAuthType, wcslen(pwszAuthType));
        g_strAuthType = strAuthType;
        g_fLastUserAnonymous = (wcslen(pwszAuthType) == 0);
    }

Finished:
    return hr;
}

VOID
ForgetUserIdentity()
{
    g_pLastUser = NULL;
    g_pwszRemoteUser = NULL;
    g_pwszUserName = NULL;
    g_pwszPassword = NULL;
    g_wszLastUser[0] = L'\0';
}
