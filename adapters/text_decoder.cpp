#include "adapters/text_decoder.h"

#include <Poco/Latin1Encoding.h>
#include <Poco/String.h>
#include <Poco/UTF8Encoding.h>
#include <Poco/Windows1252Encoding.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <iterator>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";
constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

void appendUtf8(std::string& out, int codePoint) {
    unsigned char bytes[4];
    static Poco::UTF8Encoding utf8;
    int length = utf8.convert(codePoint, bytes, sizeof bytes);
    out.append(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(length));
}

// The length of the UTF-8 sequence that `lead` starts, or 0 when it cannot start one.
std::size_t sequenceLength(unsigned char lead) {
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) return 2;
    if (lead >= 0xE0 && lead <= 0xEF) return 3;
    if (lead >= 0xF0 && lead <= 0xF4) return 4;
    return 0;
}

// Whether the complete sequence s[0..n) is well-formed UTF-8 (no overlong forms, no surrogates).
bool wellFormed(const unsigned char* s, std::size_t n) {
    for (std::size_t i = 1; i < n; ++i) {
        if ((s[i] & 0xC0) != 0x80) return false;
    }
    if (n == 3) {
        if (s[0] == 0xE0 && s[1] < 0xA0) return false;
        if (s[0] == 0xED && s[1] > 0x9F) return false;
    }
    if (n == 4) {
        if (s[0] == 0xF0 && s[1] < 0x90) return false;
        if (s[0] == 0xF4 && s[1] > 0x8F) return false;
    }
    return true;
}

// Whether bytes are well-formed UTF-8 that ends on a character boundary. ASCII runs are checked
// eight bytes at a time.
bool wholeValidUtf8(std::string_view bytes) {
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
    std::size_t n = bytes.size();
    std::size_t i = 0;
    while (i < n) {
        if (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, s + i, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        if (s[i] < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = sequenceLength(s[i]);
        if (length == 0 || i + length > n || !wellFormed(s + i, length)) return false;
        i += length;
    }
    return true;
}

}  // namespace

TextDecoder::TextDecoder(const std::string& encoding) {
    std::string name = Poco::toLower(encoding);
    if (name == "utf-8" || name == "utf8") return;
    utf8_ = false;
    if (name == "iso-8859-1" || name == "latin1" || name == "latin-1") {
        loadCharacterMap(Poco::Latin1Encoding().characterMap());
    } else if (name == "windows-1252" || name == "cp1252") {
        loadCharacterMap(Poco::Windows1252Encoding().characterMap());
    } else {
        throw ConfigError("unsupported encoding '" + encoding +
                          "' (use utf-8, iso-8859-1 or windows-1252)");
    }
}

void TextDecoder::loadCharacterMap(const Poco::TextEncoding::CharacterMap& map) {
    std::copy(std::begin(map), std::end(map), codePoints_.begin());
    // C1 control characters never belong in an export: a byte decoding to one means the file is in
    // another encoding than configured (Windows-1252 read as ISO-8859-1) or a byte that
    // Windows-1252 leaves undefined.
    for (int& codePoint : codePoints_) {
        if (codePoint >= 0x80 && codePoint <= 0x9F) codePoint = -1;
    }
}

std::string_view TextDecoder::decode(std::string_view bytes, bool& invalid) {
    invalid = false;
    // The common case, well-formed UTF-8 with nothing cut off, needs no copy.
    if (utf8_ && !atStart_ && pendingLength_ == 0 && wholeValidUtf8(bytes)) return bytes;
    out_.clear();
    if (utf8_) {
        decodeUtf8(bytes, invalid);
    } else {
        for (unsigned char byte : bytes) {
            if (byte < 0x80) {
                out_.push_back(static_cast<char>(byte));
            } else if (codePoints_[byte] < 0) {
                invalid = true;
                out_.append(kReplacementCharacter);
            } else {
                appendUtf8(out_, codePoints_[byte]);
            }
        }
    }
    atStart_ = false;
    return out_;
}

void TextDecoder::decodeUtf8(std::string_view bytes, bool& invalid) {
    std::size_t i = 0;
    // Complete a sequence that the previous piece cut off.
    while (pendingLength_ != 0 && i < bytes.size()) {
        auto byte = static_cast<unsigned char>(bytes[i]);
        if ((byte & 0xC0) != 0x80) {  // the cut sequence was never completed
            invalid = true;
            out_.append(kReplacementCharacter);
            pendingLength_ = 0;
            break;
        }
        pending_[pendingLength_++] = byte;
        ++i;
        std::size_t need = sequenceLength(pending_[0]);
        if (pendingLength_ == need) {
            if (wellFormed(pending_.data(), need)) {
                out_.append(reinterpret_cast<const char*>(pending_.data()), need);
            } else {
                invalid = true;
                out_.append(kReplacementCharacter);
            }
            pendingLength_ = 0;
        }
    }
    if (atStart_ && bytes.substr(i, 3) == kByteOrderMark) i += 3;
    while (i < bytes.size()) {
        auto lead = static_cast<unsigned char>(bytes[i]);
        if (lead < 0x80) {
            out_.push_back(static_cast<char>(lead));
            ++i;
            continue;
        }
        std::size_t length = sequenceLength(lead);
        if (length == 0) {
            invalid = true;
            out_.append(kReplacementCharacter);
            ++i;
            continue;
        }
        bool allContinuations = true;
        for (std::size_t j = i + 1; j < bytes.size() && j < i + length; ++j) {
            allContinuations &= (static_cast<unsigned char>(bytes[j]) & 0xC0) == 0x80;
        }
        if (!allContinuations) {  // broken before its end: the lead byte alone is invalid
            invalid = true;
            out_.append(kReplacementCharacter);
            ++i;
            continue;
        }
        if (i + length >
            bytes.size()) {  // cut at the end of the piece: the next piece completes it
            for (; i < bytes.size(); ++i)
                pending_[pendingLength_++] = static_cast<unsigned char>(bytes[i]);
            break;
        }
        const auto* sequence = reinterpret_cast<const unsigned char*>(bytes.data() + i);
        if (wellFormed(sequence, length)) {
            out_.append(bytes.data() + i, length);
            i += length;
        } else {
            invalid = true;
            out_.append(kReplacementCharacter);
            ++i;
        }
    }
}

}  // namespace gw
