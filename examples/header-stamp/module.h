// module.h - HeaderStamp native IIS module: class declarations.
//
// HeaderStamp makes sure every request carries an X-Trace-Id (the client's,
// or a generated one) and stamps every response with
//     X-Stamp: <trace id>;srv=<machine>/<app pool>#<pid>;ms=<elapsed>
// so front-end logs and back-end logs can be joined.

#pragma once

#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>
#include <new>

// Longest client trace id we keep; longer ones are cut.
#define STAMP_MAX_TRACE_ID  64

// Set by RegisterModule; both stay valid for the life of the worker process.
extern IHttpServer*   g_pHttpServer;
extern HTTP_MODULE_ID g_pModuleId;

//
// Process-wide counters, written to the debugger output when the module unloads.
//
class CStampStats
{
public:
    static VOID RecordRequest(_In_ IHttpContext* pHttpContext);
    static VOID RecordStamp(_In_ PCSTR pszStamp);
    static VOID Dump();
    static LONG RequestCount() { return s_cRequests; }

    // Path of the last request seen, for the shutdown dump.
    static PCSTR s_pszLastUrl;

private:
    static SRWLOCK       s_Lock;
    static volatile LONG s_cRequests;
    static volatile LONG s_cStamped;
};

//
// One instance per request, placed in memory from the request's IModuleAllocator.
//
class CStampModule : public CHttpModule
{
public:
    CStampModule();

    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider);

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext*          pHttpContext,
        IN ISendResponseProvider* pProvider);

    // diagnostics.cpp: GET /stamp-status answers with the module's state.
    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider);

    // diagnostics.cpp: slow requests are reported to the audit log off-thread.
    REQUEST_NOTIFICATION_STATUS
    OnLogRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider);

    VOID Dispose();

private:
    PSTR      m_pszStamp;   // request memory; lives exactly as long as this object
    ULONGLONG m_ullStart;   // GetTickCount64() at begin request
};

class CStampFactory : public IHttpModuleFactory
{
public:
    HRESULT
    GetHttpModule(
        OUT CHttpModule**     ppModule,
        IN  IModuleAllocator* pAllocator);

    VOID Terminate();
};
