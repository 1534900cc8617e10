#include "gateway/core/identity_code.h"

#include <cctype>
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

// Whether the 11 characters starting at text[at] have the shape of an identity code.
bool looksLikeIdentityCode(std::string_view text, std::size_t at) {
    if (at + 11 > text.size()) return false;
    std::string_view candidate = text.substr(at, 11);
    return allDigits(candidate.substr(0, 6)) && centuryOf(candidate[6]) != 0 &&
           allDigits(candidate.substr(7, 3)) &&
           std::isalnum(static_cast<unsigned char>(candidate[10]));
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

IdentityCodeCheck checkIdentityCode(std::string_view code) {
    IdentityCodeCheck check;
    if (code.size() != 11 || !allDigits(code.substr(0, 6)) || centuryOf(code[6]) == 0 ||
        !allDigits(code.substr(7, 3))) {
        check.fault = IdentityCodeFault::Format;
        return check;
    }
    int individual = std::stoi(std::string(code.substr(7, 3)));
    if (individual < 2) {
        check.fault = IdentityCodeFault::Format;
        return check;
    }
    int year = centuryOf(code[6]) + twoDigits(code, 4);
    if (!isRealDate(year, twoDigits(code, 2), twoDigits(code, 0))) {
        check.fault = IdentityCodeFault::Date;
        return check;
    }
    std::uint32_t number =
        std::stoul(std::string(code.substr(0, 6)) + std::string(code.substr(7, 3)));
    if (code[10] != kControlCharacters[number % 31]) {
        check.fault = IdentityCodeFault::Control;
        return check;
    }
    check.temporary = individual >= 900;
    return check;
}

std::string canonicalIdentityCode(std::string_view code) {
    std::string canonical(code);
    switch (centuryOf(code[6])) {
        case 1800:
            canonical[6] = '+';
            break;
        case 1900:
            canonical[6] = '-';
            break;
        default:
            canonical[6] = 'A';
            break;
    }
    return canonical;
}

std::string maskIdentityCode(std::string_view code) {
    if (code.size() < 7) return "****";
    return std::string(code.substr(0, 7)) + "****";
}

std::string maskIdentityCodesIn(std::string text) {
    for (std::size_t at = 0; at + 11 <= text.size(); ++at) {
        if (looksLikeIdentityCode(text, at)) {
            text.replace(at + 7, 4, "****");
            at += 10;
        }
    }
    return text;
}

}  // namespace gw
