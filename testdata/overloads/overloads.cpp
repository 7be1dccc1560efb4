// Overloads of one name: the argument's declared type picks the function that runs.

static IHttpServer*  g_pServer = NULL;
static IHttpContext* g_pLastContext = NULL;

void Keep(IHttpServer* pServer)
{
    g_pServer = pServer;                    // the server outlives requests
}

void Keep(IHttpContext* pHttpContext)
{
    IHttpContext* pLocal = pHttpContext;    // kept in a local only
    pLocal->GetResponse()->SetStatus(200, "OK");
}

void Track(IHttpContext* pHttpContext)
{
    g_pLastContext = pHttpContext;
    //~^ request-scope-escape-static
}

void Track(IHttpServer* pServer, int nUnused)
{
    g_pServer = pServer;
}

REQUEST_NOTIFICATION_STATUS
COverloadModule::OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    Keep(pHttpContext);                     // the IHttpContext* overload: nothing escapes
    Track(pHttpContext);                    // this one stores it
    UNREFERENCED_PARAMETER(pProvider);
    return RQ_NOTIFICATION_CONTINUE;
}
