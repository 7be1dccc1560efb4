//
// auditmodule.cpp - CAuditModule, the per-request half of ReqAudit.
//
#include "precomp.h"
#include "auditmodule.h"

struct CaseInsensitiveLess
{
    bool operator()(PCSTR pszLeft, PCSTR pszRight) const { return _stricmp(pszLeft, pszRight) < 0; }
};

PCSTR                                       CAuditModule::s_pszLastUrl = NULL;
IHttpApplication*                           g_pLastApplication = NULL;
static std::set<PCSTR, CaseInsensitiveLess> g_setSeenHosts;
static SRWLOCK                              g_lockSeenHosts = SRWLOCK_INIT;
static volatile LONG                        g_lSequence = 0;
static thread_local IHttpRequest*           t_pCurrentRequest = NULL;

static HRESULT SetAuditIdHeader(_In_ IHttpContext* pHttpContext, _In_ DWORD dwSequence)
{
    PSTR    pszId = NULL;
    int     cchId = 0;

    pszId = (PSTR)pHttpContext->AllocateRequestMemory(AUDIT_ID_CCH);
    cchId = sprintf_s(pszId, AUDIT_ID_CCH, "%08lX-%08lX", GetCurrentProcessId(), dwSequence);
    //~^ request-memory-unchecked
    if (cchId <= 0)
    {
        return E_UNEXPECTED;
    }
    return pHttpContext->GetResponse()->SetHeader(AUDIT_HEADER_ID, pszId, (USHORT)cchId, TRUE);
}

static HRESULT SetServerTimingHeader(_In_ IHttpContext* pHttpContext, _In_ ULONGLONG ullElapsed)
{
    HRESULT hr = S_OK;
    PSTR    pszValue = NULL;
    int     cchValue = 0;

    pszValue = (PSTR)pHttpContext->AllocateRequestMemory(AUDIT_TIMING_CCH);
    IfNullGo(pszValue);

    cchValue = sprintf_s(pszValue, AUDIT_TIMING_CCH, "audit;dur=%I64u", ullElapsed);
    IfFalseGo(cchValue > 0, E_UNEXPECTED);
    hr = pHttpContext->GetResponse()->SetHeader("Server-Timing", pszValue, (USHORT)cchValue, FALSE);

Finished:
    delete [] pszValue;
    //~^ request-memory-freed
    return hr;
}

BOOL CAuditModule::IsDenied(_In_opt_z_ PCSTR pszUrl)
{
    size_t cchPrefix = strlen(g_Config.szDenyPrefix);

    return pszUrl != NULL && cchPrefix > 0 && _strnicmp(pszUrl, g_Config.szDenyPrefix, cchPrefix) == 0;
}

