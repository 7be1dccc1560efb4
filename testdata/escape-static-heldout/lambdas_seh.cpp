// lambdas_seh.cpp - chunked body handling with lambdas, C++ exceptions and SEH
#include "hx_common.h"
#include <functional>
#include <new>
#include <stdexcept>

static std::vector<PVOID>               vecBlocks;
std::list<PCSTR>                        g_lstHeaders;
std::map<DWORD, PBYTE>                  g_mapChunks;
PVOID                                   g_pvFinally = NULL;
PBYTE                                   pbLastChunk = NULL;
std::vector<std::unique_ptr<BYTE[]>>    g_vecOwned;

struct HX_SEGMENT
{
    DWORD cb;
    DWORD dwFlags;
};

class CHxLambdaModule : public CHttpModule
{
public:
    REQUEST_NOTIFICATION_STATUS
    OnBeginRequest(
        IN IHttpContext*       pHttpContext,
        IN IHttpEventProvider* pProvider
    ) override;

private:
    PVOID               m_pvA = nullptr;
    std::vector<PVOID>  m_vecLocal;
};

REQUEST_NOTIFICATION_STATUS
CHxLambdaModule::OnBeginRequest(
    IN IHttpContext*       pHttpContext,
    IN IHttpEventProvider* pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    auto fnReserve = [pHttpContext](DWORD cb) -> PVOID
    {
        PVOID pv = pHttpContext->AllocateRequestMemory(cb);
        vecBlocks.push_back(pv);
        //~^ request-scope-escape-static
        return pv;
    };

    PVOID pvA = fnReserve(64);
    m_pvA = pvA;

    auto fnOuter = [&]()
    {
        auto fnInner = [&](DWORD idx)
        {
            PBYTE pb = static_cast<PBYTE>(pHttpContext->AllocateRequestMemory(128));
            if (pb != nullptr)
            {
                g_mapChunks[idx] = pb;
                //~^ request-scope-escape-static
            }
        };
        for (DWORD i = 0; i < 3; ++i)
        {
            fnInner(i);
        }
    };
    fnOuter();

    std::vector<PVOID> localList;
    auto fnLocal = [&]()
    {
        localList.push_back(pHttpContext->AllocateRequestMemory(8));
    };
    fnLocal();

    std::vector<HX_SEGMENT> segments = { { 16, 0 }, { 32, 1 } };
    for (const auto& seg : segments)
    {
        PVOID pvSeg = pHttpContext->AllocateRequestMemory(seg.cb);
        if (pvSeg == NULL)
        {
            continue;
        }
        if (seg.dwFlags & 1)
            vecBlocks.emplace_back(pvSeg);
            //~^ request-scope-escape-static
        else
            m_vecLocal.push_back(pvSeg);
    }

    return RQ_NOTIFICATION_CONTINUE;
}

HRESULT
HxTryCatch(
    _In_ IHttpContext* pHttpContext,
    _In_ PCSTR         pszName
)
{
    PSTR pszHeader = NULL;
    try
    {
        size_t cch = strlen(pszName);
        pszHeader = static_cast<PSTR>(pHttpContext->AllocateRequestMemory(static_cast<DWORD>(cch + 1)));
        if (pszHeader == NULL)
        {
            throw std::bad_alloc();
        }
        memcpy(pszHeader, pszName, cch + 1);
        g_lstHeaders.push_back(pszHeader);
        //~^ request-scope-escape-static
    }
    catch (const std::bad_alloc&)
    {
        return E_OUTOFMEMORY;
    }
    catch (...)
    {
        g_lstHeaders.push_back("<error>");
        return E_FAIL;
    }
    return S_OK;
}

DWORD
HxSehCapture(
    _In_ IHttpContext* pHttpContext,
    _In_ DWORD         cb
)
{
    PVOID pvBuf = NULL;
    DWORD dwErr = ERROR_SUCCESS;

    __try
    {
        pvBuf = pHttpContext->AllocateRequestMemory(cb);
        if (pvBuf == NULL)
        {
            dwErr = ERROR_NOT_ENOUGH_MEMORY;
            __leave;
        }
        ZeroMemory(pvBuf, cb);
    }
    __finally
    {
        if (pvBuf != NULL)
        {
            g_pvFinally = pvBuf;
            //~^ request-scope-escape-static
        }
    }
    return dwErr;
}

HRESULT
HxReadChunks(
    _In_ IHttpContext* pHttpContext
)
{
    IHttpRequest* pRequest = pHttpContext->GetRequest();
    PBYTE         pbChunk  = NULL;
    DWORD         cbRead   = 0;
    BOOL          fPending = FALSE;
    HRESULT       hr       = S_OK;

    do
    {
        pbChunk = (PBYTE)pHttpContext->AllocateRequestMemory(4096); //~ request-memory-in-loop
        if (pbChunk == NULL)
        {
            return E_OUTOFMEMORY;
        }
        hr = pRequest->ReadEntityBody(pbChunk, 4096, FALSE, &cbRead, &fPending);
    } while (SUCCEEDED(hr) && cbRead == 4096);

    std::unique_ptr<BYTE[]> spCopy(new BYTE[cbRead + 1]);
    memcpy(spCopy.get(), pbChunk, cbRead);
    g_vecOwned.push_back(std::move(spCopy));

    pbLastChunk = pbChunk;
    //~^ request-scope-escape-static
    return hr;
}
