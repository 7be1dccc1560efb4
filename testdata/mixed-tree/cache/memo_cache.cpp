// Memoisation helpers built on function-local static caches. Ordinary C++,
// no IIS code: nothing here may be reported.

#include <cstdio>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

uint64_t Fibonacci(unsigned n)
{
    static std::unordered_map<unsigned, uint64_t> s_memo;
    static std::mutex s_lock;

    if (n < 2)
    {
        return n;
    }

    {
        std::lock_guard<std::mutex> lock(s_lock);
        auto it = s_memo.find(n);
        if (it != s_memo.end())
        {
            return it->second;
        }
    }

    uint64_t value = Fibonacci(n - 1) + Fibonacci(n - 2);

    std::lock_guard<std::mutex> lock(s_lock);
    s_memo[n] = value;
    return value;
}

const char* HumanSize(uint64_t bytes)
{
    static const char* const s_units[] = { "B", "KB", "MB", "GB", "TB" };
    static char s_buffer[32];
    static const char* s_lastUnit = nullptr;

    double size = static_cast<double>(bytes);
    size_t unit = 0;
    while (size >= 1024.0 && unit + 1 < sizeof(s_units) / sizeof(s_units[0]))
    {
        size /= 1024.0;
        ++unit;
    }

    s_lastUnit = s_units[unit];
    std::snprintf(s_buffer, sizeof(s_buffer), "%.1f %s", size, s_lastUnit);
    return s_buffer;
}

const std::string& CanonicalHost(const std::string& host)
{
    static std::map<std::string, std::string> s_canonical;
    static std::string s_empty;

    if (host.empty())
    {
        return s_empty;
    }

    auto it = s_canonical.find(host);
    if (it == s_canonical.end())
    {
        std::string lowered = host;
        for (char& ch : lowered)
        {
            if (ch >= 'A' && ch <= 'Z')
            {
                ch = static_cast<char>(ch - 'A' + 'a');
            }
        }
        it = s_canonical.emplace(host, lowered).first;
    }
    return it->second;
}

class LruCounter
{
public:
    static void Touch(const char* key)
    {
        s_lastKey = key;
        s_hits[key]++;
    }

private:
    static const char*                  s_lastKey;
    static std::map<std::string, int>   s_hits;
};

const char*                 LruCounter::s_lastKey = nullptr;
std::map<std::string, int>  LruCounter::s_hits;
