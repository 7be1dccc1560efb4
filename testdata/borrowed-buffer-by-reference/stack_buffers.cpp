//
// Status / health-check responder.  Formats small bodies on the stack.
//
// WriteEntityChunkByReference, InsertEntityBody and asynchronous
// WriteEntityChunks keep the caller's pointer until the response has been
// sent, long after these functions have returned and their stack frames
// are gone.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define STATUS_CCH          512
#define FOOTER_CCH          128
#define HEALTH_BODY         "{\"status\":\"healthy\"}"

typedef struct _RESPONSE_PART
{
    PVOID   pvData;
    ULONG   cbData;
} RESPONSE_PART;

DWORD GetActiveRequestCount();

class CHealthModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnExecuteRequestHandler(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );

private:
    HRESULT WriteStatus(IN IHttpContext * pHttpContext);
    HRESULT WriteStatusAsync(IN IHttpContext * pHttpContext);
};

HRESULT
CHealthModule::WriteStatus(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    CHAR            szStatus[STATUS_CCH];
    HTTP_DATA_CHUNK chunk;

    hr = StringCchPrintfA(szStatus, ARRAYSIZE(szStatus), "{\"active\":%lu}", GetActiveRequestCount());
    if (FAILED(hr))
    {
        return hr;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = szStatus;
    chunk.FromMemory.BufferLength = (ULONG) strlen(szStatus);

    return pResponse->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
CHealthModule::WriteStatusAsync(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpResponse * pResponse = pHttpContext->GetResponse();
    CHAR            szStatus[STATUS_CCH];
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    hr = StringCchPrintfA(szStatus, ARRAYSIZE(szStatus), "{\"tick\":%lu}", GetTickCount());
    if (FAILED(hr))
    {
        return hr;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = szStatus;
    chunk.FromMemory.BufferLength = (ULONG) strlen(szStatus);

    return pResponse->WriteEntityChunks(&chunk, 1, TRUE, TRUE, &cbSent);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteStatusAsyncWithCompletion(
    IN IHttpContext *   pHttpContext,
    OUT BOOL *          pfCompletionExpected
)
{
    CHAR            szBody[64] = HEALTH_BODY;
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = szBody;
    chunk.FromMemory.BufferLength = sizeof(HEALTH_BODY) - 1;

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, TRUE, FALSE, &cbSent, pfCompletionExpected);
//~^ borrowed-buffer-by-reference
}

HRESULT
PrependFormPrefix(
    IN IHttpContext * pHttpContext
)
{
    CHAR  szPrefix[32];
    DWORD cchPrefix = 0;

    if (FAILED(StringCchCopyA(szPrefix, ARRAYSIZE(szPrefix), "source=iis&")))
    {
        return E_UNEXPECTED;
    }

    cchPrefix = (DWORD) strlen(szPrefix);
    return pHttpContext->GetRequest()->InsertEntityBody(szPrefix, cchPrefix);
//~^ borrowed-buffer-by-reference
}

HRESULT
PrependBinaryMarker(
    IN IHttpContext * pHttpContext
)
{
    BYTE rgbMarker[8] = { 0xEF, 0xBB, 0xBF, 0x00, 0x00, 0x00, 0x00, 0x00 };

    return pHttpContext->GetRequest()->InsertEntityBody((PVOID) rgbMarker, 3);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteWideStatus(
    IN IHttpContext * pHttpContext
)
{
    WCHAR           wszStatus[64];
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchPrintfW(wszStatus, ARRAYSIZE(wszStatus), L"active=%lu", GetActiveRequestCount())))
    {
        return E_UNEXPECTED;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) wszStatus;
    chunk.FromMemory.BufferLength = (ULONG) (wcslen(wszStatus) * sizeof(WCHAR));

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteStatusSuffix(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cchSkip
)
{
    CHAR            szLine[STATUS_CCH];
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchPrintfA(szLine, ARRAYSIZE(szLine), "status: ok\r\n")))
    {
        return E_UNEXPECTED;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = szLine + cchSkip;
    chunk.FromMemory.BufferLength = (ULONG) strlen(szLine + cchSkip);

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteStatusThroughPointer(
    IN IHttpContext * pHttpContext
)
{
    CHAR            szBody[STATUS_CCH];
    PSTR            pszBody = szBody;
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchCopyA(pszBody, STATUS_CCH, "OK")))
    {
        return E_UNEXPECTED;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszBody;
    chunk.FromMemory.BufferLength = 2;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteShortOrLongStatus(
    IN IHttpContext *   pHttpContext,
    IN BOOL             fVerbose
)
{
    CHAR            szShort[16] = "ok";
    CHAR            szLong[STATUS_CCH] = "status=ok; checks=3; failures=0";
    PSTR            pszBody = fVerbose ? szLong : szShort;
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszBody;
    chunk.FromMemory.BufferLength = (ULONG) strlen(pszBody);

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
WriteFooterPart(
    IN IHttpContext * pHttpContext
)
{
    CHAR            szFooter[FOOTER_CCH];
    RESPONSE_PART   part;
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchCopyA(szFooter, ARRAYSIZE(szFooter), "\r\n-- health\r\n")))
    {
        return E_UNEXPECTED;
    }

    part.pvData = szFooter;
    part.cbData = (ULONG) strlen(szFooter);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = part.pvData;
    chunk.FromMemory.BufferLength = part.cbData;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

//
// Near misses.
//

HRESULT
WriteStatusSync(
    IN IHttpContext * pHttpContext
)
{
    CHAR            szStatus[STATUS_CCH];
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    if (FAILED(StringCchPrintfA(szStatus, ARRAYSIZE(szStatus), "{\"active\":%lu}", GetActiveRequestCount())))
    {
        return E_UNEXPECTED;
    }

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = szStatus;
    chunk.FromMemory.BufferLength = (ULONG) strlen(szStatus);

    // Synchronous write: IIS copies the data before returning.
    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);
}

HRESULT
WriteStatusCopied(
    IN IHttpContext * pHttpContext
)
{
    CHAR            szStatus[STATUS_CCH];
    DWORD           cchStatus = 0;
    PSTR            pszCopy = NULL;
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchPrintfA(szStatus, ARRAYSIZE(szStatus), "{\"active\":%lu}", GetActiveRequestCount())))
    {
        return E_UNEXPECTED;
    }

    cchStatus = (DWORD) strlen(szStatus);
    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchStatus);
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszCopy, szStatus, cchStatus);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszCopy;
    chunk.FromMemory.BufferLength = cchStatus;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

