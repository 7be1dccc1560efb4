// One module keeps a copy of the last URL in a file-local buffer.
static CHAR g_szLast[64];

void KeepCopy(IHttpContext* pHttpContext)
{
    PCSTR pszUrl = pHttpContext->GetRequest()->GetRawHttpRequest()->pRawUrl;
    strncpy_s(g_szLast, sizeof(g_szLast), pszUrl, _TRUNCATE);   // a copy: fine
}
