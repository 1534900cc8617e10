#pragma once

// appendCopyField: one field in PostgreSQL COPY's text format.

#include <string>
#include <string_view>

namespace gw {

/// Appends `value` to `out` as COPY's text format writes a field: backslash, tab, newline and
/// carriage return escaped. The bytes between them are appended a run at a time.
inline void appendCopyField(std::string& out, std::string_view value) {
    const char* run = value.data();
    const char* const end = run + value.size();
    for (const char* at = run; at != end; ++at) {
        char letter;
        switch (*at) {
            case '\\':
                letter = '\\';
                break;
            case '\t':
                letter = 't';
                break;
            case '\n':
                letter = 'n';
                break;
            case '\r':
                letter = 'r';
                break;
            default:
                continue;
        }
        out.append(run, static_cast<std::size_t>(at - run));
        out += '\\';
        out += letter;
        run = at + 1;
    }
    out.append(run, static_cast<std::size_t>(end - run));
}

}  // namespace gw
