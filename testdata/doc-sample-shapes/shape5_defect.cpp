// Report generator: builds a small report on a pool thread, then resumes the request.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>
#include <stdio.h>

static DWORD WINAPI BuildReportWorker(LPVOID pvContext)
{
    IHttpContext* pHttpContext = static_cast<IHttpContext*>(pvContext);
    IHttpResponse* pResponse = pHttpContext->GetResponse();

    const DWORD cbReport = 128;
    char* pszReport = static_cast<char*>(pHttpContext->AllocateRequestMemory(cbReport));
    if (pszReport == NULL)
    {
        pResponse->SetStatus(500, "Server Error", 0, E_OUTOFMEMORY);
        pHttpContext->PostCompletion(0);
    }
    else
    {
        int cch = sprintf_s(pszReport, cbReport, "report built at tick %llu\r\n", GetTickCount64());
        HTTP_DATA_CHUNK chunk;
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = pszReport;
        chunk.FromMemory.BufferLength = (cch > 0) ? (ULONG)cch : 0;
        DWORD cbSent = 0;
        pResponse->SetHeader("Content-Type", "text/plain", 10, TRUE);
        pResponse->WriteEntityChunks(&chunk, 1, FALSE, FALSE, &cbSent);
    }

    pHttpContext->PostCompletion(0);
    //~^ use-after-completion
    return 0;
}

class CReportModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
    {
        UNREFERENCED_PARAMETER(pProvider);
        if (!QueueUserWorkItem(BuildReportWorker, pHttpContext, WT_EXECUTEDEFAULT))
        {
            pHttpContext->GetResponse()->SetStatus(503, "Service Unavailable", 0,
                                                   HRESULT_FROM_WIN32(GetLastError()));
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        return RQ_NOTIFICATION_PENDING;
    }

    REQUEST_NOTIFICATION_STATUS
    OnAsyncCompletion(IN IHttpContext* pHttpContext, IN DWORD dwNotification,
                      IN BOOL fPostNotification, IN IHttpEventProvider* pProvider,
                      IN IHttpCompletionInfo* pCompletionInfo)
    {
        UNREFERENCED_PARAMETER(pHttpContext);
        UNREFERENCED_PARAMETER(dwNotification);
        UNREFERENCED_PARAMETER(fPostNotification);
        UNREFERENCED_PARAMETER(pProvider);
        UNREFERENCED_PARAMETER(pCompletionInfo);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
};

class CReportFactory : public IHttpModuleFactory
{
public:
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
    {
        UNREFERENCED_PARAMETER(pAllocator);
        CReportModule* pModule = new CReportModule();
        if (pModule == NULL)
        {
            return HRESULT_FROM_WIN32(ERROR_NOT_ENOUGH_MEMORY);
        }
        *ppModule = pModule;
        return S_OK;
    }

    void Terminate()
    {
        delete this;
    }
};

HRESULT __stdcall RegisterModule(DWORD dwServerVersion, IHttpModuleRegistrationInfo* pModuleInfo,
                                 IHttpServer* pHttpServer)
{
    UNREFERENCED_PARAMETER(dwServerVersion);
    UNREFERENCED_PARAMETER(pHttpServer);
    return pModuleInfo->SetRequestNotifications(new CReportFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}
