// Language echo: copies the client's preferred language into a response header.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>

class CLanguageEcho : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext* pHttpContext,
        IN IHttpEventProvider* pProvider
    )
    {
        UNREFERENCED_PARAMETER(pProvider);
        IHttpRequest* pRequest = pHttpContext->GetRequest();
        IHttpResponse* pResponse = pHttpContext->GetResponse();

        // GetHeader hands back the server's own copy; nothing to allocate.
        USHORT cchLanguage = 0;
        PCSTR pszLanguage = pRequest->GetHeader("Accept-Language", &cchLanguage);
        if (pszLanguage == NULL || cchLanguage == 0)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }

        HRESULT hr = pResponse->SetHeader("X-Requested-Language", pszLanguage, cchLanguage, TRUE);
        if (FAILED(hr))
        {
            pResponse->SetStatus(500, "Server Error", 0, hr);
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        return RQ_NOTIFICATION_CONTINUE;
    }
};

class CLanguageEchoFactory : public IHttpModuleFactory
{
public:
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
    {
        UNREFERENCED_PARAMETER(pAllocator);
        CLanguageEcho* pModule = new CLanguageEcho();
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
    return pModuleInfo->SetRequestNotifications(new CLanguageEchoFactory, RQ_BEGIN_REQUEST, 0);
}
