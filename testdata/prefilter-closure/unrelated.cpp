// Nothing here names the IIS API, nothing reaches it, and it reaches nothing: never parsed, and
// silent either way (its store keeps only what its callers in this file pass).
static const char* g_pszName = nullptr;

void Remember(const char* pszName)
{
    g_pszName = pszName;
}

void Init()
{
    Remember("default");
}
