#include "gateway/validation/fixed_pattern.h"

#include <algorithm>
#include <cctype>

namespace gw {
namespace {

// Beyond these a pattern is left to the general engine: each shape of a length needs a bit of a
// ShapeMask, and each position of a long shape a table of its own.
constexpr std::size_t kMostShapes = 32;
constexpr std::size_t kLongestShape = 256;

}  // namespace

/// Reads a pattern by recursive descent into the shapes each part of it allows. A part it does not
/// take sets `failed`, after which what it returns is not used.
class FixedPattern::Parser {
  public:
    explicit Parser(std::string_view pattern) : pattern_(pattern) {}

    std::optional<std::vector<Shape>> whole() {
        if (pattern_.size() < 2 || pattern_.front() != '^') return std::nullopt;
        at_ = 1;
        // A "|" outside any group would split the anchors between alternatives: not taken.
        std::vector<Shape> shapes = sequence();
        if (failed_ || at_ + 1 != pattern_.size() || pattern_[at_] != '$') return std::nullopt;
        return shapes;
    }

  private:
    bool atEnd() const { return at_ >= pattern_.size(); }
    char peek() const { return pattern_[at_]; }
    // Marks the pattern as not taken; what the part returns is then not used.
    template <typename Result = std::vector<Shape>>
    Result fail() {
        failed_ = true;
        return {};
    }

    // Parts one after another, up to a "|", a ")" or the final "$".
    std::vector<Shape> sequence() {
        std::vector<Shape> shapes(1);
        while (!failed_ && !atEnd() && peek() != '|' && peek() != ')' &&
               !(peek() == '$' && at_ + 1 == pattern_.size())) {
            std::vector<Shape> part = atom();
            std::size_t times = count();
            for (std::size_t i = 0; i < times && !failed_; ++i) shapes = followedBy(shapes, part);
        }
        return shapes;
    }

    // Every shape of `first` followed by every shape of `then`.
    std::vector<Shape> followedBy(const std::vector<Shape>& first, const std::vector<Shape>& then) {
        if (first.size() * then.size() > kMostShapes) return fail();
        std::vector<Shape> shapes;
        for (const auto& head : first) {
            for (const auto& tail : then) {
                if (head.size() + tail.size() > kLongestShape) return fail();
                Shape shape = head;
                shape.insert(shape.end(), tail.begin(), tail.end());
                shapes.push_back(std::move(shape));
            }
        }
        return shapes;
    }

    // "{n}" after a part, or 1; any other count makes shapes of many lengths: not taken.
    std::size_t count() {
        if (atEnd()) return 1;
        if (peek() == '*' || peek() == '+' || peek() == '?') return fail<std::size_t>();
        if (peek() != '{') return 1;
        std::size_t times = 0;
        bool digits = false;
        for (++at_; !atEnd() && std::isdigit(static_cast<unsigned char>(peek())); ++at_) {
            times = times * 10 + static_cast<std::size_t>(peek() - '0');
            digits = true;
            if (times > kLongestShape) return fail<std::size_t>();
        }
        if (!digits || atEnd() || peek() != '}') return fail<std::size_t>();
        ++at_;
        return times;
    }

    std::vector<Shape> atom() {
        char c = pattern_[at_++];
        switch (c) {
            case '(': {
                if (!atEnd() && peek() == '?') return fail();  // (?:...), lookahead
                std::vector<Shape> shapes = sequence();
                while (!failed_ && !atEnd() && peek() == '|') {
                    ++at_;
                    std::vector<Shape> more = sequence();
                    shapes.insert(shapes.end(), more.begin(), more.end());
                    if (shapes.size() > kMostShapes) return fail();
                }
                if (atEnd() || peek() != ')') return fail();
                ++at_;
                return shapes;
            }
            case '[':
                return one(byteClass());
            case '.': {
                ByteSet any = complement({});
                any[0] &= ~(bit('\n') | bit('\r'));
                return one(any);
            }
            case '\\': {
                std::optional<ByteSet> escaped = escape();
                return escaped ? one(*escaped) : fail();
            }
            case '^':
            case '$':
            case '|':
            case ')':
            case '*':
            case '+':
            case '?':
            case '{':
            case '}':
            case ']':
                return fail();
            default:
                return one(single(static_cast<unsigned char>(c)));
        }
    }

