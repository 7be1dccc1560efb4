//
// JSON error page writer.  Builds bodies with the standard library / ATL
// string classes.  The storage of a local string or vector is released when
// the function returns, so it cannot be handed to IIS by reference.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <atlstr.h>
#include <string>
#include <vector>

std::string  BuildErrorJson(_In_ PCSTR pszCode, _In_ PCSTR pszMessage);
std::wstring BuildErrorText(IN USHORT uStatus);

class CErrorPageModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext *           pHttpContext,
        IN ISendResponseProvider *  pProvider
    );

private:
    HRESULT WriteJsonError(IN IHttpContext * pHttpContext, IN USHORT uStatus);
};

HRESULT
CErrorPageModule::WriteJsonError(
    IN IHttpContext *   pHttpContext,
    IN USHORT           uStatus
)
{
    std::string     strBody = BuildErrorJson("E_SERVER", "The server could not complete the request.");
    HTTP_DATA_CHUNK chunk;

    UNREFERENCED_PARAMETER(uStatus);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) strBody.c_str();
    chunk.FromMemory.BufferLength = (ULONG) strBody.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteJsonErrorAsync(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszCode
)
{
    std::string     strBody = BuildErrorJson(pszCode, "Request rejected.");
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;
    BOOL            fCompletionExpected = FALSE;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) strBody.data();
    chunk.FromMemory.BufferLength = (ULONG) strBody.length();

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, TRUE, FALSE, &cbSent, &fCompletionExpected);
//~^ borrowed-buffer-by-reference
}

HRESULT
PrependEnvelope(
    IN IHttpContext * pHttpContext
)
{
    static const char c_szEnvelope[] = "{\"envelope\":";
    std::vector<char> rgchEnvelope(c_szEnvelope, c_szEnvelope + sizeof(c_szEnvelope) - 1);

    return pHttpContext->GetRequest()->InsertEntityBody(&rgchEnvelope[0], (DWORD) rgchEnvelope.size());
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteBytesByReference(
    IN IHttpContext * pHttpContext
)
{
    std::vector<char> rgchBody;
    HTTP_DATA_CHUNK   chunk;

    rgchBody.assign(4, ' ');
    rgchBody.push_back('\n');

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = rgchBody.data();
    chunk.FromMemory.BufferLength = (ULONG) rgchBody.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteAtlString(
    IN IHttpContext *   pHttpContext,
    IN USHORT           uStatus
)
{
    CStringA        strBody;
    HTTP_DATA_CHUNK chunk;

    strBody.Format("<html><body>Error %hu</body></html>", uStatus);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) (LPCSTR) strBody;
    chunk.FromMemory.BufferLength = (ULONG) strBody.GetLength();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteWideText(
    IN IHttpContext *   pHttpContext,
    IN USHORT           uStatus
)
{
    std::wstring    strText = BuildErrorText(uStatus);
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) strText.c_str();
    chunk.FromMemory.BufferLength = (ULONG) (strText.size() * sizeof(wchar_t));

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteMessageThroughAuto(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszMessage
)
{
    std::string     strMessage("message: ");
    HTTP_DATA_CHUNK chunk;

    strMessage += pszMessage;
    auto pszText = strMessage.c_str();

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) pszText;
    chunk.FromMemory.BufferLength = (ULONG) strMessage.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
PrependBinaryPreamble(
    IN IHttpContext * pHttpContext
)
{
    std::vector<BYTE> rgbPreamble = { 0x1F, 0x8B, 0x08 };

    return pHttpContext->GetRequest()->InsertEntityBody(rgbPreamble.data(), (DWORD) rgbPreamble.size());
//~^ borrowed-buffer-by-reference
}

//
// Near misses: the string is copied into request memory first, or the write
// is synchronous.
//

HRESULT
WriteJsonErrorCopied(
    IN IHttpContext * pHttpContext
)
{
    std::string     strBody = BuildErrorJson("E_SERVER", "Try again later.");
    PVOID           pvBody = NULL;
    HTTP_DATA_CHUNK chunk;

    pvBody = pHttpContext->AllocateRequestMemory((DWORD) strBody.size());
    if (pvBody == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pvBody, strBody.data(), strBody.size());

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pvBody;
    chunk.FromMemory.BufferLength = (ULONG) strBody.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

HRESULT
WriteJsonErrorSync(
    IN IHttpContext * pHttpContext
)
{
    std::string     strBody = BuildErrorJson("E_BUSY", "Server busy.");
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) strBody.c_str();
    chunk.FromMemory.BufferLength = (ULONG) strBody.size();

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, FALSE, &cbSent);
}

HRESULT
WriteAtlStringCopied(
    IN IHttpContext *       pHttpContext,
    IN IModuleAllocator *   pAllocator,
    IN USHORT               uStatus
)
{
    CStringA        strBody;
    PSTR            pszBody = NULL;
    HTTP_DATA_CHUNK chunk;

    strBody.Format("<html><body>Error %hu</body></html>", uStatus);

    pszBody = (PSTR) pAllocator->AllocateMemory(strBody.GetLength());
    if (pszBody == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszBody, (LPCSTR) strBody, strBody.GetLength());

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszBody;
    chunk.FromMemory.BufferLength = (ULONG) strBody.GetLength();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

HRESULT
PrependEnvelopeCopied(
    IN IHttpContext * pHttpContext
)
{
    std::vector<char> rgchEnvelope;
    PVOID             pvEnvelope = NULL;

    rgchEnvelope.assign(12, '{');

    pvEnvelope = pHttpContext->AllocateRequestMemory((DWORD) rgchEnvelope.size());
    if (pvEnvelope == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pvEnvelope, rgchEnvelope.data(), rgchEnvelope.size());
    return pHttpContext->GetRequest()->InsertEntityBody(pvEnvelope, (DWORD) rgchEnvelope.size());
}

HRESULT
SetErrorCodeHeader(
    IN IHttpContext * pHttpContext
)
{
    std::string strCode("E_SERVER");

    // SetHeader copies the value.
    return pHttpContext->GetResponse()->SetHeader("X-Error-Code", strCode.c_str(), (USHORT) strCode.size(), TRUE);
}

REQUEST_NOTIFICATION_STATUS
CErrorPageModule::OnSendResponse(
    IN IHttpContext *           pHttpContext,
    IN ISendResponseProvider *  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    USHORT uStatus = 0;

    pHttpContext->GetResponse()->GetStatus(&uStatus);
    if (uStatus >= 500)
    {
        pHttpContext->GetResponse()->Clear();
        WriteJsonErrorCopied(pHttpContext);
    }

    return RQ_NOTIFICATION_CONTINUE;
}
