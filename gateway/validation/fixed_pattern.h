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
/// expression engine spends more on starting a search than on such a short text.
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
    class Parser;

    std::vector<Shape> shapes_;
};

}  // namespace gw
