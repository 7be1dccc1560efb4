//
// helpers.h : helper routines shared by the request-tracing module.
//
// Definitions live in helpers.cpp, chain.cpp and dispatch.cpp; the
// notification handlers that use them are in module.cpp.
//

#pragma once

#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <string>

class CSink;

typedef struct _VALUE_NODE
{
    struct _VALUE_NODE*     pNext;
    DWORD                   dwDepth;
} VALUE_NODE, *PVALUE_NODE;

//
// Helpers that hand back request-scoped values (helpers.cpp).
//

char*
DupHeader(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszValue
    );

PCSTR
GetUserAgent(
    _In_ IHttpRequest*      pHttpRequest
    );

const void*
PassThrough(
    _In_opt_ const void*    pvData
    );

HRESULT
GetVar(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszName,
    _Out_ PCSTR*            ppszValue
    );

HRESULT
AllocRequestBuffer(
    _In_ IHttpContext*      pHttpContext,
    _In_ DWORD              cbBuffer,
    _Out_ VOID**            ppvBuffer
    );

HRESULT
CopyToRequest(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszSource,
    OUT  char*&             rpszCopy
    );

//
// Heap-backed helpers (helpers.cpp).
//

char*
DupHeap(
    _In_ PCSTR              pszValue
    );

HRESULT
CopyToHeap(
    _In_ PCSTR              pszSource,
    _Out_ char**            ppszCopy
    );

//
// Helpers that keep, inspect, release or hand off what they are given
// (helpers.cpp).
//

VOID
RememberLastValue(
    _In_opt_ PCSTR          pszValue
    );

VOID
RememberConfigValue(
    _In_opt_ PCSTR          pszValue
    );

VOID
RememberStartupBanner(
    _In_opt_ PCSTR          pszBanner
    );

VOID
StoreTail(
    _In_opt_ PCSTR          pszValue
    );

VOID
StoreSecondValue(
    _In_opt_ PCSTR          pszKey,
    _In_opt_ PCSTR          pszValue
    );

VOID
RememberAtEnd(
    _In_opt_ const VALUE_NODE*  pNode,
    _In_opt_ PCSTR              pszValue
    );

VOID
SaveValueCopy(
    _In_ PCSTR              pszValue
    );

VOID
SaveValueString(
    _In_ PCSTR              pszValue
    );

size_t
MeasureValue(
    _In_opt_ PCSTR          pszValue
    );

BOOL
InspectValue(
    _In_opt_ PCSTR          pszValue
    );

VOID
ReleaseBuffer(
    _In_opt_ VOID*          pvBuffer
    );

VOID
ReleaseHeapBuffer(
    _In_opt_ VOID*          pvBuffer
    );

VOID
StartBackgroundLog(
    _In_ IHttpContext*      pHttpContext
    );

VOID
StartAsyncRead(
    _In_ IHttpContext*      pHttpContext
    );

VOID
FinishRequest(
    _In_ IHttpContext*      pHttpContext
    );

//
// chain.cpp
//

VOID
ForwardValue(
    _In_opt_ PCSTR          pszValue
    );

char*
DupOrigin(
    _In_ IHttpContext*      pHttpContext
    );

HRESULT
ChainEntry(
    _In_ IHttpContext*      pHttpContext
    );

HRESULT
WalkEntry(
    _In_ IHttpContext*      pHttpContext
    );

VOID
LoadChainDefaults(
    VOID
    );

//
// dispatch.cpp
//

VOID
InitializeDispatch(
    _In_ CSink*             pSink
    );

HRESULT
DispatchValues(
    _In_ IHttpContext*      pHttpContext
    );

HRESULT
KeepHeapCopies(
    _In_ IHttpContext*      pHttpContext
    );
