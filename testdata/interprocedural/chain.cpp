//
// chain.cpp : forwarding helpers.  Some hand values on to helpers.cpp,
// others keep everything inside this file.
//

#include "helpers.h"

#include <string.h>

PCSTR   g_pszChainLast      = NULL;
PCSTR   g_pszDeepest        = NULL;
PCSTR   g_pszChainDefault   = NULL;

//
// Middle link of module.cpp -> ForwardValue -> StoreTail (helpers.cpp).
//
VOID
ForwardValue(
    _In_opt_ PCSTR          pszValue
    )
{
    if (pszValue == NULL)
    {
        return;
    }

    StoreTail(pszValue);
}

//
// Returns request memory obtained from DupHeader (helpers.cpp).
//
char*
DupOrigin(
    _In_ IHttpContext*      pHttpContext
    )
{
    USHORT  cchOrigin = 0;
    PCSTR   pszOrigin = pHttpContext->GetRequest()->GetHeader("Origin", &cchOrigin);

    if (pszOrigin == NULL || cchOrigin == 0)
    {
        return NULL;
    }

    return DupHeader(pHttpContext, pszOrigin);
}

//
// ChainEntry -> ChainMiddle -> ChainSink, all in this file.
//
static VOID
ChainSink(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszChainLast = pszValue;
    //~^ request-scope-escape-static
}

static VOID
ChainMiddle(
    _In_opt_ PCSTR          pszValue
    )
{
    if (pszValue != NULL && pszValue[0] != '\0')
    {
        ChainSink(pszValue);
    }
}

HRESULT
ChainEntry(
    _In_ IHttpContext*      pHttpContext
    )
{
    char* pszMarker = static_cast<char*>(pHttpContext->AllocateRequestMemory(32));

    if (pszMarker == NULL)
    {
        return E_OUTOFMEMORY;
    }

    strcpy_s(pszMarker, 32, "chain-entry");
    ChainMiddle(pszMarker);
    return S_OK;
}

//
// Recursive walk; the value is kept once the end of the list is reached.
//
static VOID
WalkAndRemember(
    _In_opt_ const VALUE_NODE*  pNode,
    _In_opt_ PCSTR              pszValue
    )
{
    if (pNode == NULL)
    {
        g_pszDeepest = pszValue;
        //~^ request-scope-escape-static
        return;
    }

    WalkAndRemember(pNode->pNext, pszValue);
}

HRESULT
WalkEntry(
    _In_ IHttpContext*      pHttpContext
    )
{
    VALUE_NODE  rgNodes[3];
    PCSTR       pszReferer = NULL;
    USHORT      cchReferer = 0;
    DWORD       iNode = 0;

    for (iNode = 0; iNode < ARRAYSIZE(rgNodes); iNode++)
    {
        rgNodes[iNode].pNext = (iNode + 1 < ARRAYSIZE(rgNodes)) ? &rgNodes[iNode + 1] : NULL;
        rgNodes[iNode].dwDepth = iNode;
    }

    pszReferer = pHttpContext->GetRequest()->GetHeader(HttpHeaderReferer, &cchReferer);
    if (pszReferer == NULL)
    {
        return S_FALSE;
    }

    WalkAndRemember(&rgNodes[0], pszReferer);
    return S_OK;
}

//
// Same chain shape, only ever fed a string literal.
//
static VOID
ChainStoreDefault(
    _In_opt_ PCSTR          pszValue
    )
{
    g_pszChainDefault = pszValue;
}

static VOID
ChainForwardDefault(
    _In_opt_ PCSTR          pszValue
    )
{
    ChainStoreDefault(pszValue);
}

VOID
LoadChainDefaults(
    VOID
    )
{
    ChainForwardDefault("index.htm");
}
