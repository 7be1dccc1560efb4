// Handlers that send a body IIS keeps by reference. The body must outlive the response:
// a string owned by another object (reached through a reference or pointer member) may be
// replaced or freed while IIS still reads it.

#include <string>

class CSiteConfig
{
public:
    std::string strOfflineBody;
};

class COfflineHandler : public CHttpModule
{
public:
    COfflineHandler(const std::string& body, CSiteConfig* pConfig)
        : m_strBodyRef(body), m_pConfig(pConfig), m_strOwnBody(body)
    {
    }

    REQUEST_NOTIFICATION_STATUS OnExecuteRequestHandler(
        IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider);

    REQUEST_NOTIFICATION_STATUS SendOwnCopy(IN IHttpContext* pHttpContext);
    REQUEST_NOTIFICATION_STATUS SendThroughPointer(IN IHttpContext* pHttpContext);
    REQUEST_NOTIFICATION_STATUS SendRequestMemory(IN IHttpContext* pHttpContext);

private:
    const std::string& m_strBodyRef;   // owned by the application object
    CSiteConfig*       m_pConfig;      // owned by the global configuration
    std::string        m_strOwnBody;   // this handler's own copy, lives as long as the request
};

REQUEST_NOTIFICATION_STATUS
COfflineHandler::OnExecuteRequestHandler(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    UNREFERENCED_PARAMETER(pProvider);
    HTTP_DATA_CHUNK chunk = {};
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)m_strBodyRef.data();
    chunk.FromMemory.BufferLength = (ULONG)m_strBodyRef.size();
    pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
    //~^ borrowed-buffer-by-reference
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

REQUEST_NOTIFICATION_STATUS
COfflineHandler::SendThroughPointer(IN IHttpContext* pHttpContext)
{
    HTTP_DATA_CHUNK chunk = {};
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)m_pConfig->strOfflineBody.c_str();
    chunk.FromMemory.BufferLength = (ULONG)m_pConfig->strOfflineBody.size();
    IHttpResponse* pResponse = pHttpContext->GetResponse();
    pResponse->WriteEntityChunkByReference(&chunk, -1);
    //~^ borrowed-buffer-by-reference
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

REQUEST_NOTIFICATION_STATUS
COfflineHandler::SendOwnCopy(IN IHttpContext* pHttpContext)
{
    // The handler's own member string lives until the request ends: not flagged.
    HTTP_DATA_CHUNK chunk = {};
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = (PVOID)m_strOwnBody.data();
    chunk.FromMemory.BufferLength = (ULONG)m_strOwnBody.size();
    pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}

REQUEST_NOTIFICATION_STATUS
COfflineHandler::SendRequestMemory(IN IHttpContext* pHttpContext)
{
    // The documented fix: a copy in request memory.
    DWORD cb = (DWORD)m_strBodyRef.size();
    void* pv = pHttpContext->AllocateRequestMemory(cb);
    if (pv == NULL)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    memcpy(pv, m_strBodyRef.data(), cb);
    HTTP_DATA_CHUNK chunk = {};
    chunk.DataChunkType = HttpDataChunkFromMemory;
    chunk.FromMemory.pBuffer = pv;
    chunk.FromMemory.BufferLength = cb;
    pHttpContext->GetResponse()->WriteEntityChunkByReference(&chunk, -1);
    return RQ_NOTIFICATION_FINISH_REQUEST;
}
