#pragma once

#include <string>
#include <string_view>

namespace gw {

/// What is wrong with a personal identity code (henkilötunnus), if anything.
enum class IdentityCodeFault { None, Format, Date, Control };

/// The outcome of checking one identity code against the rules in docs/identity-code.md.
struct IdentityCodeCheck {
    IdentityCodeFault fault = IdentityCodeFault::None;
    bool temporary = false;  ///< individual number 900-999: a temporary or test code

    bool valid() const { return fault == IdentityCodeFault::None; }
    /// The rule id a rejection cites: identity-code.format, .date or .control.
    const char* rule() const;
    const char* describe() const;
};

/// Checks format, century sign (including those in force from 2023), date and control character.
IdentityCodeCheck checkIdentityCode(std::string_view code);

/// One spelling for each person: the century sign replaced by the oldest sign of its century
/// ('+', '-' or 'A'), so 010594Y9021 and 010594-9021 are the same. Only for valid codes.
std::string canonicalIdentityCode(std::string_view code);

/// The form an identity code may take in a log line or a message: "131052-****".
std::string maskIdentityCode(std::string_view code);

/// Masks every substring of text that looks like an identity code.
std::string maskIdentityCodesIn(std::string text);

}  // namespace gw
