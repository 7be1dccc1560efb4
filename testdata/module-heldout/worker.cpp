//
// worker.cpp - thread-pool and worker-thread routines for ReqAudit.
//
#include "precomp.h"
#include "auditmodule.h"

static SRWLOCK g_lockLogFile = SRWLOCK_INIT;

static BOOL QueryPolicyService(_In_z_ PCSTR pszUrl, _In_ BOOL fJsonBody)
{
    size_t cchPrefix = strlen(g_Config.szDenyPrefix);

    if (cchPrefix > 0 && _strnicmp(pszUrl, g_Config.szDenyPrefix, cchPrefix) == 0)
    {
        return FALSE;
    }
    // JSON bodies are only accepted on the API surface.
    return !fJsonBody || _strnicmp(pszUrl, "/api/", 5) == 0;
}

static BOOL ContainsBlockedPattern(_In_reads_bytes_(cbBody) const BYTE* pbBody, _In_ DWORD cbBody)
{
    static const CHAR   s_szNeedle[] = "<script";
    const DWORD         cchNeedle = sizeof(s_szNeedle) - 1;

    for (DWORD i = 0; i + cchNeedle <= cbBody; i++)
    {
        if (_strnicmp((PCSTR)pbBody + i, s_szNeedle, cchNeedle) == 0)
        {
            return TRUE;
        }
    }
    return FALSE;
}

static HRESULT PeekBodyPrefix(_In_ IHttpContext* pContext, _Out_ BOOL* pfLooksLikeJson)
{
    HRESULT         hr = S_OK;
    IHttpRequest*   pRequest = pContext->GetRequest();
    BYTE*           pbPeek = NULL;
    DWORD           cbPeek = 0;

    *pfLooksLikeJson = FALSE;
    if (pRequest->GetRemainingEntityBytes() == 0)
    {
        return S_OK;
    }

    pbPeek = (BYTE*)pContext->AllocateRequestMemory(AUDIT_PEEK_BYTES);
    hr = pRequest->ReadEntityBody(pbPeek, AUDIT_PEEK_BYTES, FALSE, &cbPeek, NULL);
    //~^ request-memory-unchecked
    if (FAILED(hr) || cbPeek == 0)
    {
        return (hr == HRESULT_FROM_WIN32(ERROR_HANDLE_EOF)) ? S_OK : hr;
    }

    *pfLooksLikeJson = (pbPeek[0] == '{' || pbPeek[0] == '[');

    // Put the bytes back so the handler sees the whole body.
    return pRequest->InsertEntityBody(pbPeek, cbPeek);
}

DWORD WINAPI AuthorizeWorkItem(_In_ LPVOID pvContext)
{
    IHttpContext*   pContext = (IHttpContext*)pvContext;
    HTTP_REQUEST*   pRaw = pContext->GetRequest()->GetRawHttpRequest();
    CHAR            szUrl[AUDIT_MAX_URL];
    BOOL            fJson = FALSE;

    szUrl[0] = '\0';
    if (pRaw->pRawUrl != NULL && pRaw->RawUrlLength < ARRAY_COUNT(szUrl))
    {
        strcpy_s(szUrl, ARRAY_COUNT(szUrl), pRaw->pRawUrl);
    }

    if (FAILED(PeekBodyPrefix(pContext, &fJson)))
    {
        fJson = FALSE;
    }

    if (!QueryPolicyService(szUrl, fJson))
    {
        InterlockedIncrement(&g_pStats->cBlocked);
        WriteBlockPage(pContext, 403, "Denied by policy");
        pContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        AuditTrace("reqaudit: denied %s\n", szUrl);
        return 0;
    }

    pContext->GetResponse()->SetHeader("X-Audit-Policy", "allow", 5, TRUE);
    pContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    AuditTrace("reqaudit: allowed %s\n", szUrl);
    return 0;
}

