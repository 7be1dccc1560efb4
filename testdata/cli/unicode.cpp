// Zeichenketten: ünïcödé before the finding must not shift columns.
static wchar_t* g_pwszSummary = nullptr;

void Merke(IHttpContext* pHttpContext)
{
    /* äöü — */ wchar_t* pw = reinterpret_cast<wchar_t*>(pHttpContext->AllocateRequestMemory(8)); g_pwszSummary = pw;
    //~^ request-scope-escape-static
}
