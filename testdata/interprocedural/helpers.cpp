//
// helpers.cpp : helper routines shared by the request-tracing module.
//

#include "helpers.h"

#include <new>
#include <stdlib.h>
#include <string.h>

//
// Process-wide state owned by the helpers.
//

PCSTR           g_pszLastValue          = NULL;
PCSTR           g_pszConfigValue        = NULL;
PCSTR           g_pszStartupBanner      = NULL;
PCSTR           g_pszTail               = NULL;
PCSTR           g_pszSecondValue        = NULL;
PCSTR           g_pszListEnd            = NULL;
char            g_szLastCopy[256]       = { 0 };
std::string     g_strLastValue;

//
// Returns a NUL-terminated copy of pszValue that lives as long as the
// request does.
//
char*
DupHeader(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszValue
    )
{
    size_t  cchValue = 0;
    char*   pszCopy = NULL;

    if (pszValue == NULL)
    {
        return NULL;
    }

    cchValue = strlen(pszValue) + 1;

    pszCopy = static_cast<char*>(pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cchValue)));
    if (pszCopy == NULL)
    {
        return NULL;
    }

    strcpy_s(pszCopy, cchValue, pszValue);
    return pszCopy;
}

PCSTR
GetUserAgent(
    _In_ IHttpRequest*      pHttpRequest
    )
{
    USHORT cchAgent = 0;

    return pHttpRequest->GetHeader(HttpHeaderUserAgent, &cchAgent);
}

const void*
PassThrough(
    _In_opt_ const void*    pvData
    )
{
    return pvData;
}

//
// Reads a server variable.  On success *ppszValue points into memory owned
// by the request.
//
HRESULT
GetVar(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszName,
    _Out_ PCSTR*            ppszValue
    )
{
    HRESULT hr = S_OK;
    DWORD   cchValue = 0;

    *ppszValue = NULL;

    hr = pHttpContext->GetServerVariable(pszName, ppszValue, &cchValue);
    if (FAILED(hr))
    {
        goto Finished;
    }

    if (cchValue == 0)
    {
        hr = HRESULT_FROM_WIN32(ERROR_NOT_FOUND);
    }

Finished:
    return hr;
}

HRESULT
AllocRequestBuffer(
    _In_ IHttpContext*      pHttpContext,
    _In_ DWORD              cbBuffer,
    _Out_ VOID**            ppvBuffer
    )
{
    VOID* pvBuffer = NULL;

    *ppvBuffer = NULL;

    pvBuffer = pHttpContext->AllocateRequestMemory(cbBuffer);
    if (pvBuffer == NULL)
    {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }

    ZeroMemory(pvBuffer, cbBuffer);
    *ppvBuffer = pvBuffer;
    return S_OK;
}

HRESULT
CopyToRequest(
    _In_ IHttpContext*      pHttpContext,
    _In_ PCSTR              pszSource,
    OUT  char*&             rpszCopy
    )
{
    size_t  cchSource = strlen(pszSource) + 1;
    char*   pszBuffer = NULL;

    rpszCopy = NULL;

    pszBuffer = static_cast<char*>(pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cchSource)));
    if (pszBuffer == NULL)
    {
        return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
    }

    strcpy_s(pszBuffer, cchSource, pszSource);
    rpszCopy = pszBuffer;
    return S_OK;
}

//
// Process-heap copies; the caller owns the result.
//
char*
DupHeap(
    _In_ PCSTR              pszValue
    )
{
    size_t  cchValue = strlen(pszValue) + 1;
    char*   pszCopy = new (std::nothrow) char[cchValue];

    if (pszCopy == NULL)
    {
        return NULL;
    }

    strcpy_s(pszCopy, cchValue, pszValue);
    return pszCopy;
}

HRESULT
CopyToHeap(
    _In_ PCSTR              pszSource,
    _Out_ char**            ppszCopy
    )
{
    size_t  cchSource = strlen(pszSource) + 1;
    char*   pszCopy = NULL;

    *ppszCopy = NULL;

    pszCopy = static_cast<char*>(malloc(cchSource));
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    strcpy_s(pszCopy, cchSource, pszSource);
    *ppszCopy = pszCopy;
    return S_OK;
}

//
// Keeps the pointer it is given.  module.cpp calls this with header and
// server-variable values from two different notifications: one finding.
//
VOID
RememberLastValue(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszLastValue = pszValue;
    //~^ request-scope-escape-static
}

//
// Same shape, but only ever called with a string literal.
//
VOID
RememberConfigValue(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszConfigValue = pszValue;
}

