// Small string helpers. Ordinary C++, no IIS code: nothing here may be reported.

#include "strutil.h"

#include <cstring>
#include <mutex>
#include <unordered_set>

namespace strutil
{

namespace
{
    std::mutex                       g_internLock;
    std::unordered_set<std::string>  g_internTable;
    const char*                      g_lastInterned = nullptr;
    char                             g_scratch[256];
}

std::string Trim(std::string_view text)
{
    size_t begin = 0;
    size_t end = text.size();

    while (begin < end && IsSpace(text[begin]))
    {
        ++begin;
    }
    while (end > begin && IsSpace(text[end - 1]))
    {
        --end;
    }
    return std::string(text.substr(begin, end - begin));
}

std::vector<std::string> Split(std::string_view text, char separator)
{
    std::vector<std::string> parts;
    size_t start = 0;

    for (size_t i = 0; i <= text.size(); ++i)
    {
        if (i == text.size() || text[i] == separator)
        {
            parts.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    return parts;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator)
{
    std::string result;
    for (size_t i = 0; i < parts.size(); ++i)
    {
        if (i != 0)
        {
            result.append(separator);
        }
        result.append(parts[i]);
    }
    return result;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix)
{
    if (prefix.size() > text.size())
    {
        return false;
    }
    for (size_t i = 0; i < prefix.size(); ++i)
    {
        if (ToLowerAscii(text[i]) != ToLowerAscii(prefix[i]))
        {
            return false;
        }
    }
    return true;
}

const char* Intern(const char* text)
{
    std::lock_guard<std::mutex> lock(g_internLock);

    auto result = g_internTable.insert(std::string(text));
    const char* interned = result.first->c_str();
    g_lastInterned = interned;
    return interned;
}

const char* ScratchCopy(const char* text)
{
    std::strncpy(g_scratch, text, sizeof(g_scratch) - 1);
    g_scratch[sizeof(g_scratch) - 1] = '\0';
    return g_scratch;
}

} // namespace strutil
