#pragma once

#include <Poco/TextEncoding.h>

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace gw {

/// Turns the bytes of one configured text encoding into UTF-8, piece by piece, and tells which
/// pieces held bytes that are invalid in that encoding (each becomes U+FFFD).
class TextDecoder {
  public:
    /// "utf-8" (a leading byte-order mark is dropped), "iso-8859-1" or "windows-1252".
    /// Throws ConfigError for any other name.
    explicit TextDecoder(const std::string& encoding);

    /// Decodes the next piece of input. The view (into `bytes` itself, or into the decoder) stays
    /// valid until the next call while `bytes` does. `invalid` is set
    /// when the piece held an invalid byte. A UTF-8 sequence cut at the end of a piece is
    /// completed by the next one.
    std::string_view decode(std::string_view bytes, bool& invalid);

    /// Reports whether the input ended inside a UTF-8 sequence (an invalid ending).
    bool endsInsideSequence() const { return pendingLength_ != 0; }

  private:
    void loadCharacterMap(const Poco::TextEncoding::CharacterMap& map);
    void decodeUtf8(std::string_view bytes, bool& invalid);

    bool utf8_ = true;
    bool atStart_ = true;
    std::array<int, 256> codePoints_{};  // for 8-bit encodings; -1 marks an invalid byte
    std::array<unsigned char, 4> pending_{};
    std::size_t pendingLength_ = 0;
    std::string out_;
};

}  // namespace gw
