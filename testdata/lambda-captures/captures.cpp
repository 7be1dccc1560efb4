// Lambda bodies start with the values their captures had where the lambda was created.

static char* g_pszFromWorker = nullptr;
static int g_cSeen = 0;

class CStats : public CGlobalModule
{
public:
    GLOBAL_NOTIFICATION_STATUS OnGlobalPreBeginRequest(IN IPreBeginRequestProvider* pProvider)
    {
        IHttpContext* pCurrent = nullptr;
        // `pCurrent` is a captured local, not a member of the global module: no escape.
        auto pick = [&]() { pCurrent = pProvider->GetHttpContext(); };
        pick();
        g_cSeen = (pCurrent != nullptr) ? 1 : 0;
        return GL_NOTIFICATION_CONTINUE;
    }
};

REQUEST_NOTIFICATION_STATUS
CWorkerModule::OnBeginRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    char* psz = static_cast<char*>(pHttpContext->AllocateRequestMemory(32));
    if (psz == nullptr)
    {
        return RQ_NOTIFICATION_FINISH_REQUEST;
    }
    psz[0] = '\0';
    std::thread([psz]() {
    //~^ request-scope-escape-thread
        g_pszFromWorker = psz;
        //~^ request-scope-escape-static
    }).detach();
    UNREFERENCED_PARAMETER(pProvider);
    return RQ_NOTIFICATION_CONTINUE;
}

REQUEST_NOTIFICATION_STATUS
CWorkerModule::OnEndRequest(IN IHttpContext* pHttpContext, IN IHttpEventProvider* pProvider)
{
    char* pszCopy = _strdup("static text");
    auto keep = [pszCopy]() { g_pszFromWorker = pszCopy; };   // heap copy: fine
    keep();
    UNREFERENCED_PARAMETER(pHttpContext);
    UNREFERENCED_PARAMETER(pProvider);
    return RQ_NOTIFICATION_CONTINUE;
}

class CWorkerState
{
public:
    CWorkerState(IHttpContext* pHttpContext) : m_pHttpContext(pHttpContext) {}
    IHttpContext* m_pHttpContext;
};

static std::optional<CWorkerState> g_state;

void Remember(IHttpContext* pHttpContext)
{
    g_state.emplace(pHttpContext);
    //~^ request-scope-escape-static
}
