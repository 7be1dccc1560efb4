//
// precomp.h - precompiled header for reqaudit.dll
//
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif

#include <windows.h>
#include <sal.h>
#include <strsafe.h>
#include <httpserv.h>

#include <string>
#include <set>
#include <thread>
#include <new>

// All of these expect a local 'HRESULT hr' and a 'Finished:' label.
#define IfFailGo(x)         { hr = (x); if (FAILED(hr)) { goto Finished; } }
#define IfNullGo(p)         { if ((p) == NULL) { hr = E_OUTOFMEMORY; goto Finished; } }
#define IfFalseGo(c, err)   { if (!(c)) { hr = (err); goto Finished; } }
#define IfWin32FalseGo(c)   { if (!(c)) { hr = HRESULT_FROM_WIN32(GetLastError()); goto Finished; } }

#define ARRAY_COUNT(a)      (sizeof(a) / sizeof((a)[0]))

#define AUDIT_MAX_URL           2048
#define AUDIT_MAX_CLIENT        64
#define AUDIT_MAX_HEADERS       32
#define AUDIT_MAX_BODY          (256 * 1024)
#define AUDIT_BODY_CHUNK        8192
#define AUDIT_PEEK_BYTES        256
#define AUDIT_MAX_HOSTS         512
#define AUDIT_ID_CCH            24
#define AUDIT_TIMING_CCH        48
#define AUDIT_SLOW_MS           5000

#define AUDIT_STATUS_URL        "/_audit/status"
#define AUDIT_HEADER_ID         "X-Audit-Id"
#define AUDIT_REG_KEY           "SOFTWARE\\Contoso\\ReqAudit"

VOID AuditTrace(_In_z_ _Printf_format_string_ PCSTR pszFormat, ...);
