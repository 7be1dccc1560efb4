// Suppression comments: used ones silence the finding, unused ones are reported.

static char* g_pszLast = nullptr;
static char* g_pszPrev = nullptr;
static int g_nCount = 0;

void OnRequest(IHttpContext* pHttpContext)
{
    char* psz = static_cast<char*>(pHttpContext->AllocateRequestMemory(32));

    // iislint: allow(request-scope-escape-static) cleared in OnEndRequest before IIS frees it
    g_pszLast = psz;

    g_pszPrev = psz; // iislint: allow(request-scope-escape-static) same as above

    // A suppression that applies to a line without a finding.
    // iislint: allow(request-scope-escape-static) stale
    //~^ unused-suppression
    g_nCount++;

    g_nCount = 0; // iislint: allow(request-scope-escape-static) nothing to silence
    //~^ unused-suppression

    // A misspelt rule id silences nothing and is reported.
    // iislint: allow(request-scope-escape-statik) typo
    //~^ unused-suppression
    g_pszLast = psz;
    //~^ request-scope-escape-static

    // Two rules in one comment: only the unused one is reported.
    // iislint: allow(request-scope-escape-static, unused-suppression) both named //~ unused-suppression
    g_pszPrev = psz;

    /* iislint: allow(request-scope-escape-static) a block comment works too */
    g_pszLast = psz + 1;
}
