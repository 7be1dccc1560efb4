//
// application/x-www-form-urlencoded and Range header parsing for the
// request-filtering module.  Field and range counts come straight from the
// client.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <string.h>

#define FORM_BUFFER_BYTES   8192
#define MAX_FORM_FIELDS     128
#define MAX_RANGES          16

typedef struct _FORM_FIELD
{
    PCSTR   pszStart;
    DWORD   cchField;
} FORM_FIELD;

typedef struct _BYTE_RANGE
{
    ULONGLONG   ullFirst;
    ULONGLONG   ullLast;
} BYTE_RANGE;

VOID AddField(_In_ FORM_FIELD * pField);
VOID AddRange(_In_ BYTE_RANGE * pRange);
BOOL ParseRange(_In_ PCSTR pszSpec, IN USHORT cchSpec, _Out_ BYTE_RANGE * pRange);

HRESULT
SplitFormFields(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRead = 0;
    DWORD           ichStart = 0;
    PBYTE           pbForm = (PBYTE) pHttpContext->AllocateRequestMemory(FORM_BUFFER_BYTES);

    if (pbForm == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = pRequest->ReadEntityBody(pbForm, FORM_BUFFER_BYTES, FALSE, &cbRead, NULL);
    if (FAILED(hr))
    {
        return hr;
    }

    for (DWORD ich = 0; ich < cbRead; ich++)
    {
        if (pbForm[ich] == '&')
        {
            FORM_FIELD * pField = (FORM_FIELD *) pHttpContext->AllocateRequestMemory(sizeof(FORM_FIELD));
//~^ request-memory-in-loop
            if (!pField)
            {
                return E_OUTOFMEMORY;
            }

            pField->pszStart = (PCSTR) pbForm + ichStart;
            pField->cchField = ich - ichStart;
            AddField(pField);
            ichStart = ich + 1;
        }
    }

    return S_OK;
}

HRESULT
SplitRangeHeader(
    IN IHttpContext * pHttpContext
)
{
    USHORT  cchRange = 0;
    PCSTR   pszRange = pHttpContext->GetRequest()->GetHeader("Range", &cchRange);
    USHORT  cchRemaining = cchRange;
    PCSTR   pszSpec = pszRange;

    while (cchRemaining > 0)
    {
        PCSTR  pszComma = (PCSTR) memchr(pszSpec, ',', cchRemaining);
        USHORT cchSpec = pszComma ? (USHORT) (pszComma - pszSpec) : cchRemaining;
        BYTE_RANGE * pRange = (BYTE_RANGE *) pHttpContext->AllocateRequestMemory(sizeof(BYTE_RANGE));
//~^ request-memory-in-loop
        if (!pRange)
        {
            return E_OUTOFMEMORY;
        }

        if (ParseRange(pszSpec, cchSpec, pRange))
        {
            AddRange(pRange);
        }

        cchRemaining -= (pszComma ? cchSpec + 1 : cchSpec);
        pszSpec += (pszComma ? cchSpec + 1 : cchSpec);
    }

    return S_OK;
}

HRESULT
SplitRawRangeHeader(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszRange = pRaw->Headers.KnownHeaders[HttpHeaderRange].pRawValue;
    USHORT          ichStart = 0;

    for (USHORT ich = 0; ich < pRaw->Headers.KnownHeaders[HttpHeaderRange].RawValueLength; ich++)
    {
        if (pszRange[ich] == ',')
        {
            BYTE_RANGE * pRange = (BYTE_RANGE *) pHttpContext->AllocateRequestMemory(sizeof(BYTE_RANGE));
//~^ request-memory-in-loop
            if (!pRange)
            {
                return E_OUTOFMEMORY;
            }

            if (ParseRange(pszRange + ichStart, ich - ichStart, pRange))
            {
                AddRange(pRange);
            }

            ichStart = ich + 1;
        }
    }

    return S_OK;
}

HRESULT
CollectFormChunks(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRemaining = pRequest->GetRemainingEntityBytes();
    DWORD           cbRead = 1;

    while (cbRemaining > 0 && cbRead > 0)
    {
        PBYTE pbChunk = (PBYTE) pHttpContext->AllocateRequestMemory(FORM_BUFFER_BYTES);
//~^ request-memory-in-loop
        if (!pbChunk)
        {
            return E_OUTOFMEMORY;
        }

        hr = pRequest->ReadEntityBody(pbChunk, FORM_BUFFER_BYTES, FALSE, &cbRead, NULL);
        if (FAILED(hr))
        {
            return hr;
        }

        FORM_FIELD field = { (PCSTR) pbChunk, cbRead };
        AddField(&field);
        cbRemaining -= cbRead;
    }

    return S_OK;
}

//
// Near misses: the same loops with a fixed cap.
//

HRESULT
SplitFormFieldsCapped(
    IN IHttpContext * pHttpContext
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRead = 0;
    DWORD           ichStart = 0;
    DWORD           cFields = 0;
    PBYTE           pbForm = (PBYTE) pHttpContext->AllocateRequestMemory(FORM_BUFFER_BYTES);

    if (pbForm == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = pRequest->ReadEntityBody(pbForm, FORM_BUFFER_BYTES, FALSE, &cbRead, NULL);
    if (FAILED(hr))
    {
        return hr;
    }

    for (DWORD ich = 0; ich < cbRead && cFields < MAX_FORM_FIELDS; ich++)
    {
        if (pbForm[ich] == '&')
        {
            FORM_FIELD * pField = (FORM_FIELD *) pHttpContext->AllocateRequestMemory(sizeof(FORM_FIELD));
            if (pField == NULL)
            {
                return E_OUTOFMEMORY;
            }

            pField->pszStart = (PCSTR) pbForm + ichStart;
            pField->cchField = ich - ichStart;
            AddField(pField);
            ichStart = ich + 1;
            cFields++;
        }
    }

    return S_OK;
}

HRESULT
SplitRangeHeaderCapped(
    IN IHttpContext * pHttpContext
)
{
    USHORT  cchRange = 0;
    PCSTR   pszRange = pHttpContext->GetRequest()->GetHeader("Range", &cchRange);
    USHORT  cchRemaining = cchRange;
    PCSTR   pszSpec = pszRange;
    DWORD   cRanges = 0;

    while (cchRemaining > 0)
    {
        if (cRanges >= MAX_RANGES)
        {
            break;
        }

        PCSTR  pszComma = (PCSTR) memchr(pszSpec, ',', cchRemaining);
        USHORT cchSpec = pszComma ? (USHORT) (pszComma - pszSpec) : cchRemaining;
        BYTE_RANGE * pRange = (BYTE_RANGE *) pHttpContext->AllocateRequestMemory(sizeof(BYTE_RANGE));
        if (pRange == NULL)
        {
            return E_OUTOFMEMORY;
        }

        if (ParseRange(pszSpec, cchSpec, pRange))
        {
            AddRange(pRange);
        }

        cRanges++;
        cchRemaining -= (pszComma ? cchSpec + 1 : cchSpec);
        pszSpec += (pszComma ? cchSpec + 1 : cchSpec);
    }

    return S_OK;
}

HRESULT
SplitRawRangeHeaderCapped(
    IN IHttpContext * pHttpContext
)
{
    HTTP_REQUEST *  pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszRange = pRaw->Headers.KnownHeaders[HttpHeaderRange].pRawValue;
    USHORT          ichStart = 0;
    DWORD           cRanges = 0;

    for (USHORT ich = 0; ich < pRaw->Headers.KnownHeaders[HttpHeaderRange].RawValueLength; ich++)
    {
        if (pszRange[ich] != ',')
        {
            continue;
        }

        if (++cRanges > 100)
        {
            return HRESULT_FROM_WIN32(ERROR_INVALID_DATA);
        }

        BYTE_RANGE * pRange = (BYTE_RANGE *) pHttpContext->AllocateRequestMemory(sizeof(BYTE_RANGE));
        if (pRange == NULL)
        {
            return E_OUTOFMEMORY;
        }

        if (ParseRange(pszRange + ichStart, ich - ichStart, pRange))
        {
            AddRange(pRange);
        }

        ichStart = ich + 1;
    }

    return S_OK;
}

HRESULT
CountFormFields(
    IN IHttpContext *   pHttpContext,
    OUT DWORD *         pcFields
)
{
    HRESULT         hr = S_OK;
    IHttpRequest *  pRequest = pHttpContext->GetRequest();
    DWORD           cbRead = 0;
    DWORD           cFields = 0;
    PBYTE           pbForm = (PBYTE) pHttpContext->AllocateRequestMemory(FORM_BUFFER_BYTES);

    *pcFields = 0;

    if (pbForm == NULL)
    {
        return E_OUTOFMEMORY;
    }

    hr = pRequest->ReadEntityBody(pbForm, FORM_BUFFER_BYTES, FALSE, &cbRead, NULL);
    if (FAILED(hr))
    {
        return hr;
    }

    // Request-driven loop, but nothing is allocated inside it.
    for (DWORD ich = 0; ich < cbRead; ich++)
    {
        if (pbForm[ich] == '&')
        {
            cFields++;
        }
    }

    *pcFields = cFields + 1;
    return S_OK;
}
