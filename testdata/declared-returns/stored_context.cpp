// A project's own accessors declared to return IIS request interfaces hand out request
// objects; accessors of other types do not.

class CRequestState : public IHttpStoredContext
{
public:
    IHttpContext* GetHttpContext() { return m_pHttpContext; }
    IHttpServer*  GetServer() { return m_pServer; }
    CRequestState* GetSelf() { return this; }
    VOID CleanupStoredContext() { delete this; }

private:
    IHttpContext* m_pHttpContext;
    IHttpServer*  m_pServer;
};

IHttpContext* CurrentContext();
IHttpServer*  CurrentServer();

static IHttpContext*  g_pLastContext = NULL;
static IHttpServer*   g_pServer = NULL;
static CRequestState* g_pLastState = NULL;

void Remember(CRequestState* pState)
{
    g_pLastContext = pState->GetHttpContext();
    //~^ request-scope-escape-static
    g_pServer = pState->GetServer();               // the server outlives requests: fine
    g_pLastContext = CurrentContext();
    //~^ request-scope-escape-static
    g_pServer = CurrentServer();                   // fine
}

DWORD WINAPI FinishLater(LPVOID pv)
{
    CRequestState* pState = static_cast<CRequestState*>(pv);
    pState->GetHttpContext()->GetResponse()->SetStatus(200, "OK");
    pState->GetHttpContext()->PostCompletion(0);
    pState->GetHttpContext()->GetResponse()->Clear();
    //~^ use-after-completion
    return 0;
}

DWORD WINAPI FinishCorrectly(LPVOID pv)
{
    CRequestState* pState = static_cast<CRequestState*>(pv);
    pState->GetHttpContext()->GetResponse()->SetStatus(200, "OK");
    pState->GetServer()->ReportUnhealthy(L"done", S_OK);   // not the request: fine
    pState->GetHttpContext()->PostCompletion(0);
    return 0;
}