VOID CALLBACK BodyScanCallback(_Inout_ PTP_CALLBACK_INSTANCE pInstance, _Inout_opt_ PVOID pvContext, _Inout_ PTP_WORK pWork)
{
    HRESULT         hr = S_OK;
    IHttpContext*   pContext = (IHttpContext*)pvContext;
    PCSTR           pszUrl = NULL;
    BYTE*           pbBody = NULL;
    DWORD           cbBody = 0;
    BOOL            fBlocked = FALSE;

    UNREFERENCED_PARAMETER(pInstance);
    UNREFERENCED_PARAMETER(pWork);

    pszUrl = pContext->GetRequest()->GetRawHttpRequest()->pRawUrl;

    hr = ReadRequestBody(pContext, &pbBody, &cbBody);
    if (FAILED(hr))
    {
        pContext->GetResponse()->SetStatus(400, "Bad Request", 0, hr);
        pContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        return;
    }

    fBlocked = (cbBody > 0) && ContainsBlockedPattern(pbBody, cbBody);
    if (fBlocked)
    {
        InterlockedIncrement(&g_pStats->cBlocked);
        WriteBlockPage(pContext, 403, "Request body rejected");
        pContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
    }
    else
    {
        if (cbBody > 0)
        {
            pContext->GetRequest()->InsertEntityBody(pbBody, cbBody);
        }
        pContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    }

    AuditTrace("reqaudit: body scan of %s: %s\n", pszUrl, fBlocked ? "blocked" : "clean");
    //~^ use-after-completion
}

VOID CALLBACK NotifyCallback(_Inout_ PTP_CALLBACK_INSTANCE pInstance, _Inout_opt_ PVOID pvItem)
{
    NOTIFY_ITEM*    pItem = (NOTIFY_ITEM*)pvItem;
    IHttpContext*   pContext = pItem->pHttpContext;
    BOOL            fHeld = pItem->fHeld;
    HRESULT         hr = S_OK;

    UNREFERENCED_PARAMETER(pInstance);

    if (pItem->szUrl[0] == '\0')
    {
        hr = E_INVALIDARG;
    }
    else
    {
        AuditTrace("reqaudit: webhook: %u on %s\n", pItem->usStatus, pItem->szUrl);
    }

    if (!fHeld)
    {
        return;
    }

    if (FAILED(hr))
    {
        pContext->PostCompletion(0);
    }

    pContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    //~^ use-after-completion
}

DWORD WINAPI AuditThreadProc(_In_ LPVOID pvContext)
{
    IHttpContext*   pContext = (IHttpContext*)pvContext;
    PCSTR           pszHost = NULL;
    DWORD           cchHost = 0;

    if (FAILED(pContext->GetServerVariable("REMOTE_HOST", &pszHost, &cchHost)) || pszHost == NULL)
    {
        pszHost = "-";
    }
    AuditTrace("reqaudit: client host %s\n", pszHost);
    return 0;
}

DWORD WINAPI WriteAuditRecordWorkItem(_In_ LPVOID pvRecord)
{
    AUDIT_RECORD* pRecord = (AUDIT_RECORD*)pvRecord;

    AcquireSRWLockExclusive(&g_lockLogFile);
    AuditTrace("%I64u %s %s %u\n", pRecord->ullTicks, pRecord->szVerb, pRecord->szUrl, pRecord->usStatus);
    ReleaseSRWLockExclusive(&g_lockLogFile);

    delete pRecord;
    return 0;
}

DWORD WINAPI ReloadConfigWorkItem(_In_ LPVOID pvModule)
{
    return (DWORD)((CAuditGlobalModule*)pvModule)->ReloadConfiguration();
}

DWORD WINAPI BlockListWorkItem(_In_ LPVOID pvKey)
{
    AuditTrace("reqaudit: adding %s to the block list\n", (PCSTR)pvKey);
    return 0;
}

VOID TraceRequestLine(_In_ IHttpRequest* pRequest)
{
    HTTP_REQUEST* pRaw = pRequest->GetRawHttpRequest();

    AuditTrace("reqaudit: %s %s\n", pRequest->GetHttpMethod(), pRaw->pRawUrl != NULL ? pRaw->pRawUrl : "");
}

VOID ReportSlowRequest(_In_z_ PCSTR pszUrl, _In_ ULONGLONG ullElapsed)
{
    AuditTrace("reqaudit: slow request (%I64u ms): %s\n", ullElapsed, pszUrl);
}
