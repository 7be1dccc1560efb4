//
// request_data_workers.cpp
//
// Logging and checksum workers.  Header values, server variables, the raw
// HTTP_REQUEST and memory from AllocateRequestMemory all belong to the
// request and are released together with it.
//

#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <stdlib.h>
#include <string.h>
#include <httpserv.h>

#define SCRATCH_SIZE    1024

struct LOG_JOB
{
    IHttpContext*   pHttpContext;
    DWORD           dwQueuedTick;
};

struct CHECKSUM_JOB
{
    IHttpContext*   pHttpContext;
    const BYTE*     pbData;
    DWORD           cbData;
};

static DWORD g_dwLastChecksum = 0;

VOID    WriteAccessLog(IN PCSTR pszHost, IN USHORT cchHost);
VOID    WriteAccessLogLength(IN DWORD cchValue);
VOID    RecordUserActivity(IN PCWSTR pszUser, IN DWORD cchUser);
VOID    UpdateScriptCounters(IN PCWSTR pszScript, IN HTTP_VERB verb);
VOID    TraceUrl(IN PCSTR pszRawUrl);
VOID    TraceLatency(IN DWORD dwElapsed);
DWORD   ComputeCrc32(IN const BYTE* pbData, IN DWORD cbData);
HRESULT FormatLogLine(IN char* pszScratch, IN DWORD cchScratch, IN IHttpRequest* pRequest);

//
// Header value used after completion.
//
DWORD WINAPI AccessLogWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    USHORT          cchHost = 0;
    PCSTR           pszHost = pRequest->GetHeader("Host", &cchHost);

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    WriteAccessLog(pszHost, cchHost);
    //~^ use-after-completion

    delete pJob;
    return 0;
}

//
// Request memory passed to a function after completion.
//
DWORD WINAPI ChecksumWorker(_In_ LPVOID lpParameter)
{
    CHECKSUM_JOB*   pJob = (CHECKSUM_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    DWORD           cbCopy = pJob->cbData;
    BYTE*           pbCopy = (BYTE*)pHttpContext->AllocateRequestMemory(cbCopy);

    if (pbCopy == NULL)
    {
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        delete pJob;
        return ERROR_NOT_ENOUGH_MEMORY;
    }

    CopyMemory(pbCopy, pJob->pbData, cbCopy);

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    g_dwLastChecksum = ComputeCrc32(pbCopy, cbCopy);
    //~^ use-after-completion

    delete pJob;
    return 0;
}

//
// Request memory dereferenced after completion.
//
DWORD WINAPI ScratchWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    char*           pszScratch = (char*)pHttpContext->AllocateRequestMemory(SCRATCH_SIZE);
    HRESULT         hr = S_OK;

    if (pszScratch == NULL)
    {
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        delete pJob;
        return 1;
    }

    hr = FormatLogLine(pszScratch, SCRATCH_SIZE, pHttpContext->GetRequest());
    OutputDebugStringA(pszScratch);

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    pszScratch[0] = '\0';
    //~^ use-after-completion

    delete pJob;
    return SUCCEEDED(hr) ? 0 : 1;
}

//
// Server variable (out parameter) used after completion.
//
DWORD WINAPI UserActivityWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    PCWSTR          pszRemoteUser = NULL;
    DWORD           cchRemoteUser = 0;
    HRESULT         hr = S_OK;

    hr = pHttpContext->GetServerVariable("REMOTE_USER", &pszRemoteUser, &cchRemoteUser);
    if (FAILED(hr))
    {
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
        delete pJob;
        return 1;
    }

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    RecordUserActivity(pszRemoteUser, cchRemoteUser);
    //~^ use-after-completion

    delete pJob;
    return 0;
}

//
// Script name used after PostCompletion.
//
DWORD WINAPI ScriptCounterWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    PCWSTR          pszScript = pHttpContext->GetScriptName();
    HTTP_VERB       verb = pHttpContext->GetRequest()->GetRawHttpRequest()->Verb;

    pHttpContext->PostCompletion(0);
    UpdateScriptCounters(pszScript, verb);
    //~^ use-after-completion

    delete pJob;
    return 0;
}

//
// Field of the raw request used after completion.
//
DWORD WINAPI RawUrlTraceWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    HTTP_REQUEST*   pRawRequest = pHttpContext->GetRequest()->GetRawHttpRequest();
    PCSTR           pszRawUrl = pRawRequest->pRawUrl;
    DWORD           dwElapsed = GetTickCount() - pJob->dwQueuedTick;

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);
    TraceLatency(dwElapsed);
    TraceUrl(pszRawUrl);
    //~^ use-after-completion

    delete pJob;
    return 0;
}

//
// Negative cases
//

//
// The worker copies what it needs before completing and only uses the
// copies (and plain numbers) afterwards.
//
DWORD WINAPI CopyingLogWorker(_In_ LPVOID lpParameter)
{
    LOG_JOB*        pJob = (LOG_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    IHttpRequest*   pRequest = pHttpContext->GetRequest();
    USHORT          cchHost = 0;
    PCSTR           pszHost = pRequest->GetHeader("Host", &cchHost);
    char*           pszHostCopy = NULL;
    DWORD           dwElapsed = 0;

    if (pszHost != NULL)
    {
        pszHostCopy = _strdup(pszHost);
    }

#ifdef _DEBUG
    if (pszHost != NULL)
    {
        OutputDebugStringA(pszHost);
    }
#endif

    dwElapsed = GetTickCount() - pJob->dwQueuedTick;

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    TraceLatency(dwElapsed);
    if (pszHostCopy != NULL)
    {
        WriteAccessLogLength((DWORD)strlen(pszHostCopy));
        WriteAccessLog(pszHostCopy, (USHORT)strlen(pszHostCopy));
        free(pszHostCopy);
    }

    delete pJob;
    return 0;
}

//
// Request memory is only touched before completion; the error branch
// completes and returns immediately.
//
DWORD WINAPI ChecksumBeforeCompletionWorker(_In_ LPVOID lpParameter)
{
    CHECKSUM_JOB*   pJob = (CHECKSUM_JOB*)lpParameter;
    IHttpContext*   pHttpContext = pJob->pHttpContext;
    BYTE*           pbCopy = (BYTE*)pHttpContext->AllocateRequestMemory(pJob->cbData);
    DWORD           dwChecksum = 0;

    if (pbCopy == NULL)
    {
        pHttpContext->IndicateCompletion(RQ_NOTIFICATION_FINISH_REQUEST);
        delete pJob;
        return ERROR_NOT_ENOUGH_MEMORY;
    }

    CopyMemory(pbCopy, pJob->pbData, pJob->cbData);
    dwChecksum = ComputeCrc32(pbCopy, pJob->cbData);

    pHttpContext->IndicateCompletion(RQ_NOTIFICATION_CONTINUE);

    g_dwLastChecksum = dwChecksum;
    delete pJob;
    return 0;
}

//
// Everything happens before PostCompletion, which is the last statement.
//
VOID
LogAndComplete(
    _In_ IHttpContext*  pHttpContext
)
{
    USHORT  cchHost = 0;
    PCSTR   pszHost = pHttpContext->GetRequest()->GetHeader("Host", &cchHost);
    PCWSTR  pszScript = pHttpContext->GetScriptName();

    WriteAccessLog(pszHost, cchHost);
    UpdateScriptCounters(pszScript, HttpVerbGET);

    pHttpContext->PostCompletion(0);
}
