// Nothing here names the IIS API, but it calls DupForAudit (module.cpp), which returns request
// memory.
char* DupForAudit(void* pvContext);

static char* g_pszAudit = nullptr;
static int g_cAudits = 0;

void Audit(void* pvContext)
{
    g_pszAudit = DupForAudit(pvContext);
    //~^ request-scope-escape-static
    g_cAudits++;
}