//
// Same shape, only ever called with static and heap strings.
//
VOID
RememberStartupBanner(
    _In_opt_ PCSTR          pszBanner
    )
{
    g_pszStartupBanner = pszBanner;
}

//
// Last link of ForwardValue (chain.cpp), whose caller in module.cpp passes
// request memory.
//
VOID
StoreTail(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszTail = pszValue;
    //~^ request-scope-escape-static
}

//
// Only the second argument is kept.
//
VOID
StoreSecondValue(
    _In_opt_ PCSTR          pszKey,
    _In_opt_ PCSTR          pszValue
    )
{
    if (pszKey != NULL && pszKey[0] != '\0')
    {
        g_pszSecondValue = pszValue;
    }
}

//
// Walks to the end of the list and keeps the value there.
//
VOID
RememberAtEnd(
    _In_opt_ const VALUE_NODE*  pNode,
    _In_opt_ PCSTR              pszValue
    )
{
    if (pNode == NULL)
    {
        g_pszListEnd = pszValue;
        //~^ request-scope-escape-static
        return;
    }

    RememberAtEnd(pNode->pNext, pszValue);
}

//
// Copies the characters, not the pointer.
//
VOID
SaveValueCopy(
    _In_ PCSTR              pszValue
    )
{
    if (strlen(pszValue) >= sizeof(g_szLastCopy))
    {
        return;
    }

    strcpy_s(g_szLastCopy, sizeof(g_szLastCopy), pszValue);
}

VOID
SaveValueString(
    _In_ PCSTR              pszValue
    )
{
    g_strLastValue = pszValue;
}

size_t
MeasureValue(
    _In_opt_ PCSTR          pszValue
    )
{
    return (pszValue == NULL) ? 0 : strlen(pszValue);
}

BOOL
InspectValue(
    _In_opt_ PCSTR          pszValue
    )
{
    PCSTR pszCursor = pszValue;

    if (pszCursor == NULL)
    {
        return FALSE;
    }

    while (*pszCursor != '\0')
    {
        if (*pszCursor == '<' || *pszCursor == '>')
        {
            return FALSE;
        }

        pszCursor++;
    }

    return TRUE;
}

VOID
ReleaseBuffer(
    _In_opt_ VOID*          pvBuffer
    )
{
    if (pvBuffer != NULL)
    {
        free(pvBuffer);
        //~^ request-memory-freed
    }
}

VOID
ReleaseHeapBuffer(
    _In_opt_ VOID*          pvBuffer
    )
{
    if (pvBuffer != NULL)
    {
        free(pvBuffer);
    }
}

VOID
FinishRequest(
    _In_ IHttpContext*      pHttpContext
    )
{
    pHttpContext->PostCompletion(0);
}

static DWORD WINAPI
BackgroundLogWorker(
    _In_ LPVOID             pvContext
    )
{
    IHttpContext*   pHttpContext = static_cast<IHttpContext*>(pvContext);
    USHORT          cchHost = 0;
    PCSTR           pszHost = pHttpContext->GetRequest()->GetHeader(HttpHeaderHost, &cchHost);

    if (pszHost != NULL)
    {
        OutputDebugStringA(pszHost);
    }

    return 0;
}

//
// Called from CTraceModule::OnLogRequest, which then returns
// RQ_NOTIFICATION_CONTINUE.
//
VOID
StartBackgroundLog(
    _In_ IHttpContext*      pHttpContext
    )
{
    QueueUserWorkItem(BackgroundLogWorker, pHttpContext, WT_EXECUTEDEFAULT);
    //~^ request-scope-escape-thread
}

static DWORD WINAPI
AsyncReadWorker(
    _In_ LPVOID             pvContext
    )
{
    IHttpContext*   pHttpContext = static_cast<IHttpContext*>(pvContext);
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    char            rgbChunk[1024];
    DWORD           cbRead = 0;
    BOOL            fCompletionPending = FALSE;
    HRESULT         hr = S_OK;

    while (pRequest->GetRemainingEntityBytes() > 0)
    {
        hr = pRequest->ReadEntityBody(rgbChunk, sizeof(rgbChunk), FALSE, &cbRead, &fCompletionPending);
        if (FAILED(hr) || cbRead == 0)
        {
            break;
        }
    }

    FinishRequest(pHttpContext);
    return 0;
}

//
// Only called from CTraceModule::OnExecuteRequestHandler, which returns
// RQ_NOTIFICATION_PENDING once the work is queued.
//
VOID
StartAsyncRead(
    _In_ IHttpContext*      pHttpContext
    )
{
    QueueUserWorkItem(AsyncReadWorker, pHttpContext, WT_EXECUTELONGFUNCTION);
}
