//
// registry.h : small bookkeeping classes used by the request-tracing module.
// Member functions are defined in registry.cpp.
//

#pragma once

#define _WINSOCKAPI_
#include <windows.h>
#include <sal.h>
#include <httpserv.h>

#define JOB_FLAG_PERIODIC       0x00000001

//
// A unit of deferred work.
//
class CJob
{
public:
    CJob(
        _In_ IHttpContext*      pHttpContext
        );

    CJob(
        _In_ IHttpServer*       pHttpServer,
        _In_ DWORD              dwFlags
        );

    HRESULT
    Run(
        VOID
        );

private:
    IHttpContext*   m_pHttpContext;
    IHttpServer*    m_pHttpServer;
    DWORD           m_dwFlags;
};

//
// Remembers requests by pointer.
//
class CRegistry
{
public:
    CRegistry()
        : m_pLast(NULL),
          m_pPending(NULL),
          m_cUpdates(0)
    {
    }

    VOID
    SetLast(
        _In_ IHttpContext*      pHttpContext
        );

    VOID
    SetPending(
        _In_ IHttpContext*      pHttpContext
        );

    DWORD
    QueryUpdates(
        VOID
        ) const
    {
        return m_cUpdates;
    }

private:
    IHttpContext*   m_pLast;
    IHttpContext*   m_pPending;
    DWORD           m_cUpdates;
};

//
// Remembers the most recent request and when it was seen.
//
class CLastSeen
{
public:
    CLastSeen()
        : m_pHttpContext(NULL),
          m_dwTick(0)
    {
    }

    VOID
    Track(
        _In_ IHttpContext*      pHttpContext
        );

private:
    IHttpContext*   m_pHttpContext;
    DWORD           m_dwTick;
};

//
// Two unrelated classes with a Store method of the same shape.
//
class CHeapCache
{
public:
    VOID
    Store(
        _In_opt_ VOID*          pvItem
        );
};

class CScratch
{
public:
    CScratch()
        : m_cItems(0)
    {
    }

    VOID
    Store(
        _In_opt_ VOID*          pvItem
        );

    DWORD
    QueryCount(
        VOID
        ) const
    {
        return m_cItems;
    }

private:
    DWORD           m_cItems;
};

//
// Value sinks reached through a base-class pointer.
//
class CSink
{
public:
    virtual ~CSink()
    {
    }

    virtual VOID
    Put(
        _In_opt_ PCSTR          pszValue
        ) = 0;
};

class CGlobalSink : public CSink
{
public:
    VOID
    Put(
        _In_opt_ PCSTR          pszValue
        ) override;
};

class CCountingSink : public CSink
{
public:
    CCountingSink()
        : m_cValues(0)
    {
    }

    VOID
    Put(
        _In_opt_ PCSTR          pszValue
        ) override;

private:
    DWORD           m_cValues;
};
