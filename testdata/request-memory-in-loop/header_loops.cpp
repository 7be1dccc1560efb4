//
// Header normalisation module.  Walks the raw HTTP_REQUEST headers and the
// cookie header and keeps lower-cased copies in request memory.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <string.h>

#define MAX_CUSTOM_HEADERS      32
#define MAX_COOKIE_NAMES        64
#define NAME_CCH                128

typedef struct _HEADER_COPY
{
    PSTR    pszName;
    USHORT  cchName;
} HEADER_COPY;

typedef struct _RULE
{
    PCSTR   pszHeader;
    BOOL    fRemove;
} RULE;

typedef struct _MODULE_CONFIG
{
    DWORD   cRules;
    RULE *  pRules;
} MODULE_CONFIG;

static PCSTR s_rgszTrackedHeaders[] =
{
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
};

VOID RememberHeader(_In_ PSTR pszName, IN USHORT cchName);
VOID RememberChunk(_In_ PBYTE pbCopy, IN ULONG cbCopy);

HRESULT
CopyUnknownHeaderNames(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount; i++)
    {
        HTTP_UNKNOWN_HEADER * pHeader = &pRaw->Headers.pUnknownHeaders[i];
        PSTR pszName = (PSTR) pHttpContext->AllocateRequestMemory(pHeader->NameLength + 1);
//~^ request-memory-in-loop
        if (!pszName)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszName, pHeader->pName, pHeader->NameLength);
        pszName[pHeader->NameLength] = '\0';
        RememberHeader(pszName, pHeader->NameLength);
    }

    return S_OK;
}

HRESULT
CopyEntityChunks(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    for (USHORT iChunk = 0; iChunk < pRaw->EntityChunkCount; iChunk++)
    {
        HTTP_DATA_CHUNK * pChunk = &pRaw->pEntityChunks[iChunk];
        PBYTE pbCopy = NULL;

        if (pChunk->DataChunkType != HttpDataChunkFromMemory)
        {
            continue;
        }

        pbCopy = (PBYTE) pHttpContext->AllocateRequestMemory(pChunk->FromMemory.BufferLength);
//~^ request-memory-in-loop
        if (!pbCopy)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pbCopy, pChunk->FromMemory.pBuffer, pChunk->FromMemory.BufferLength);
        RememberChunk(pbCopy, pChunk->FromMemory.BufferLength);
    }

    return S_OK;
}

HRESULT
SplitCookieNames(
    IN IHttpContext * pHttpContext
)
{
    USHORT  cchCookie = 0;
    PCSTR   pszCookie = pHttpContext->GetRequest()->GetHeader("Cookie", &cchCookie);
    USHORT  ichStart = 0;

    for (USHORT ich = 0; ich < cchCookie; ich++)
    {
        if (pszCookie[ich] == ';')
        {
            USHORT cchName = ich - ichStart;
            PSTR   pszName = (PSTR) pHttpContext->AllocateRequestMemory(cchName + 1);
//~^ request-memory-in-loop
            if (!pszName)
            {
                return E_OUTOFMEMORY;
            }

            memcpy(pszName, pszCookie + ichStart, cchName);
            pszName[cchName] = '\0';
            RememberHeader(pszName, cchName);
            ichStart = ich + 1;
        }
    }

    return S_OK;
}

HRESULT
SplitAcceptTokens(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    USHORT          cchAccept = pRaw->Headers.KnownHeaders[HttpHeaderAccept].RawValueLength;
    USHORT          cTokens = cchAccept / 2;

    for (USHORT iToken = 0; iToken < cTokens; iToken++)
    {
        HEADER_COPY * pCopy = (HEADER_COPY *) pHttpContext->AllocateRequestMemory(sizeof(HEADER_COPY));
//~^ request-memory-in-loop
        if (!pCopy)
        {
            return E_OUTOFMEMORY;
        }

        pCopy->pszName = NULL;
        pCopy->cchName = iToken;
        RememberHeader(pCopy->pszName, pCopy->cchName);
    }

    return S_OK;
}