HRESULT CAuditModule::CaptureUnknownHeaders(_In_ IHttpContext* pHttpContext)
{
    HRESULT         hr = S_OK;
    HTTP_REQUEST*   pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    USHORT          i;

    for (i = 0; i < pRaw->Headers.UnknownHeaderCount && i < AUDIT_MAX_HEADERS; i++)
    {
        const HTTP_UNKNOWN_HEADER*  pHeader = &pRaw->Headers.pUnknownHeaders[i];
        PSTR                        pszCopy = NULL;

        if (pHeader->NameLength < 8 || _strnicmp(pHeader->pName, "X-Audit-", 8) != 0)
        {
            continue;
        }

        pszCopy = (PSTR)pHttpContext->AllocateRequestMemory(pHeader->RawValueLength + 1);
        IfNullGo(pszCopy);
        memcpy(pszCopy, pHeader->pRawValue, pHeader->RawValueLength);
        pszCopy[pHeader->RawValueLength] = '\0';

        IfFailGo(m_pState->AddCapturedHeader(pszCopy));
    }

Finished:
    return hr;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT             hr = S_OK;
    IHttpRequest*       pRequest = NULL;
    HTTP_REQUEST*       pRaw = NULL;
    CConnectionState*   pConn = NULL;
    LONG                lSequence = 0;

    if (!g_Config.fEnabled)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    InterlockedIncrement(&g_pStats->cRequests);
    lSequence = InterlockedIncrement(&g_lSequence);

    // One module instance per request; it is disposed with the request.
    m_pHttpContext = pHttpContext;

    pRequest = pHttpContext->GetRequest();
    pRaw = pRequest->GetRawHttpRequest();

    IfFailGo(CRequestState::GetOrCreate(pHttpContext, &m_pState));
    m_pState->m_ullStartTicks = GetTickCount64();
    m_pState->m_dwSequence = (DWORD)lSequence;

    s_pszLastUrl = pRaw->pRawUrl;
    //~^ request-scope-escape-static

    m_pFactory->RecordRequest(pRequest);

    IfFailGo(CConnectionState::GetOrCreate(pHttpContext, &pConn));
    InterlockedIncrement(&pConn->m_cRequests);
    if (pConn->m_szFirstUrl[0] == '\0' && pRaw->pRawUrl != NULL &&
        pRaw->RawUrlLength < ARRAY_COUNT(pConn->m_szFirstUrl))
    {
        strcpy_s(pConn->m_szFirstUrl, ARRAY_COUNT(pConn->m_szFirstUrl), pRaw->pRawUrl);
    }
    if (pConn->m_szClient[0] == '\0')
    {
        IfFailGo(pConn->RecordClient(pHttpContext));
    }

    g_pLastApplication = pHttpContext->GetApplication();

    IfFailGo(m_pState->LoadSessionId(pHttpContext));
    IfFailGo(CaptureUnknownHeaders(pHttpContext));
    if (g_Config.fTraceRequests)
    {
        IfFailGo(DumpUnknownHeaders(pHttpContext));
    }
    IfFailGo(SetAuditIdHeader(pHttpContext, (DWORD)lSequence));

Finished:
    if (FAILED(hr))
    {
        InterlockedIncrement(&g_pStats->cErrors);
        pProvider->SetErrorStatus(hr);
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnAuthorizeRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT         hr = S_OK;
    HTTP_REQUEST*   pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();

    if (!g_Config.fAsyncAuthorize)
    {
        if (IsDenied(pRaw->pRawUrl))
        {
            InterlockedIncrement(&g_pStats->cBlocked);
            IfFailGo(DrainRequestBody(pHttpContext));
            IfFailGo(WriteBlockPage(pHttpContext, 403, "Forbidden"));
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
        return RQ_NOTIFICATION_CONTINUE;
    }

    // The policy service can be slow; AuthorizeWorkItem resumes the request.
    if (!QueueUserWorkItem(AuthorizeWorkItem, pHttpContext, WT_EXECUTELONGFUNCTION))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        goto Finished;
    }
    return RQ_NOTIFICATION_PENDING;

Finished:
    InterlockedIncrement(&g_pStats->cErrors);
    pProvider->SetErrorStatus(hr);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT         hr = S_OK;
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    HTTP_REQUEST*   pRaw = pRequest->GetRawHttpRequest();
    PTP_WORK        pWork = NULL;
    USHORT          usMirrorStatus = 0;

    t_pCurrentRequest = pRequest;
    //~^ request-scope-escape-static

    if (pRaw->pRawUrl != NULL && _stricmp(pRaw->pRawUrl, AUDIT_STATUS_URL) == 0)
    {
        IfFailGo(WriteStatusPage(pHttpContext));
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }

    if (g_Config.fMirrorRequests)
    {
        IfFailGo(MirrorRequest(pHttpContext, &usMirrorStatus));
        if (usMirrorStatus >= 500)
        {
            IfFailGo(WriteBlockPage(pHttpContext, 502, "Bad Gateway"));
            return RQ_NOTIFICATION_FINISH_REQUEST;
        }
    }

    if (g_Config.fInjectPreamble && m_pState != NULL)
    {
        IfFailGo(InjectAuditPreamble(pHttpContext, m_pState->m_dwSequence));
    }

    if (!g_Config.fScanBody || pRequest->GetRemainingEntityBytes() == 0)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pWork = CreateThreadpoolWork(BodyScanCallback, pHttpContext, NULL);
    if (pWork == NULL)
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        goto Finished;
    }
    InterlockedIncrement(&g_pStats->cBodyScans);
    SubmitThreadpoolWork(pWork);
    CloseThreadpoolWork(pWork);
    return RQ_NOTIFICATION_PENDING;

Finished:
    InterlockedIncrement(&g_pStats->cErrors);
    pProvider->SetErrorStatus(hr);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnSendResponse(IN IHttpContext* pHttpContext, IN ISendResponseProvider* pProvider)
{
    HRESULT         hr = S_OK;
    HTTP_REQUEST*   pRaw = NULL;
    NOTIFY_ITEM*    pItem = NULL;
    USHORT          usStatus = 0;
    BOOL            fHold = g_Config.fHoldForNotify;
    BOOL            fSubmitted = FALSE;

    if (m_pState != NULL && !m_pState->m_fTimingSent)
    {
        m_pState->m_fTimingSent = TRUE;
        IfFailGo(SetServerTimingHeader(pHttpContext, GetTickCount64() - m_pState->m_ullStartTicks));
    }

    pHttpContext->GetResponse()->GetStatus(&usStatus);
    if (!g_Config.fNotifyOnServerError || usStatus < 500)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }

    pRaw = pHttpContext->GetRequest()->GetRawHttpRequest();
    pItem = (NOTIFY_ITEM*)pHttpContext->AllocateRequestMemory(sizeof(NOTIFY_ITEM));
    IfNullGo(pItem);

    ZeroMemory(pItem, sizeof(*pItem));
    pItem->pHttpContext = pHttpContext;
    pItem->usStatus = usStatus;
    pItem->fHeld = fHold;
    if (pRaw->pRawUrl != NULL && pRaw->RawUrlLength < ARRAY_COUNT(pItem->szUrl))
    {
        strcpy_s(pItem->szUrl, ARRAY_COUNT(pItem->szUrl), pRaw->pRawUrl);
    }

    fSubmitted = TrySubmitThreadpoolCallback(NotifyCallback, pItem, NULL);
    //~^ request-scope-escape-thread
    IfWin32FalseGo(fSubmitted);

    if (!fHold)
    {
        return RQ_NOTIFICATION_CONTINUE;
    }
    return RQ_NOTIFICATION_PENDING;

Finished:
    InterlockedIncrement(&g_pStats->cErrors);
    pProvider->SetErrorStatus(hr);
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnLogRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    HRESULT         hr = S_OK;
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    HTTP_REQUEST*   pRaw = pRequest->GetRawHttpRequest();
    AUDIT_RECORD*   pRecord = NULL;
    IHttpUser*      pUser = pHttpContext->GetUser();
    PCWSTR          pwszUser = NULL;
    PCSTR           pszHost = NULL;
    USHORT          cchHost = 0;
    USHORT          usStatus = 0;
    HANDLE          hThread = NULL;

    UNREFERENCED_PARAMETER(pProvider);

    if (pUser != NULL)
    {
        pwszUser = pUser->GetRemoteUserName();
        if (pwszUser != NULL && wcslen(pwszUser) < ARRAY_COUNT(g_pStats->wszLastUser))
        {
            wcscpy_s(g_pStats->wszLastUser, ARRAY_COUNT(g_pStats->wszLastUser), pwszUser);
        }
        g_pStats->pLastUser = pUser;
        //~^ request-scope-escape-long-lived
    }

    pszHost = pRequest->GetHeader(HttpHeaderHost, &cchHost);
    if (pszHost != NULL && cchHost > 0)
    {
        AcquireSRWLockExclusive(&g_lockSeenHosts);
        if (g_setSeenHosts.size() < AUDIT_MAX_HOSTS)
        {
            g_setSeenHosts.insert(pszHost);
            //~^ request-scope-escape-static
        }
        ReleaseSRWLockExclusive(&g_lockSeenHosts);

        if (cchHost < ARRAY_COUNT(g_pStats->szLastHost))
        {
            strcpy_s(g_pStats->szLastHost, ARRAY_COUNT(g_pStats->szLastHost), pszHost);
        }
    }

    // The log writer gets its own copy and deletes it when done.
    pRecord = new (std::nothrow) AUDIT_RECORD;
    IfNullGo(pRecord);
    ZeroMemory(pRecord, sizeof(*pRecord));

    if (pRaw->pRawUrl != NULL && pRaw->RawUrlLength < ARRAY_COUNT(pRecord->szUrl))
    {
        strcpy_s(pRecord->szUrl, ARRAY_COUNT(pRecord->szUrl), pRaw->pRawUrl);
    }
    strncpy_s(pRecord->szVerb, ARRAY_COUNT(pRecord->szVerb), pRequest->GetHttpMethod(), _TRUNCATE);
    pHttpContext->GetResponse()->GetStatus(&usStatus);
    pRecord->usStatus = usStatus;
    pRecord->ullTicks = GetTickCount64();

    if (!QueueUserWorkItem(WriteAuditRecordWorkItem, pRecord, WT_EXECUTEDEFAULT))
    {
        hr = HRESULT_FROM_WIN32(GetLastError());
        goto Finished;
    }
    pRecord = NULL;

    if (g_Config.fResolveClients)
    {
        hThread = CreateThread(NULL, 0, AuditThreadProc, pHttpContext, 0, NULL);
        //~^ request-scope-escape-thread
        IfWin32FalseGo(hThread != NULL);
        CloseHandle(hThread);
    }

Finished:
    delete pRecord;
    if (FAILED(hr))
    {
        InterlockedIncrement(&g_pStats->cErrors);
    }
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CAuditModule::OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    HTTP_REQUEST*   pRaw = pRequest->GetRawHttpRequest();
    ULONGLONG       ullElapsed = 0;

    UNREFERENCED_PARAMETER(pProvider);

    t_pCurrentRequest = NULL;

    try
    {
        if (g_Config.fTraceRequests)
        {
            std::thread tracer([pRequest]() { TraceRequestLine(pRequest); });
            //~^ request-scope-escape-thread
            tracer.detach();
        }

        if (m_pState != NULL && pRaw->pRawUrl != NULL)
        {
            ullElapsed = GetTickCount64() - m_pState->m_ullStartTicks;
            if (ullElapsed > AUDIT_SLOW_MS)
            {
                std::string strUrl(pRaw->pRawUrl);
                std::thread reporter([strUrl, ullElapsed]() { ReportSlowRequest(strUrl.c_str(), ullElapsed); });
                reporter.detach();
            }
        }
    }
    catch (const std::exception&)
    {
        InterlockedIncrement(&g_pStats->cErrors);
    }

    return RQ_NOTIFICATION_CONTINUE;
}
