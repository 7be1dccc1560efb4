// Small string helpers. Ordinary C++, no IIS code: nothing here may be reported.

#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace strutil
{

std::string Trim(std::string_view text);
std::vector<std::string> Split(std::string_view text, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
const char* Intern(const char* text);

inline bool IsSpace(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

inline char ToLowerAscii(char ch)
{
    return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch;
}

} // namespace strutil
