//
// Upload buffering module.  Reads the request entity body into request
// memory before the handler runs.  A client controls how many bytes it
// sends, so any loop that allocates per chunk of body needs a fixed cap.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>

#define READ_CHUNK_BYTES        4096
#define MAX_BODY_BYTES          (1024 * 1024)
#define MAX_UPLOAD_BYTES        (8 * 1024 * 1024)

typedef struct _BODY_SEGMENT
{
    PBYTE                   pbData;
    DWORD                   cbData;
    struct _BODY_SEGMENT *  pNext;
} BODY_SEGMENT;

//
// Implemented in segments.cpp; links a segment into the request's list.
//
VOID AppendSegment(_Inout_ BODY_SEGMENT ** ppHead, _In_ PBYTE pbData, IN DWORD cbData);
VOID InspectSegment(_In_reads_bytes_(cbData) const BYTE * pbData, IN DWORD cbData);

class CUploadBufferModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnReadEntity(
        IN IHttpContext *       pHttpContext,
        IN IHttpEventProvider * pProvider
    );

private:
    HRESULT BufferWholeBody(IN IHttpContext * pHttpContext);

    BODY_SEGMENT *  m_pSegments;
};

HRESULT
CUploadBufferModule::BufferWholeBody(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbRead = 0;
    PBYTE           pbChunk = NULL;

    while (cbRemaining > 0)
    {
        pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            hr = E_OUTOFMEMORY;
            goto Finished;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            goto Finished;
        }

        AppendSegment(&m_pSegments, pbChunk, cbRead);
        cbRemaining -= cbRead;
    }

Finished:

    return hr;
}

HRESULT
ReadUntilEmpty(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRead = 0;

    do
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
    } while (cbRead != 0);

    return S_OK;
}

HRESULT
ReadWhileRemaining(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRead = 0;

    while (pRequest->GetRemainingEntityBytes() > 0)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (pbChunk == nullptr)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
    }

    return hr;
}

HRESULT
ReadByContentLength(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbContent = pRequest->GetRemainingEntityBytes();
    DWORD           cbRead = 0;

    for (DWORD cbDone = 0; cbDone < cbContent; cbDone += cbRead)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
    }

    return S_OK;
}

HRESULT
ReadInFixedChunks(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cChunks = (cbRemaining + READ_CHUNK_BYTES - 1) / READ_CHUNK_BYTES;
    DWORD           cbRead = 0;

    for (DWORD iChunk = 0; iChunk < cChunks; iChunk++)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
    }

    return S_OK;
}

HRESULT
ReadUntilFailure(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbRead = 0;

    while (cbRemaining != 0 && SUCCEEDED(hr))
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            hr = E_OUTOFMEMORY;
            continue;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (SUCCEEDED(hr))
        {
            AppendSegment(ppHead, pbChunk, cbRead);
            cbRemaining -= cbRead;
        }
    }

    return hr;
}

HRESULT
ReadWithModuleAllocator(
    IN IModuleAllocator *   pAllocator,
    IN IHttpRequest *       pRequest,
    OUT BODY_SEGMENT **     ppHead
)
{
    HRESULT hr = S_OK;
    DWORD   cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD   cbRead = 0;

    while (cbRemaining > 0)
    {
        PBYTE pbChunk = (PBYTE) pAllocator->AllocateMemory(READ_CHUNK_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
        cbRemaining -= cbRead;
    }

    return S_OK;
}

//
// Near misses: capped loops, and loops that reuse one allocation.
//

HRESULT
ReadCappedByCondition(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbTotal = 0;
    DWORD           cbRead = 0;

    while (cbRemaining > 0 && cbTotal <= MAX_BODY_BYTES)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
        if (pbChunk == NULL)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
        cbRemaining -= cbRead;
        cbTotal += cbRead;
    }

    return S_OK;
}

HRESULT
ReadCappedByIterations(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cIterations = 0;
    DWORD           cbRead = 0;

    while (cbRemaining > 0 && cIterations < 16)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
        if (pbChunk == NULL)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
        cbRemaining -= cbRead;
        cIterations++;
    }

    return S_OK;
}

HRESULT
ReadCappedByBreak(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbTotal = 0;
    DWORD           cbRead = 0;

    while (cbRemaining > 0)
    {
        if (cbTotal > MAX_BODY_BYTES)
        {
            break;
        }

        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
        if (pbChunk == NULL)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        AppendSegment(ppHead, pbChunk, cbRead);
        cbRemaining -= cbRead;
        cbTotal += cbRead;
    }

    return S_OK;
}

HRESULT
ReadCappedByReturn(
    IN IHttpContext *   pHttpContext,
    OUT BODY_SEGMENT ** ppHead
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbTotal = 0;
    DWORD           cbRead = 0;

    while (cbRemaining > 0)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
        if (pbChunk == NULL)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        cbTotal += cbRead;
        if (cbTotal > MAX_UPLOAD_BYTES)
        {
            return HRESULT_FROM_WIN32(ERROR_FILE_TOO_LARGE);
        }

        AppendSegment(ppHead, pbChunk, cbRead);
        cbRemaining -= cbRead;
    }

    return S_OK;
}

HRESULT
InspectWithOneBuffer(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbRead = 0;
    PBYTE           pbBuffer = NULL;

    // One buffer, allocated before the loop and reused for every read.
    pbBuffer = (PBYTE) pHttpContext->AllocateRequestMemory(READ_CHUNK_BYTES);
    if (pbBuffer == NULL)
    {
        return E_OUTOFMEMORY;
    }

    while (cbRemaining > 0)
    {
        hr = pRequest->ReadEntityBody(pbBuffer, READ_CHUNK_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        InspectSegment(pbBuffer, cbRead);
        cbRemaining -= cbRead;
    }

    return S_OK;
}

HRESULT
ReadThenSummarize(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbTotal = 0;
    DWORD           cbRead = 0;
    BYTE            rgbScratch[512];
    PSTR            pszSummary = NULL;

    while (cbRemaining > 0)
    {
        hr = pRequest->ReadEntityBody(rgbScratch, sizeof(rgbScratch), FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        cbTotal += cbRead;
        cbRemaining -= cbRead;
    }

    // Allocated once, after the loop.
    pszSummary = (PSTR) pHttpContext->AllocateRequestMemory(32);
    if (pszSummary == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pszSummary[0] = '\0';
    _ultoa_s(cbTotal, pszSummary, 32, 10);
    return pHttpContext->GetResponse()->SetHeader("X-Body-Bytes", pszSummary, (USHORT) strlen(pszSummary), TRUE);
}