HRESULT
CopyUnknownHeaderValues(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    USHORT          cHeaders = pRaw->Headers.UnknownHeaderCount;
    USHORT          iHeader = 0;

    while (iHeader < cHeaders)
    {
        HTTP_UNKNOWN_HEADER * pHeader = &pRaw->Headers.pUnknownHeaders[iHeader];
        PSTR pszValue = (PSTR) pHttpContext->AllocateRequestMemory(pHeader->RawValueLength + 1);
//~^ request-memory-in-loop
        if (!pszValue)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszValue, pHeader->pRawValue, pHeader->RawValueLength);
        pszValue[pHeader->RawValueLength] = '\0';
        RememberHeader(pszValue, pHeader->RawValueLength);
        iHeader++;
    }

    return S_OK;
}

HRESULT
CopyHeaderNamesTwoPasses(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    for (int iPass = 0; iPass < 2; iPass++)
    {
        for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount; i++)
        {
            PSTR pszName = (PSTR) pHttpContext->AllocateRequestMemory(NAME_CCH);
//~^ request-memory-in-loop
            if (!pszName)
            {
                return E_OUTOFMEMORY;
            }

            pszName[0] = (iPass == 0) ? 'n' : 'v';
            RememberHeader(pszName, 1);
        }
    }

    return S_OK;
}

HRESULT
CopyHeaderNamesWithAllocator(
    IN IModuleAllocator *   pAllocator,
    IN IHttpRequest *       pRequest
)
{
    HTTP_REQUEST * pRaw = pRequest->GetRawHttpRequest();

    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount; i++)
    {
        PSTR pszName = (PSTR) pAllocator->AllocateMemory(pRaw->Headers.pUnknownHeaders[i].NameLength + 1);
//~^ request-memory-in-loop
        if (!pszName)
        {
            return E_OUTOFMEMORY;
        }

        strncpy_s(pszName, pRaw->Headers.pUnknownHeaders[i].NameLength + 1, pRaw->Headers.pUnknownHeaders[i].pName, _TRUNCATE);
        RememberHeader(pszName, pRaw->Headers.pUnknownHeaders[i].NameLength);
    }

    return S_OK;
}

HRESULT
CopyHeadersUntilStopped(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    BOOL            fContinue = TRUE;

    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount && fContinue; i++)
    {
        HTTP_UNKNOWN_HEADER * pHeader = &pRaw->Headers.pUnknownHeaders[i];
        PSTR pszName = (PSTR) pHttpContext->AllocateRequestMemory(pHeader->NameLength + 1);
//~^ request-memory-in-loop
        if (!pszName)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszName, pHeader->pName, pHeader->NameLength);
        pszName[pHeader->NameLength] = '\0';
        RememberHeader(pszName, pHeader->NameLength);
        fContinue = (_stricmp(pszName, "X-Stop") != 0);
    }

    return S_OK;
}

//
// Near misses.
//

HRESULT
CopyCappedUnknownHeaderNames(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST * pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount && i < MAX_CUSTOM_HEADERS; i++)
    {
        HTTP_UNKNOWN_HEADER * pHeader = &pRaw->Headers.pUnknownHeaders[i];
        PSTR pszName = (PSTR) pHttpContext->AllocateRequestMemory(pHeader->NameLength + 1);
        if (pszName == NULL)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszName, pHeader->pName, pHeader->NameLength);
        pszName[pHeader->NameLength] = '\0';
        RememberHeader(pszName, pHeader->NameLength);
    }

    return S_OK;
}

