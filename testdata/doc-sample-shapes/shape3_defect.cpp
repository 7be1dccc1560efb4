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

        // One byte per character is plenty for a UTF-8 copy of the path.
        DWORD cchPath = (DWORD)wcslen(pwszPath);
        PSTR pszPath = (PSTR)pHttpContext->AllocateRequestMemory(cchPath);
        pszPath[0] = '\0';
        //~^ request-memory-unchecked
        int cbWritten = WideCharToMultiByte(CP_UTF8, 0, pwszPath, (int)cchPath,
                                            pszPath, (int)cchPath, NULL, NULL);
        if (cbWritten <= 0 || cbWritten > 0x7fff)
        {
            return RQ_NOTIFICATION_CONTINUE;
        }

        pHttpContext->GetResponse()->SetHeader("X-Served-File", pszPath, (USHORT)cbWritten, TRUE);
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
