//
// Banner injection module.  The banner text lives in the site configuration,
// which the module factory owns and replaces whenever applicationHost.config
// changes.  A request that is still sending can outlive the configuration
// object it borrowed the banner from.
//

#include <windows.h>
#include <sal.h>
#include <httpserv.h>
#include <string>
#include <vector>

typedef struct _BANNER_CONFIG
{
    std::string         strBanner;
    std::string         strFooter;
    std::string         strHeaderValue;
    std::vector<BYTE>   rgbPreamble;
    BOOL                fEnabled;
} BANNER_CONFIG;

typedef struct _SITE_SETTINGS
{
    std::string         strNotice;
    DWORD               dwSiteId;
} SITE_SETTINGS;

class CBannerModule : public CHttpModule
{
public:
    CBannerModule(
        IN BANNER_CONFIG *          pConfig,
        IN const SITE_SETTINGS &    settings
    )
        : m_pConfig(pConfig),
          m_rSettings(settings)
    {
    }

    REQUEST_NOTIFICATION_STATUS
    OnSendResponse(
        IN IHttpContext *           pHttpContext,
        IN ISendResponseProvider *  pProvider
    );

private:
    HRESULT WriteBanner(IN IHttpContext * pHttpContext);
    HRESULT WriteFooterAsync(IN IHttpContext * pHttpContext);
    HRESULT PrependPreamble(IN IHttpContext * pHttpContext);
    HRESULT WriteNotice(IN IHttpContext * pHttpContext);
    HRESULT PrependFooterText(IN IHttpContext * pHttpContext);
    HRESULT WriteBannerCopied(IN IHttpContext * pHttpContext);
    HRESULT WriteBannerSync(IN IHttpContext * pHttpContext);
    HRESULT SetBannerHeader(IN IHttpContext * pHttpContext);
    HRESULT WriteNoticeCopied(IN IHttpContext * pHttpContext);

    BANNER_CONFIG *         m_pConfig;
    const SITE_SETTINGS &   m_rSettings;
};

HRESULT
CBannerModule::WriteBanner(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) m_pConfig->strBanner.c_str();
    chunk.FromMemory.BufferLength = (ULONG) m_pConfig->strBanner.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, 0);
//~^ borrowed-buffer-by-reference
}

HRESULT
CBannerModule::WriteFooterAsync(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;
    BOOL            fCompletionExpected = FALSE;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) m_pConfig->strFooter.data();
    chunk.FromMemory.BufferLength = (ULONG) m_pConfig->strFooter.size();

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, TRUE, TRUE, &cbSent, &fCompletionExpected);
//~^ borrowed-buffer-by-reference
}

HRESULT
CBannerModule::PrependPreamble(
    IN IHttpContext * pHttpContext
)
{
    return pHttpContext->GetRequest()->InsertEntityBody(m_pConfig->rgbPreamble.data(), (DWORD) m_pConfig->rgbPreamble.size());
//~^ borrowed-buffer-by-reference
}

HRESULT
CBannerModule::WriteNotice(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) m_rSettings.strNotice.c_str();
    chunk.FromMemory.BufferLength = (ULONG) m_rSettings.strNotice.size();

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
//~^ borrowed-buffer-by-reference
}

HRESULT
CBannerModule::PrependFooterText(
    IN IHttpContext * pHttpContext
)
{
    PCSTR pszFooter = m_pConfig->strFooter.c_str();
    DWORD cbFooter = (DWORD) m_pConfig->strFooter.size();

    return pHttpContext->GetRequest()->InsertEntityBody((PVOID) pszFooter, cbFooter);
//~^ borrowed-buffer-by-reference
}

//
// Near misses.
//

HRESULT
CBannerModule::WriteBannerCopied(
    IN IHttpContext * pHttpContext
)
{
    DWORD           cbBanner = (DWORD) m_pConfig->strBanner.size();
    PVOID           pvBanner = NULL;
    HTTP_DATA_CHUNK chunk;

    pvBanner = pHttpContext->AllocateRequestMemory(cbBanner);
    if (pvBanner == NULL)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pvBanner, m_pConfig->strBanner.data(), cbBanner);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pvBanner;
    chunk.FromMemory.BufferLength = cbBanner;

    return pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, 0);
}

HRESULT
CBannerModule::WriteBannerSync(
    IN IHttpContext * pHttpContext
)
{
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID) m_pConfig->strBanner.c_str();
    chunk.FromMemory.BufferLength = (ULONG) m_pConfig->strBanner.size();

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, FALSE, TRUE, &cbSent);
}

HRESULT
CBannerModule::SetBannerHeader(
    IN IHttpContext * pHttpContext
)
{
    // SetHeader copies the value.
    return pHttpContext->GetResponse()->SetHeader("X-Banner",
                                                  m_pConfig->strHeaderValue.c_str(),
                                                  (USHORT) m_pConfig->strHeaderValue.size(),
                                                  TRUE);
}

HRESULT
CBannerModule::WriteNoticeCopied(
    IN IHttpContext * pHttpContext
)
{
    DWORD           cbNotice = (DWORD) m_rSettings.strNotice.size();
    PSTR            pszNotice = (PSTR) pHttpContext->AllocateRequestMemory(cbNotice);
    HTTP_DATA_CHUNK chunk;
    DWORD           cbSent = 0;

    if (!pszNotice)
    {
        return E_OUTOFMEMORY;
    }

    memcpy(pszNotice, m_rSettings.strNotice.c_str(), cbNotice);

    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pszNotice;
    chunk.FromMemory.BufferLength = cbNotice;

    return pHttpContext->GetResponse()->WriteEntityChunks(&chunk, 1, TRUE, FALSE, &cbSent);
}

REQUEST_NOTIFICATION_STATUS
CBannerModule::OnSendResponse(
    IN IHttpContext *           pHttpContext,
    IN ISendResponseProvider *  pProvider
)
{
    UNREFERENCED_PARAMETER(pProvider);

    if (m_pConfig == NULL || !m_pConfig->fEnabled)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    if (FAILED(WriteBannerCopied(pHttpContext)) ||
        FAILED(SetBannerHeader(pHttpContext)) ||
        FAILED(WriteNoticeCopied(pHttpContext)))
    {
        pHttpContext->GetResponse()->SetStatus(500, "Internal Server Error");
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    return RQ_NOTIFICATION_CONTINUE;
}
