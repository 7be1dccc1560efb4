//
// Frame encoder used by the push-notification handler.  Builds a small framed
// payload in request memory and writes it to the response.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <strsafe.h>

#define ErrorIf(expr, hresult)  if (expr) { hr = (hresult); goto Error; }
#define IfFailGo(expr)          { hr = (expr); if (FAILED(hr)) { goto Error; } }

#define FRAME_MAGIC             0x46524D31
#define MAX_FRAME_PAYLOAD       (64 * 1024)

#pragma pack(push, 1)
typedef struct _FRAME_HEADER
{
    DWORD   dwMagic;
    DWORD   cbPayload;
} FRAME_HEADER;
#pragma pack(pop)

typedef struct _BUFFER_DESC
{
    PBYTE   pbData;
    DWORD   cbData;
    BOOL    fOwned;
} BUFFER_DESC;

HRESULT
CompressPayload(
    _In_reads_bytes_(cbInput) const BYTE * pbInput,
    IN DWORD                               cbInput,
    _Out_writes_bytes_(cbOutput) PBYTE     pbOutput,
    IN DWORD                               cbOutput,
    _Out_ DWORD *                          pcbWritten
);

class CFrameState
{
public:
    CFrameState() : m_cFrames(0), m_cbTotal(0) {}
    VOID Record(DWORD cb) { m_cFrames++; m_cbTotal += cb; }
private:
    DWORD m_cFrames;
    DWORD m_cbTotal;
};

HRESULT
WriteFrame(
    IN IHttpContext *                       pHttpContext,
    _In_reads_bytes_(cbPayload) const BYTE *pbPayload,
    IN DWORD                                cbPayload
)
{
    HRESULT         hr = S_OK;
    PBYTE           pbFrame = NULL;
    FRAME_HEADER *  pHeader = NULL;
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    ErrorIf(cbPayload > MAX_FRAME_PAYLOAD, E_INVALIDARG);
    ErrorIf(NULL == (pbFrame = (PBYTE) pHttpContext->AllocateRequestMemory(sizeof(FRAME_HEADER) + cbPayload)), E_OUTOFMEMORY);

    pHeader = (FRAME_HEADER *) pbFrame;
    pHeader->dwMagic = FRAME_MAGIC;
    pHeader->cbPayload = cbPayload;
    memcpy(pbFrame + sizeof(FRAME_HEADER), pbPayload, cbPayload);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pbFrame;
    chunk.FromMemory.BufferLength = sizeof(FRAME_HEADER) + cbPayload;

    IfFailGo(pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent));

    hr = S_OK;

Error:

    if (pbFrame != NULL)
    {
        free(pbFrame);
//~^ request-memory-freed
    }

    return hr;
}

HRESULT
WriteKeepAliveFrame(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    PVOID           pvFrame = pHttpContext->AllocateRequestMemory(sizeof(FRAME_HEADER));
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    if (pvFrame == NULL)
    {
        return E_OUTOFMEMORY;
    }

    auto pHeader = (FRAME_HEADER *) pvFrame;
    pHeader->dwMagic = FRAME_MAGIC;
    pHeader->cbPayload = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pvFrame;
    chunk.FromMemory.BufferLength = sizeof(FRAME_HEADER);

    hr = pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);

    delete pHeader;
//~^ request-memory-freed
    return hr;
}

HRESULT
WriteTextFrame(
    IN IHttpContext * pHttpContext,
    _In_ PCSTR        pszText
)
{
    HRESULT hr = S_OK;
    DWORD   cchText = (DWORD) strlen(pszText);
    PBYTE   pbFrame = NULL;
    PBYTE   pbBody = NULL;

    pbFrame = (PBYTE) pHttpContext->AllocateRequestMemory(sizeof(FRAME_HEADER) + cchText);
    if (pbFrame == NULL)
    {
        return E_OUTOFMEMORY;
    }

    ((FRAME_HEADER *) pbFrame)->dwMagic = FRAME_MAGIC;
    ((FRAME_HEADER *) pbFrame)->cbPayload = cchText;

    pbBody = pbFrame + sizeof(FRAME_HEADER);
    memcpy(pbBody, pszText, cchText);

    hr = WriteFrame(pHttpContext, pbFrame, sizeof(FRAME_HEADER) + cchText);

    // Release the whole frame, starting from its header.
    PBYTE pbStart = pbBody - sizeof(FRAME_HEADER);
    delete [] pbStart;
//~^ request-memory-freed
    return hr;
}

