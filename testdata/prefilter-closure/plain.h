// Nothing here names the IIS API.
#pragma once

extern const char* g_pszShared;

class Stash
{
public:
    static void Put(const char* pszValue);
    static void Clear();

private:
    static const char* s_pszLast;
};
