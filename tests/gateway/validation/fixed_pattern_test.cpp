#include "gateway/validation/fixed_pattern.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <string>
#include <vector>

namespace gw {
namespace {

// A pattern the fixed form takes, with texts it matches: the texts it is tried on are these
// changed a byte at a time, and texts of random bytes.
struct Case {
    std::string pattern;
    std::vector<std::string> matching;
};

const std::vector<Case> kTaken = {
    // The regional schema's own (schemas/v1/common.schema.json).
    {"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$", {"2024-02-29", "1999-12-31"}},
    {"^[0-9]{3}$", {"536", "091"}},
    {"^[0-9]{6}[-+ABCDEFUVWXY][0-9]{3}[0-9A-Y]$", {"131052-308T", "010190Y999K"}},
    {"^c-[0-9a-f]{32}$", {"c-0123456789abcdef0123456789abcdef"}},
    {"^[0-9a-f]{64}$", {std::string(64, 'a')}},
    // Every construct it takes.
    {"^.{3}$", {"a\xffz", "   "}},
    {"^[^x\\]]{2}$", {"ab", "\xc3\xa4"}},
    {"^a(b|cd|){2}e$", {"abbe", "acdbe", "ae", "acde"}},
    {"^\\d{2}[-.]\\d\\.$", {"12-3.", "00.9."}},
    {"^[a-c-]{2}x{0}$", {"a-", "cb"}},
    {"^[\\d_]\\+$", {"5+", "_+"}},
    {"^Ä$", {"Ä"}},
};

bool referenceMatches(const std::regex& pattern, const std::string& text) {
    return std::regex_search(text, pattern);
}

TEST(FixedPattern, MatchesWhatEcmaScriptsRegexMatchesOverBytes) {
    std::mt19937 random(20261202);
    const std::string alphabet = "0123456789abcfxyzABTUY-+._]\\\n\r \xc3\xa4\xff";
    for (const auto& [pattern, matching] : kTaken) {
        std::optional<FixedPattern> fixed = FixedPattern::compile(pattern);
        ASSERT_TRUE(fixed) << pattern;
        std::regex reference(pattern, std::regex::ECMAScript);
        std::vector<std::string> texts = matching;
        for (const auto& text : matching) {
            ASSERT_TRUE(fixed->matches(text)) << pattern << " on " << text;
            for (int i = 0; i < 3000; ++i) {
                std::string changed = text;
                std::size_t at = changed.empty() ? 0 : random() % changed.size();
                switch (random() % 3) {
                    case 0:
                        if (!changed.empty()) changed[at] = alphabet[random() % alphabet.size()];
                        break;
                    case 1:
                        changed.insert(changed.begin() + at, alphabet[random() % alphabet.size()]);
                        break;
                    default:
                        if (!changed.empty()) changed.erase(at, 1);
                }
                texts.push_back(changed);
            }
        }
        for (int i = 0; i < 2000; ++i) {
            std::string text(random() % 12, ' ');
            for (auto& c : text) c = alphabet[random() % alphabet.size()];
            texts.push_back(text);
        }
        for (const auto& text : texts)
            ASSERT_EQ(fixed->matches(text), referenceMatches(reference, text))
                << pattern << " on \"" << text << "\"";
    }
}

TEST(FixedPattern, LeavesEveryOtherPatternToTheGeneralEngine) {
    for (const char* pattern : {"[0-9]{3}",  "^[0-9]{3}",
                                "[0-9]{3}$", "^a|b$",
                                "^a*$",      "^a+$",
                                "^a?$",      "^a{1,2}$",
                                "^a{2}{3}$", "^(?:a)$",
                                "^\\w$",     "^\\n$",
                                "^\\1$",     "^a$b$",
                                "^(a$",      "^a)$",
                                "^[a$",      "^[]$",
                                "^[^]$",     "^[z-a]$",
                                "^{$",       "^(a|b|c|d|e|f){3}$",
                                "^.{300}$"})
        EXPECT_FALSE(FixedPattern::compile(pattern)) << pattern;
}

}  // namespace
}  // namespace gw
