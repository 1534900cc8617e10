#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace gw {

/// A schema pattern whose matches all have one of a few fixed shapes, compiled into the bytes
/// each position of each shape allows: a date, a municipality code, an identity code, a hash.
/// Matching one then reads each byte of the text once, against a table, where a regular
/// expression engine spends more on starting a search than on such a short text. The shapes of
/// one length are tried together: for each position, a table gives the shapes that allow each
/// byte there, and a text matches when some shape allows every one of its bytes.
///
/// It takes patterns anchored at both ends ("^...$") made of literal characters, escaped
/// punctuation, \d, classes ("[0-9A-Y]", "[^x]"), ".", groups of alternatives ("(0[1-9]|1[0-2])")
/// and counts ("{4}"). It means by them what ECMAScript means over bytes, as the schema's
/// reference validator does: "." is any byte but \n and \r, and a negated class takes bytes
/// beyond ASCII too. Any other pattern is left to the general engine.
class FixedPattern {
  public:
    /// The pattern compiled, or nothing when it is not one of the shapes above.
    static std::optional<FixedPattern> compile(std::string_view pattern);

    /// Whether the whole of `text` has one of the pattern's shapes.
    bool matches(std::string_view text) const;

  private:
    using ByteSet = std::array<std::uint64_t, 4>;  ///< bit b: byte b is allowed
    using Shape = std::vector<ByteSet>;            ///< one set per position
    using ShapeMask = std::uint32_t;               ///< bit s: shape s of one length
    using ByteTable = std::array<ShapeMask, 256>;  ///< for each byte, the shapes allowing it
    /// The shapes of one length.
    struct Length {
        std::size_t size = 0;
        ShapeMask shapes = 0;
        std::vector<std::uint32_t> tables;  ///< for each position, its table in byteTables_
    };
    class Parser;

    /// The place of `table` in byteTables_, where it is added when not there yet.
    std::uint32_t tableFor(const ByteTable& table);

    std::vector<Length> lengths_;
    std::vector<ByteTable> byteTables_;  ///< each different table once: positions share them
};

}  // namespace gw