HRESULT
WriteCompressedFrame(
    IN IHttpContext *                       pHttpContext,
    _In_reads_bytes_(cbPayload) const BYTE *pbPayload,
    IN DWORD                                cbPayload,
    IN BOOL                                 fScratchFromRequest
)
{
    HRESULT hr = S_OK;
    DWORD   cbCompressed = 0;
    PBYTE   pbScratch = (PBYTE) pHttpContext->AllocateRequestMemory(cbPayload);
    PBYTE   pbRelease = NULL;

    if (pbScratch == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = CompressPayload(pbPayload, cbPayload, pbScratch, cbPayload, &cbCompressed);
    if (SUCCEEDED(hr))
    {
        hr = WriteFrame(pHttpContext, pbScratch, cbCompressed);
    }

    pbRelease = fScratchFromRequest ? pbScratch : NULL;
    free(pbRelease);
//~^ request-memory-freed
    return hr;
}

HRESULT
WriteDescribedFrame(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbPayload
)
{
    HRESULT     hr = S_OK;
    BUFFER_DESC desc = { 0 };
    PBYTE       pbData = (PBYTE) pHttpContext->AllocateRequestMemory(cbPayload);

    if (pbData == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memset(pbData, 0, cbPayload);

    desc.pbData = pbData;
    desc.cbData = cbPayload;
    desc.fOwned = TRUE;

    hr = WriteFrame(pHttpContext, desc.pbData, desc.cbData);

    if (desc.fOwned)
    {
        CoTaskMemFree(desc.pbData);
//~^ request-memory-freed
    }

    return hr;
}

HRESULT
WriteCopiedTextFrame(
    IN IHttpContext *   pHttpContext,
    _In_ PCSTR          pszText
)
{
    HRESULT hr = S_OK;
    DWORD   cchText = (DWORD) strlen(pszText);
    PSTR    pszCopy = NULL;

    pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchText + 1);
    if (pszCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = StringCchCopyA(pszCopy, cchText + 1, pszText);
    if (FAILED(hr))
    {
        HeapFree(GetProcessHeap(), 0, pszCopy);
//~^ request-memory-freed
        return hr;
    }

    return WriteFrame(pHttpContext, (const BYTE *) pszCopy, cchText);
}

//
// Near misses.
//

HRESULT
WriteFrameFromCopy(
    IN IHttpContext *                       pHttpContext,
    _In_reads_bytes_(cbPayload) const BYTE *pbPayload,
    IN DWORD                                cbPayload
)
{
    HRESULT hr = S_OK;
    PBYTE   pbRequestCopy = NULL;
    PBYTE   pbBackup = NULL;

    pbRequestCopy = (PBYTE) pHttpContext->AllocateRequestMemory(cbPayload);
    if (pbRequestCopy == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pbRequestCopy, pbPayload, cbPayload);

    // Keep a private backup for the retry path; this one is ours to free.
    pbBackup = (PBYTE) malloc(cbPayload);
    if (pbBackup == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pbBackup, pbRequestCopy, cbPayload);

    hr = WriteFrame(pHttpContext, pbRequestCopy, cbPayload);
    if (FAILED(hr))
    {
        hr = WriteFrame(pHttpContext, pbBackup, cbPayload);
    }

    free(pbBackup);
    return hr;
}

HRESULT
WriteFrameWithState(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbPayload
)
{
    HRESULT       hr = S_OK;
    CFrameState * pState = new (std::nothrow) CFrameState();
    PBYTE         pbPayload = NULL;

    if (pState == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pbPayload = (PBYTE) pHttpContext->AllocateRequestMemory(cbPayload);
    if (pbPayload == NULL)
    {
        delete pState;
        return E_OUTOFMEMORY;
    }

    memset(pbPayload, 0x20, cbPayload);
    hr = WriteFrame(pHttpContext, pbPayload, cbPayload);
    pState->Record(cbPayload);

    delete pState;
    return hr;
}

HRESULT
WriteFrameTwice(
    IN IHttpContext *   pHttpContext,
    IN DWORD            cbPayload
)
{
    HRESULT hr = S_OK;
    HANDLE  hHeap = GetProcessHeap();
    PBYTE   pbPayload = NULL;

    pbPayload = (PBYTE) pHttpContext->AllocateRequestMemory(cbPayload);
    if (pbPayload == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memset(pbPayload, 0, cbPayload);
    hr = WriteFrame(pHttpContext, pbPayload, cbPayload);
    if (FAILED(hr))
    {
        return hr;
    }

    // Second frame goes through the process heap.
    pbPayload = (PBYTE) HeapAlloc(hHeap, HEAP_ZERO_MEMORY, cbPayload);
    if (pbPayload == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = WriteFrame(pHttpContext, pbPayload, cbPayload);
    HeapFree(hHeap, 0, pbPayload);
    return hr;
}