HRESULT
WriteHealthLiteral(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) HEALTH_BODY;
    chunk.FromMemory.BufferLength = sizeof(HEALTH_BODY) - 1;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

HRESULT
WriteOkLiteralAsync(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) "OK";
    chunk.FromMemory.BufferLength = 2;

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, TRUE, FALSE, &cbSent);
}

HRESULT
PrependFormPrefixCopied(
    IN IHttpContext * pHttpContext
)
{
    CHAR  szPrefix[32];
    DWORD cchPrefix = 0;
    PVOID pvPrefix = NULL;

    if (FAILED(StringCchCopyA(szPrefix, ARRAYSIZE(szPrefix), "source=iis&")))
    {
        return E_UNEXPECTED;
    }

    cchPrefix = (DWORD) strlen(szPrefix);
    pvPrefix = pHttpContext->AllocateRequestMemory(cchPrefix);
    if (pvPrefix == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pvPrefix, szPrefix, cchPrefix);
    return pHttpContext->GetRequest()->InsertEntityBody(pvPrefix, cchPrefix);
}

HRESULT
WriteStatusReassigned(
    IN IHttpContext * pHttpContext
)
{
    CHAR            szStatus[STATUS_CCH];
    PSTR            pszBody = szStatus;
    DWORD           cchBody = 0;
    HTTP_DATA_CHUNK chunk;

    if (FAILED(StringCchCopyA(pszBody, STATUS_CCH, "maintenance")))
    {
        return E_UNEXPECTED;
    }

    cchBody = (DWORD) strlen(pszBody);

    // Move the formatted text into request memory before handing it off.
    pszBody = (PSTR) pHttpContext->AllocateRequestMemory(cchBody);
    if (pszBody == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszBody, szStatus, cchBody);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszBody;
    chunk.FromMemory.BufferLength = cchBody;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

HRESULT
SetStatusHeader(
    IN IHttpContext * pHttpContext
)
{
    CHAR szValue[32];

    if (FAILED(StringCchPrintfA(szValue, ARRAYSIZE(szValue), "%lu", GetActiveRequestCount())))
    {
        return E_UNEXPECTED;
    }

    // SetHeader copies the value.
    return pHttpContext->GetResponse()->SetHeader("X-Active-Requests", szValue, (USHORT) strlen(szValue), TRUE);
}

HRESULT
WriteLogFile(
    IN IHttpContext *   pHttpContext,
    IN HANDLE           hFile,
    IN ULONGLONG        cbFile
)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromFileHandle;
    chunk.FromFileHandle.ByteRange.StartingOffset.QuadPart = 0;
    chunk.FromFileHandle.ByteRange.Length.QuadPart = cbFile;
    chunk.FromFileHandle.FileHandle = hFile;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
}

REQUEST_NOTIFICATION_STATUS
CHealthModule::OnExecuteRequestHandler(
    IN IHttpContext *       pHttpContext,
    IN IHttpEventProvider * pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    IHttpResponse * pResponse = pHttpContext->GetResponse();

    pResponse->SetStatus(200, "OK");
    pResponse->SetHeader(HttpHeaderContentType, "application/json", 16, TRUE);

    if (FAILED(WriteStatusCopied(pHttpContext)))
    {
        pResponse->SetStatus(500, "Internal Server Error");
    }

    return RQ_NOTIFICATION_FINISH_REQUEST;
}
