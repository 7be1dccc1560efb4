// diagnostics.cpp - a status page and an audit log for slow requests.

#include "module.h"

#include <string>

static const ULONGLONG SLOW_REQUEST_MS = 2000;

//
// GET /stamp-status answers with a small plain-text page built from the module's state.
//
REQUEST_NOTIFICATION_STATUS
CStampModule::OnExecuteRequestHandler(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpRequest*  pRequest  = pHttpContext->GetRequest();
    IHttpResponse* pResponse = pHttpContext->GetResponse();
    PCSTR          pszUrl    = pRequest->GetRawHttpRequest()->pRawUrl;

    if (pszUrl == NULL || strcmp(pszUrl, "/stamp-status") != 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    std::string strBody = "stamp module: ok\r\nrequests stamped: ";
    strBody += std::to_string(CStampStats::RequestCount());
    strBody += "\r\n";

    HTTP_DATA_CHUNK chunk;
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)strBody.c_str();
    chunk.FromMemory.BufferLength = (ULONG)strBody.size();

    pResponse->SetStatus(200, "OK");
    pResponse->SetHeader(HttpHeaderContentType, "text/plain", 10, TRUE);
    // BUG: IIS keeps this pointer, but strBody is destroyed when this function returns.
    pResponse->WriteEntityChunkByReference(&chunk);

    return RQ_NOTIFICATION_FINISH_REQUEST;
}

//
// The audit log is written on a worker thread so that a slow disk never delays a response.
//
static DWORD WINAPI AuditSlowRequest(LPVOID pvContext)
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);
    PCSTR pszUrl = pHttpContext->GetRequest()->GetRawHttpRequest()->pRawUrl;
    OutputDebugStringA(pszUrl);
    return 0;
}

REQUEST_NOTIFICATION_STATUS
CStampModule::OnLogRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (GetTickCount64() - m_ullStart < SLOW_REQUEST_MS)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    // BUG: the worker reads the request after this notification returns CONTINUE and IIS
    // finishes the request; the documented protocol returns RQ_NOTIFICATION_PENDING.
    QueueUserWorkItem(AuditSlowRequest, pHttpContext, WT_EXECUTEDEFAULT);
    return RQ_NOTIFICATION_CONTINUE;
}