HRESULT
CopyTrackedHeaders(
    IN IHttpContext * pHttpContext
)
{
    IHttpRequest * pRequest = pHttpContext->GetRequest();

    for (DWORD i = 0; i < ARRAYSIZE(s_rgszTrackedHeaders); i++)
    {
        USHORT cchValue = 0;
        PCSTR  pszValue = pRequest->GetHeader(s_rgszTrackedHeaders[i], &cchValue);
        PSTR   pszCopy = NULL;

        if (pszValue == NULL)
        {
            continue;
        }

        pszCopy = (PSTR) pHttpContext->AllocateRequestMemory(cchValue + 1);
        if (pszCopy == NULL)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszCopy, pszValue, cchValue);
        pszCopy[cchValue] = '\0';
        RememberHeader(pszCopy, cchValue);
    }

    return S_OK;
}

HRESULT
PreallocateSlots(
    IN IHttpContext * pHttpContext
)
{
    for (int i = 0; i < 4; i++)
    {
        HEADER_COPY * pSlot = (HEADER_COPY *) pHttpContext->AllocateRequestMemory(sizeof(HEADER_COPY));
        if (pSlot == NULL)
        {
            return E_OUTOFMEMORY;
        }

        pSlot->pszName = NULL;
        pSlot->cchName = 0;
        RememberHeader(pSlot->pszName, pSlot->cchName);
    }

    return S_OK;
}

HRESULT
ApplyConfiguredRules(
    IN IHttpContext *       pHttpContext,
    IN MODULE_CONFIG *      pConfig
)
{
    for (DWORD iRule = 0; iRule < pConfig->cRules; iRule++)
    {
        DWORD cchHeader = (DWORD) strlen(pConfig->pRules[iRule].pszHeader);
        PSTR  pszHeader = (PSTR) pHttpContext->AllocateRequestMemory(cchHeader + 1);
        if (pszHeader == NULL)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszHeader, pConfig->pRules[iRule].pszHeader, cchHeader + 1);
        RememberHeader(pszHeader, (USHORT) cchHeader);
    }

    return S_OK;
}

HRESULT
CopyAllHeaderNamesInOneBlock(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    DWORD           cbNames = 0;
    PSTR            pszNames = NULL;
    PSTR            pszCursor = NULL;

    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount; i++)
    {
        cbNames += pRaw->Headers.pUnknownHeaders[i].NameLength + 1;
    }

    // One allocation sized from the request, outside of any loop.
    pszNames = (PSTR) pHttpContext->AllocateRequestMemory(cbNames + 1);
    if (pszNames == NULL)
    {
        return E_OUTOFMEMORY;
    }

    pszCursor = pszNames;
    for (USHORT i = 0; i < pRaw->Headers.UnknownHeaderCount; i++)
    {
        memcpy(pszCursor, pRaw->Headers.pUnknownHeaders[i].pName, pRaw->Headers.pUnknownHeaders[i].NameLength);
        pszCursor += pRaw->Headers.pUnknownHeaders[i].NameLength;
        *pszCursor++ = ',';
    }
    *pszCursor = '\0';

    return pHttpContext->GetResponse()->SetHeader("X-Seen-Headers", pszNames, (USHORT) (pszCursor - pszNames), TRUE);
}

HRESULT
SplitCookieNamesCapped(
    IN IHttpContext * pHttpContext
)
{
    USHORT  cchCookie = 0;
    PCSTR   pszCookie = pHttpContext->GetRequest()->GetHeader("Cookie", &cchCookie);
    USHORT  ichStart = 0;
    DWORD   cNames = 0;

    for (USHORT ich = 0; ich < cchCookie; ich++)
    {
        if (pszCookie[ich] != ';')
        {
            continue;
        }

        if (cNames >= MAX_COOKIE_NAMES)
        {
            goto Finished;
        }

        USHORT cchName = ich - ichStart;
        PSTR   pszName = (PSTR) pHttpContext->AllocateRequestMemory(cchName + 1);
        if (pszName == NULL)
        {
            return E_OUTOFMEMORY;
        }

        memcpy(pszName, pszCookie + ichStart, cchName);
        pszName[cchName] = '\0';
        RememberHeader(pszName, cchName);
        ichStart = ich + 1;
        cNames++;
    }

Finished:

    return S_OK;
}
