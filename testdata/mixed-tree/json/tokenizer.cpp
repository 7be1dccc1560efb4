// A tiny JSON-ish tokenizer. Ordinary C++, no IIS code: nothing here may be
// reported.

#include <cctype>
#include <cstddef>
#include <string>
#include <vector>

namespace json
{

enum class TokenKind
{
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Colon,
    Comma,
    String,
    Number,
    Keyword,
    End,
    Invalid
};

struct Token
{
    TokenKind   kind;
    const char* begin;
    size_t      length;
    size_t      line;
};

static const char* const s_keywords[] = { "true", "false", "null" };

std::vector<Token>  g_lastTokens;
const char*         g_lastInput = nullptr;
size_t              g_tokenCount = 0;

class Tokenizer
{
public:
    explicit Tokenizer(const char* input)
        : m_cursor(input), m_line(1)
    {
    }

    Token Next()
    {
        SkipSpace();

        Token token = { TokenKind::End, m_cursor, 0, m_line };
        char ch = *m_cursor;

        switch (ch)
        {
        case '\0':
            return token;
        case '{': token.kind = TokenKind::LeftBrace; break;
        case '}': token.kind = TokenKind::RightBrace; break;
        case '[': token.kind = TokenKind::LeftBracket; break;
        case ']': token.kind = TokenKind::RightBracket; break;
        case ':': token.kind = TokenKind::Colon; break;
        case ',': token.kind = TokenKind::Comma; break;
        case '"':
            return ReadString();
        default:
            if (ch == '-' || std::isdigit(static_cast<unsigned char>(ch)))
            {
                return ReadNumber();
            }
            if (std::isalpha(static_cast<unsigned char>(ch)))
            {
                return ReadKeyword();
            }
            token.kind = TokenKind::Invalid;
            break;
        }

        token.length = 1;
        ++m_cursor;
        return token;
    }

    static size_t s_instances;

private:
    void SkipSpace()
    {
        while (*m_cursor == ' ' || *m_cursor == '\t' || *m_cursor == '\r' || *m_cursor == '\n')
        {
            if (*m_cursor == '\n')
            {
                ++m_line;
            }
            ++m_cursor;
        }
    }

    Token ReadString()
    {
        Token token = { TokenKind::String, m_cursor, 0, m_line };
        ++m_cursor;
        while (*m_cursor != '\0' && *m_cursor != '"')
        {
            if (*m_cursor == '\\' && m_cursor[1] != '\0')
            {
                ++m_cursor;
            }
            ++m_cursor;
        }
        if (*m_cursor == '"')
        {
            ++m_cursor;
        }
        token.length = static_cast<size_t>(m_cursor - token.begin);
        return token;
    }

    Token ReadNumber()
    {
        Token token = { TokenKind::Number, m_cursor, 0, m_line };
        ++m_cursor;
        while (std::isdigit(static_cast<unsigned char>(*m_cursor)) || *m_cursor == '.' ||
               *m_cursor == 'e' || *m_cursor == 'E' || *m_cursor == '+' || *m_cursor == '-')
        {
            ++m_cursor;
        }
        token.length = static_cast<size_t>(m_cursor - token.begin);
        return token;
    }

    Token ReadKeyword()
    {
        Token token = { TokenKind::Invalid, m_cursor, 0, m_line };
        while (std::isalpha(static_cast<unsigned char>(*m_cursor)))
        {
            ++m_cursor;
        }
        token.length = static_cast<size_t>(m_cursor - token.begin);

        for (const char* keyword : s_keywords)
        {
            if (std::string(token.begin, token.length) == keyword)
            {
                token.kind = TokenKind::Keyword;
            }
        }
        return token;
    }

    const char* m_cursor;
    size_t      m_line;
};

size_t Tokenizer::s_instances = 0;

std::vector<Token> Tokenize(const char* input)
{
    std::vector<Token> tokens;
    Tokenizer tokenizer(input);

    Tokenizer::s_instances++;
    for (;;)
    {
        Token token = tokenizer.Next();
        tokens.push_back(token);
        if (token.kind == TokenKind::End || token.kind == TokenKind::Invalid)
        {
            break;
        }
    }

    g_lastInput = input;
    g_lastTokens = tokens;
    g_tokenCount += tokens.size();
    return tokens;
}

} // namespace json
