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
/// Lower case is the same code in upper case.
IdentityCodeCheck checkIdentityCode(std::string_view code);

/// The one spelling of a code: upper case. The century sign stays as it is: since 2023 it tells
/// people apart (010190-999K and 010190Y999K can be two persons).
std::string normalisedIdentityCode(std::string_view code);

/// The form an identity code may take in a log line or a message: "131052-****".
std::string maskIdentityCode(std::string_view code);

/// Masks every substring of text that looks like an identity code, also in the shapes a careless
/// export gives it: lower case, spaces around the century sign, and no sign at all (then only with
/// a control character that matches, as a ten-digit number would otherwise be masked).
std::string maskIdentityCodesIn(std::string text);

/// Whether `text` holds an identity code in any of the shapes maskIdentityCodesIn() masks and is
/// not part of a longer run of digits and letters; within a word ("J131052-308T") only with a sign
/// as the agency writes it. A pseudonym's lower-case hex digits never count, so that this can
/// guard what is sent out.
bool holdsIdentityCode(std::string_view text);

}  // namespace gw
