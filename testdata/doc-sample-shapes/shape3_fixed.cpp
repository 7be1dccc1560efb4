// Diagnostic module: reports which physical file served the request in a header.
#define _WINSOCKAPI_
#include <windows.h>
#include <httpserv.h>
#include <string.h>

class CServedFileHeader : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext* pHttpContext,
        IN ISendResponseProvider* pProvider
    )
    {
        UNREFERENCED_PARAMETER(pProvider);
        IHttpFileInfo* pFileInfo = pHttpContext->GetFileInfo();
        if (pFileInfo == NULL)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }
        PCWSTR pwszPath = pFileInfo->GetFilePath();
        if (pwszPath == NULL)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }

        // Ask for the exact size of the converted path, terminator included.
        int cbNeeded = WideCharToMultiByte(CP_UTF8, 0, pwszPath, -1, NULL, 0, NULL, NULL);
        if (cbNeeded <= 1 || cbNeeded > 0x7fff)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }
        PSTR pszPath = (PSTR)pHttpContext->AllocateRequestMemory((DWORD)cbNeeded);
        if (pszPath == NULL)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }
        pszPath[0] = '\0';
        int cbWritten = WideCharToMultiByte(CP_UTF8, 0, pwszPath, -1,
                                            pszPath, cbNeeded, NULL, NULL);
        if (cbWritten <= 1)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }

        pHttpContext->GetResponse()->SetHeader("X-Served-File", pszPath,
                                               (USHORT)strlen(pszPath), TRUE);
        return RQ_NOTIFICATION_CONTINUE;
    }
};

class CServedFileFactory : public IHttpModuleFactory
{
public:
    HRESULT GetHttpModule(OUT CHttpModule** ppModule, IN IModuleAllocator* pAllocator)
    {
        UNREFERENCED_PARAMETER(pAllocator);
        CServedFileHeader* pModule = new CServedFileHeader();
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
    return pModuleInfo->SetRequestNotifications(new CServedFileFactory, RQ_SEND_RESPONSE, 0);
}
