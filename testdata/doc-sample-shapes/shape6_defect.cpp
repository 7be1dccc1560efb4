// Status page: answers with a small HTML page describing the request.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>
#include <string>
#include <string.h>

static ULONGLONG g_ullLoadTick = 0;

class CStatusPage : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(
        IN IHttpContext* pHttpContext,
        IN IHttpEventProvider* pProvider
    )
    {
        UNREFERENCED_PARAMETER(pProvider);
        IHttpRequest* pRequest = pHttpContext->GetRequest();
        IHttpResponse* pResponse = pHttpContext->GetResponse();

        PCSTR pszMethod = pRequest->GetHttpMethod();
        std::string body;
        body.reserve(256);
        body += "<html><body><h1>Status</h1><p>Method: ";
        body += (pszMethod != NULL) ? pszMethod : "unknown";
        body += "</p><p>Up for ";
        body += std::to_string(GetTickCount64() - g_ullLoadTick);
        body += " ms</p></body></html>";

        pResponse->Clear();
        pResponse->SetHeader("Content-Type", "text/html", 9, TRUE);

        HTTP_DATA_CHUNK chunk;
        chunk.DataChunkType = HttpDataChunkFromMemory;
        chunk.FromMemory.pBuffer = const_cast<char*>(body.c_str());
        chunk.FromMemory.BufferLength = static_cast<ULONG>(body.size());
        HRESULT hr = pResponse->WriteEntityChunkByReference(&chunk);
        //~^ borrowed-buffer-by-reference
        if (FAILED(hr))
        {
            pResponse->SetStatus(500, "Server Error", 0, hr);
        }
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
};

class CStatusPageFactory : public IHttpModuleFactory
{
public:
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
    {
        UNREFERENCED_PARAMETER(pAllocator);
        CStatusPage* pModule = new CStatusPage();
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

HRESULT __stdcall RegisterModule(
    DWORD dwServerVersion,
    IHttpModuleRegistrationInfo* pModuleInfo,
    IHttpServer* pHttpServer
)
{
    UNREFERENCED_PARAMETER(dwServerVersion);
    UNREFERENCED_PARAMETER(pHttpServer);
    g_ullLoadTick = GetTickCount64();
    return pModuleInfo->SetRequestNotifications(new CStatusPageFactory, RQ_EXECUTE_REQUEST_HANDLER, 0);
}
