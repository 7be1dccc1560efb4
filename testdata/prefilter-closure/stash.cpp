// Nothing here names the IIS API; module.cpp calls Stash::Put with request memory.
#include "plain.h"

const char* Stash::s_pszLast = nullptr;
const char* g_pszShared = nullptr;

void Stash::Put(const char* pszValue)
{
    s_pszLast = pszValue;
    //~^ request-scope-escape-static
}

void Stash::Clear()
{
    s_pszLast = nullptr;
}
