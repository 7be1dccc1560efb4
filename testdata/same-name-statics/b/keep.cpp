// Another module has its own file-local `g_szLast` of the same name, a pointer.
static PCSTR g_szLast = NULL;

void KeepPointer(IHttpContext* pHttpContext)
{
    PSTR psz = (PSTR)pHttpContext->AllocateRequestMemory(64);
    if (psz == NULL)
    {
        return;
    }
    psz[0] = '\0';
    g_szLast = psz;
    //~^ request-scope-escape-static
}
