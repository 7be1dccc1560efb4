// iislint: allow-file(request-scope-escape-static) this file is a known legacy cache
static char* g_pszCache = nullptr;

void Remember(IHttpContext* pHttpContext)
{
    g_pszCache = static_cast<char*>(pHttpContext->AllocateRequestMemory(8));
}
