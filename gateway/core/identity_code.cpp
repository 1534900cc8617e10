#include "gateway/core/identity_code.h"

#include <Poco/Ascii.h>

#include <cstdint>

#include "gateway/core/calendar.h"

namespace gw {
namespace {

constexpr std::string_view kControlCharacters = "0123456789ABCDEFHJKLMNPRSTUVWXY";
constexpr std::string_view kCenturySigns1800 = "+";
constexpr std::string_view kCenturySigns1900 = "-YXWVU";
constexpr std::string_view kCenturySigns2000 = "ABCDEF";

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

bool allDigits(std::string_view s) {
    for (char c : s) {
        if (!isDigit(c)) return false;
    }
    return true;
}

int twoDigits(std::string_view s, std::size_t at) {
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

int centuryOf(char sign) {
    if (kCenturySigns1800.find(sign) != std::string_view::npos) return 1800;
    if (kCenturySigns1900.find(sign) != std::string_view::npos) return 1900;
    if (kCenturySigns2000.find(sign) != std::string_view::npos) return 2000;
    return 0;
}

bool isAlnum(char c) {
    return Poco::Ascii::isAlphaNumeric(c);
}

// ASCII only, as std::toupper in the C locale the gateway runs in, without a call per byte.
char upper(char c) {
    return static_cast<char>(Poco::Ascii::toUpper(c));
}

// The digits must be digits (the callers check).
char controlCharacterOf(std::string_view date, std::string_view individual) {
    std::uint32_t number = 0;
    for (std::string_view digits : {date, individual}) {
        for (char digit : digits) number = number * 10 + static_cast<std::uint32_t>(digit - '0');
    }
    return kControlCharacters[number % 31];
}

/// Where a code-shaped run of `text` starting at `at` has its parts, if it has that shape.
struct CodeShape {
    std::size_t length = 0;        ///< 0: no code starts here
    std::size_t individualAt = 0;  ///< where the individual number begins (masked from here)
    bool signless = false;
    char sign = 0;  ///< as written
};

// Six digits, then a century sign (any case, at most one space either side) or none, three
// digits and a control character. Without a sign only a matching control character counts.
CodeShape codeShapeAt(std::string_view text, std::size_t at) {
    CodeShape shape;
    if (at + 10 > text.size() || !allDigits(text.substr(at, 6))) return shape;
    std::size_t i = at + 6;
    if (allDigits(text.substr(i, 3)) && isAlnum(text[i + 3]) &&
        upper(text[i + 3]) == controlCharacterOf(text.substr(at, 6), text.substr(i, 3))) {
        return {10, i, true};
    }
    if (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || centuryOf(upper(text[i])) == 0) return shape;
    char sign = text[i++];
    if (i < text.size() && text[i] == ' ') ++i;
    if (i + 4 > text.size() || !allDigits(text.substr(i, 3)) || !isAlnum(text[i + 3])) return shape;
    return {i + 4 - at, i, false, sign};
}

}  // namespace

const char* IdentityCodeCheck::rule() const {
    switch (fault) {
        case IdentityCodeFault::None:
            return "";
        case IdentityCodeFault::Format:
            return "identity-code.format";
        case IdentityCodeFault::Date:
            return "identity-code.date";
        case IdentityCodeFault::Control:
            return "identity-code.control";
    }
    return "";
}

const char* IdentityCodeCheck::describe() const {
    switch (fault) {
        case IdentityCodeFault::None:
            return "valid identity code";
        case IdentityCodeFault::Format:
            return "identity code is not of the form DDMMYYCZZZQ with a known century sign";
        case IdentityCodeFault::Date:
            return "identity code holds a date that does not exist";
        case IdentityCodeFault::Control:
            return "identity code has a wrong control character";
    }
    return "";
}

IdentityCodeCheck checkIdentityCode(std::string_view given) {
    IdentityCodeCheck check;
    std::string code = normalisedIdentityCode(given);
    if (code.size() != 11 || !allDigits(code.substr(0, 6)) || centuryOf(code[6]) == 0 ||
        !allDigits(code.substr(7, 3))) {
        check.fault = IdentityCodeFault::Format;
        return check;
    }
    int individual = twoDigits(code, 7) * 10 + (code[9] - '0');
    if (individual < 2) {
        check.fault = IdentityCodeFault::Format;
        return check;
    }
    int year = centuryOf(code[6]) + twoDigits(code, 4);
    if (!isRealDate(year, twoDigits(code, 2), twoDigits(code, 0))) {
        check.fault = IdentityCodeFault::Date;
        return check;
    }
    if (code[10] != controlCharacterOf(code.substr(0, 6), code.substr(7, 3))) {
        check.fault = IdentityCodeFault::Control;
        return check;
    }
    check.temporary = individual >= 900;
    return check;
}

std::string normalisedIdentityCode(std::string_view code) {
    std::string normalised(code);
    for (char& c : normalised) c = upper(c);
    return normalised;
}

std::string maskIdentityCode(std::string_view code) {
    if (code.size() < 7) return "****";
    return std::string(code.substr(0, 7)) + "****";
}

std::string maskIdentityCodesIn(std::string text) {
    for (std::size_t at = 0; at + 10 <= text.size(); ++at) {
        if (at > 0 && isDigit(text[at - 1])) continue;
        CodeShape shape = codeShapeAt(text, at);
        if (shape.length == 0) continue;
        if (shape.signless && at + shape.length < text.size() && isAlnum(text[at + shape.length]))
            continue;
        std::size_t masked = at + shape.length - shape.individualAt;
        text.replace(shape.individualAt, masked, "****");
        at = shape.individualAt + 3;
    }
    return text;
}

bool holdsIdentityCode(std::string_view text) {
    for (std::size_t at = 0; at + 10 <= text.size(); ++at) {
        if (at > 0 && isDigit(text[at - 1])) continue;
        CodeShape shape = codeShapeAt(text, at);
        if (shape.length == 0) continue;
        if (at + shape.length < text.size() && isAlnum(text[at + shape.length])) continue;
        // Within a word ("J131052-308T") only a sign as the agency writes it counts: lower-case
        // hex digits (a pseudonym's) must never pass for a code.
        bool withinWord = at > 0 && isAlnum(text[at - 1]);
        if (withinWord && (shape.signless || Poco::Ascii::isLower(shape.sign))) continue;
        return true;
    }
    return false;
}

}  // namespace gw
