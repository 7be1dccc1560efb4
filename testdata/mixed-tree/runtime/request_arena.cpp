// A bump allocator for a home-grown RPC server. Its method names happen to
// match IIS ones (AllocateRequestMemory, AllocateMemory) but the classes
// have nothing to do with IIS, and every receiver below has a declared type.
// Nothing here may be reported.

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

class RequestArena
{
public:
    explicit RequestArena(size_t capacity)
        : m_base(static_cast<char*>(std::malloc(capacity))), m_used(0), m_capacity(capacity)
    {
    }

    ~RequestArena()
    {
        std::free(m_base);
    }

    void* AllocateRequestMemory(size_t cb)
    {
        size_t aligned = (cb + 15) & ~static_cast<size_t>(15);
        if (m_base == nullptr || m_used + aligned > m_capacity)
        {
            return nullptr;
        }
        void* p = m_base + m_used;
        m_used += aligned;
        return p;
    }

    void Reset()
    {
        m_used = 0;
    }

private:
    char*   m_base;
    size_t  m_used;
    size_t  m_capacity;
};

class Arena
{
public:
    void* AllocateMemory(size_t cb)
    {
        m_blocks.push_back(std::malloc(cb));
        return m_blocks.back();
    }

private:
    std::vector<void*> m_blocks;
};

RequestArena                g_arena(1 << 20);
Arena                       g_blockArena;
char*                       g_scratch = nullptr;
void*                       g_lastBlock = nullptr;
std::vector<void*>          g_blocks;
std::map<int, char*>        g_namedBuffers;

void PrepareScratch()
{
    g_scratch = static_cast<char*>(g_arena.AllocateRequestMemory(256));
    if (g_scratch != nullptr)
    {
        std::memset(g_scratch, 0, 256);
    }
}

void KeepBlockFromLocalArena()
{
    RequestArena arena(4096);
    void* p = arena.AllocateRequestMemory(64);
    g_lastBlock = p;
}

void KeepBlockFromArenaPointer(RequestArena* pArena, int id)
{
    char* buffer = static_cast<char*>(pArena->AllocateRequestMemory(128));
    g_namedBuffers[id] = buffer;
    g_blocks.push_back(buffer);
}

void KeepBlockFromPlainArena(Arena* arena)
{
    g_lastBlock = arena->AllocateMemory(32);
    g_blocks.push_back(g_blockArena.AllocateMemory(16));
}

void* NextFrame()
{
    static RequestArena s_frameArena(1 << 16);
    static void* s_lastFrame = nullptr;

    s_lastFrame = s_frameArena.AllocateRequestMemory(512);
    return s_lastFrame;
}
