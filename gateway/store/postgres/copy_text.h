#pragma once

// appendCopyField: one field in PostgreSQL COPY's text format.

#include <string>
#include <string_view>

namespace gw {

/// Appends `value` to `out` as COPY's text format writes a field: backslash, tab, newline and
/// carriage return escaped.
inline void appendCopyField(std::string& out, std::string_view value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
}

}  // namespace gw