    // After a backslash: \d, or a punctuation character standing for itself.
    std::optional<ByteSet> escape() {
        if (atEnd()) return std::nullopt;
        auto c = static_cast<unsigned char>(pattern_[at_++]);
        if (c == 'd') return range('0', '9');
        if (c < 0x80 && std::ispunct(c)) return single(c);
        return std::nullopt;
    }

    // After "[": the class up to its "]". Ranges are taken between unescaped characters only.
    ByteSet byteClass() {
        bool negated = !atEnd() && peek() == '^';
        if (negated) ++at_;
        if (atEnd() || peek() == ']') return fail<ByteSet>();  // "[]" and "[^]" mean other things
        ByteSet set{};
        while (!atEnd() && peek() != ']') {
            ByteSet item;
            if (peek() == '\\') {
                ++at_;
                std::optional<ByteSet> escaped = escape();
                if (!escaped) return fail<ByteSet>();
                item = *escaped;
            } else {
                auto low = static_cast<unsigned char>(pattern_[at_++]);
                item = single(low);
                if (at_ + 1 < pattern_.size() && peek() == '-' && pattern_[at_ + 1] != ']') {
                    auto high = static_cast<unsigned char>(pattern_[at_ + 1]);
                    if (high == '\\' || high < low) return fail<ByteSet>();
                    at_ += 2;
                    item = range(low, high);
                }
            }
            for (std::size_t word = 0; word < set.size(); ++word) set[word] |= item[word];
        }
        if (atEnd()) return fail<ByteSet>();
        ++at_;  // the "]"
        return negated ? complement(set) : set;
    }

    static std::vector<Shape> one(const ByteSet& set) { return {Shape{set}}; }
    static std::uint64_t bit(unsigned char byte) { return std::uint64_t{1} << (byte & 63); }
    static ByteSet single(unsigned char byte) {
        ByteSet set{};
        set[byte >> 6] |= bit(byte);
        return set;
    }
    static ByteSet range(unsigned char low, unsigned char high) {
        ByteSet set{};
        for (unsigned byte = low; byte <= high; ++byte) set[byte >> 6] |= bit(byte);
        return set;
    }
    static ByteSet complement(ByteSet set) {
        for (auto& word : set) word = ~word;
        return set;
    }

    std::string_view pattern_;
    std::size_t at_ = 0;
    bool failed_ = false;
};

std::optional<FixedPattern> FixedPattern::compile(std::string_view pattern) {
    std::optional<std::vector<Shape>> shapes = Parser(pattern).whole();
    if (!shapes) return std::nullopt;
    static_assert(kMostShapes <= 8 * sizeof(ShapeMask));
    FixedPattern compiled;
    for (const Shape& shape : *shapes) {
        auto length = std::find_if(compiled.lengths_.begin(), compiled.lengths_.end(),
                                   [&](const Length& each) { return each.size == shape.size(); });
        bool firstOfItsLength = length == compiled.lengths_.end();
        if (firstOfItsLength)
            length = compiled.lengths_.insert(compiled.lengths_.end(), Length{shape.size(), 0, {}});
        ShapeMask self = length->shapes + 1;  // the shapes so far are the lowest bits
        length->shapes |= self;
        for (std::size_t at = 0; at < shape.size(); ++at) {
            ByteTable table =
                firstOfItsLength ? ByteTable{} : compiled.byteTables_[length->tables[at]];
            for (unsigned byte = 0; byte < 256; ++byte) {
                if ((shape[at][byte >> 6] >> (byte & 63)) & 1) table[byte] |= self;
            }
            if (firstOfItsLength) {
                length->tables.push_back(compiled.tableFor(table));
            } else {
                length->tables[at] = compiled.tableFor(table);
            }
        }
    }
    return compiled;
}

std::uint32_t FixedPattern::tableFor(const ByteTable& table) {
    auto same = std::find(byteTables_.begin(), byteTables_.end(), table);
    if (same == byteTables_.end()) same = byteTables_.insert(byteTables_.end(), table);
    return static_cast<std::uint32_t>(same - byteTables_.begin());
}

bool FixedPattern::matches(std::string_view text) const {
    for (const Length& length : lengths_) {
        if (length.size != text.size()) continue;
        ShapeMask alive = length.shapes;
        for (std::size_t at = 0; at < text.size(); ++at)
            alive &= byteTables_[length.tables[at]][static_cast<unsigned char>(text[at])];
        return alive != 0;
    }
    return false;
}

}  // namespace gw
