// hx_common.h - shared declarations for the Hx diagnostics IIS modules
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>

#include <string>
#include <vector>
#include <map>
#include <list>
#include <deque>
#include <set>
#include <unordered_map>
#include <memory>
#include <atomic>

#include <strsafe.h>

#define HX_MODULE_NAME  L"HxDiagnostics"

typedef struct _HX_REQUEST_INFO
{
    PCSTR   pszUrl;
    PCSTR   pszHost;
    DWORD   cbBody;
    PVOID   pvBody;
} HX_REQUEST_INFO, *PHX_REQUEST_INFO;

extern IHttpServer*     g_pHttpServer;
extern HTTP_MODULE_ID   g_pModuleId;
extern PCSTR            g_pszLastUrl;

HRESULT
HxRecordHost(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszHost
);
