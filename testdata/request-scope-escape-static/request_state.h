// Fixture for request-scope-escape-static: a header with inline helpers.
//
// Headers are analysed like source files. The extern declarations and the
// class below are visible to the inline functions that follow them.
//
// Style: the IIS SDK types are used without being declared here.

#pragma once

#include "precomp.h"

extern PSTR     g_pszHeaderLastName;
extern DWORD    g_cchHeaderLastName;

class CRequestState
{
public:
    static PVOID    s_pvLastState;
    PVOID           m_pvState;

    void Attach(_In_ IHttpContext* pHttpContext)
    {
        m_pvState = pHttpContext->AllocateRequestMemory(64);   // why: instance member
    }

    static void Publish(_In_ IHttpContext* pHttpContext)
    {
        PVOID pvState = pHttpContext->AllocateRequestMemory(64);
        s_pvLastState = pvState;
        //~^ request-scope-escape-static
    }
};

inline PSTR
RememberName(
    _In_ IHttpContext*  pHttpContext,
    _In_ DWORD          cchName
    )
{
    PSTR pszName = (PSTR)pHttpContext->AllocateRequestMemory(cchName + 1);
    if (pszName != NULL)
    {
        g_pszHeaderLastName = pszName;
        //~^ request-scope-escape-static
        g_cchHeaderLastName = cchName;                          // why: scalar
    }
    return pszName;
}

template <DWORD CB>
inline PVOID
AllocateFixed(
    _In_ IHttpContext*  pHttpContext
    )
{
    return pHttpContext->AllocateRequestMemory(CB);              // why: returned, not stored
}
