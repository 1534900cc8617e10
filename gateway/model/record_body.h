#pragma once

// RecordBody: the content of one regional record, a JSON object tree held in two flat buffers.

#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace gw {

/// One value a mapping field becomes: text, or what a transform made of it.
using Scalar = std::variant<std::string, std::int64_t, double, bool>;

/// The content of one regional record: a JSON object tree whose nodes sit in one vector and whose
/// texts sit in one string, so that a record costs a few allocations, not one per value. Object
/// members are kept in key order as they are added, so the record is written in one pass and its
/// text is byte for byte what nlohmann/json's dump() wrote for the same tree: the content hashes
/// of records stored by earlier versions still match. Nodes are handles into the body.
class RecordBody {
  public:
    enum class Kind : std::uint8_t {
        Null,
        Boolean,
        Integer,
        Unsigned,
        Number,
        String,
        Object,
        Array
    };
    using Node = std::uint32_t;
    static constexpr Node kNone = UINT32_MAX;

    /// An empty object.
    RecordBody();
    /// The same tree as `json`, whose root may be any value (for constants and tests).
    static RecordBody fromJson(const nlohmann::json& json);
    nlohmann::json toJson() const;

    Node root() const { return 0; }
    Kind kind(Node node) const { return nodes_[node].kind; }
    bool isObject(Node node) const { return kind(node) == Kind::Object; }
    bool isString(Node node) const { return kind(node) == Kind::String; }

    /// The member of `object` named `key`, or kNone when there is none or `object` is no object.
    Node find(Node object, std::string_view key) const;
    /// The text at `object`.`key`, or nothing when absent or not text.
    std::optional<std::string_view> textAt(Node object, std::string_view key) const;
    /// Members in key order, or elements in order: first, then next until kNone.
    Node first(Node node) const { return nodes_[node].first; }
    Node next(Node node) const { return nodes_[node].next; }
    std::size_t size(Node node) const { return nodes_[node].size; }
    std::string_view key(Node member) const { return view(nodes_[member].key); }
    /// The order of members: byte by byte, as std::string compares. Written out because keys
    /// are short, where a call to memcmp costs more than the comparison: eight bytes at a time,
    /// read big-endian so that the first differing byte decides, then the rest one by one.
    static int compareKeys(std::string_view a, std::string_view b) {
        static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "words are swapped to big-endian");
        std::size_t common = a.size() < b.size() ? a.size() : b.size();
        std::size_t i = 0;
        for (; i + 8 <= common; i += 8) {
            std::uint64_t x, y;
            std::memcpy(&x, a.data() + i, 8);
            std::memcpy(&y, b.data() + i, 8);
            if (x != y) return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
        }
        for (; i < common; ++i) {
            if (a[i] != b[i])
                return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]) ? -1 : 1;
        }
        return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
    }

    std::string_view text(Node node) const { return view(nodes_[node].text); }
    bool boolean(Node node) const { return nodes_[node].value.boolean; }
    std::int64_t integer(Node node) const { return nodes_[node].value.integer; }
    std::uint64_t unsignedInteger(Node node) const { return nodes_[node].value.unsignedInteger; }
    /// Any number as a double, as a schema's minimum and maximum compare it.
    double number(Node node) const;

    /// The member `key` of `node`, added (as null) when missing; a node that is not an object
    /// becomes an empty one first.
    Node member(Node node, std::string_view key);
    /// Element `index` of `node`, the array made long enough with nulls; a node that is not an
    /// array becomes an empty one first.
    Node element(Node node, std::size_t index);
    /// Appends a null element to `node`, an array (made one when it is not).
    Node append(Node node);
    void set(Node node, const Scalar& value);
    void setText(Node node, std::string_view text);
    /// Makes `node` a copy of node `from` of `source`, another body.
    void copy(Node node, const RecordBody& source, Node from);
    /// Removes `object`.`key` when there is one.
    void remove(Node object, std::string_view key);
    /// Removes the last element of `array` when there is one.
    void removeLast(Node array);

    /// The bytes of the body's texts and names, which its JSON text is a little longer than.
    std::size_t textBytes() const { return chars_.size(); }

    /// Appends `node` as JSON text to `out`, exactly as nlohmann/json's dump() writes it: no
    /// spaces, keys in order, the same escapes and numbers. Invalid UTF-8 is written as U+FFFD.
    void write(Node node, std::string& out) const;
    /// Writes the root object, leaving out its member `skipped` when not empty.
    void writeRoot(std::string& out, std::string_view skipped = {}) const;
    /// Writes `text` as a JSON string at `at`, as write() writes texts, and returns where it
    /// ended. There must be room for kMostBytesPerByte bytes for each byte of `text`, and 2 more.
    static char* writeString(std::string_view text, char* at);
    static constexpr std::size_t kMostBytesPerByte = 6;
    /// A buffer of this thread's, at least `bytes` long, to write a text into through a cursor
    /// before it is appended in one copy. Its content lasts until the thread's next call.
    static char* writeBuffer(std::size_t bytes);

  private:
    struct Span {
        std::uint32_t offset = 0;
        std::uint32_t length = 0;
    };
    struct NodeData {
        Kind kind = Kind::Null;
        Span key;   ///< for an object's members
        Span text;  ///< for a string
        Node next = kNone;
        Node first = kNone;  ///< an object's or array's first child
        Node last = kNone;   ///< and its last, for appending
        std::uint32_t size = 0;
        union {
            bool boolean;
            std::int64_t integer;
            std::uint64_t unsignedInteger;
            double number;
        } value{};
    };

    std::string_view view(Span span) const { return {chars_.data() + span.offset, span.length}; }
    Span store(std::string_view text);
    Node add();
    void reset(Node node, Kind kind);
    /// copy() of a source's root that is an object or array.
    void copyWhole(Node node, const RecordBody& source);
    // The writers write into a buffer sized beforehand for the longest text the body can make
    // (mostBytesWritten), so that no byte written checks for room; each returns where it ended.
    std::size_t mostBytesWritten() const;
    char* writeNode(Node node, char* at) const;
    char* writeObject(Node object, char* at, std::string_view skipped) const;

    std::vector<NodeData> nodes_;
    std::string chars_;
};

}  // namespace gw
