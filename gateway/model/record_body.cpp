#include "gateway/model/record_body.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>
#include <stdexcept>

namespace gw {
namespace {

// A record of the regional schema has some twenty values and some hundreds of bytes of text:
// room for them from the start spares regrowing each record's buffers.
constexpr std::size_t kNodesReserved = 32;
constexpr std::size_t kCharsReserved = 768;

// The length of the valid UTF-8 sequence starting at text[at], or 0 when it is invalid: no
// overlong forms, no surrogates, nothing above U+10FFFF (what nlohmann/json accepts).
std::size_t validSequence(std::string_view text, std::size_t at) {
    auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[at + i]); };
    auto continuation = [&](std::size_t i) {
        return at + i < text.size() && (byte(i) & 0xC0) == 0x80;
    };
    unsigned char lead = byte(0);
    if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (!continuation(1) || !continuation(2)) return 0;
        if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // overlong
        if (lead == 0xED && byte(1) >= 0xA0) return 0;  // a surrogate
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
        if (lead == 0xF0 && byte(1) < 0x90) return 0;   // overlong
        if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // above U+10FFFF
        return 4;
    }
    return 0;
}

// Whether any of the eight bytes of `word` needs a second look when written: one below 0x20 or
// above 0x7F, a quote or a backslash. It may say so of a word that does not; never the reverse.
bool anyNotPlain(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    auto hasZero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
    return ((word - kOnes * 0x20) & ~word & kHighs) | (word & kHighs) |
           hasZero(word ^ (kOnes * '"')) | hasZero(word ^ (kOnes * '\\'));
}

}  // namespace

RecordBody::RecordBody() {
    nodes_.reserve(kNodesReserved);
    chars_.reserve(kCharsReserved);
    nodes_[add()].kind = Kind::Object;
}

RecordBody RecordBody::fromJson(const nlohmann::json& json) {
    RecordBody body;
    auto fill = [&body](auto& self, Node node, const nlohmann::json& value) -> void {
        switch (value.type()) {
            case nlohmann::json::value_t::object:
                body.reset(node, Kind::Object);
                for (const auto& [key, member] : value.items())
                    self(self, body.member(node, key), member);
                break;
            case nlohmann::json::value_t::array:
                body.reset(node, Kind::Array);
                for (const auto& element : value) self(self, body.append(node), element);
                break;
            case nlohmann::json::value_t::string:
                body.setText(node, value.get_ref<const std::string&>());
                break;
            case nlohmann::json::value_t::boolean:
                body.set(node, Scalar(std::in_place_type<bool>, value.get<bool>()));
                break;
            case nlohmann::json::value_t::number_integer:
                body.set(node, value.get<std::int64_t>());
                break;
            case nlohmann::json::value_t::number_unsigned:
                body.reset(node, Kind::Unsigned);
                body.nodes_[node].value.unsignedInteger = value.get<std::uint64_t>();
                break;
            case nlohmann::json::value_t::number_float:
                body.set(node, value.get<double>());
                break;
            default:
                body.reset(node, Kind::Null);
        }
    };
    fill(fill, body.root(), json);
    return body;
}

nlohmann::json RecordBody::toJson() const {
    auto convert = [this](auto& self, Node node) -> nlohmann::json {
        switch (kind(node)) {
            case Kind::Null:
                return nullptr;
            case Kind::Boolean:
                return boolean(node);
            case Kind::Integer:
                return integer(node);
            case Kind::Unsigned:
                return unsignedInteger(node);
            case Kind::Number:
                return nodes_[node].value.number;
            case Kind::String:
                return std::string(text(node));
            case Kind::Object: {
                nlohmann::json object = nlohmann::json::object();
                for (Node child = first(node); child != kNone; child = next(child))
                    object[std::string(key(child))] = self(self, child);
                return object;
            }
            case Kind::Array: {
                nlohmann::json array = nlohmann::json::array();
                for (Node child = first(node); child != kNone; child = next(child))
                    array.push_back(self(self, child));
                return array;
            }
        }
        return nullptr;
    };
    return convert(convert, root());
}

RecordBody::Node RecordBody::find(Node object, std::string_view name) const {
    if (!isObject(object)) return kNone;
    for (Node child = first(object); child != kNone; child = next(child)) {
        int order = compareKeys(key(child), name);
        if (order == 0) return child;
        if (order > 0) break;  // members are in key order
    }
    return kNone;
}

std::optional<std::string_view> RecordBody::textAt(Node object, std::string_view name) const {
    Node node = find(object, name);
    if (node == kNone || !isString(node)) return std::nullopt;
    return text(node);
}

double RecordBody::number(Node node) const {
    switch (kind(node)) {
        case Kind::Integer:
            return static_cast<double>(integer(node));
        case Kind::Unsigned:
            return static_cast<double>(unsignedInteger(node));
        default:
            return nodes_[node].value.number;
    }
}

RecordBody::Span RecordBody::store(std::string_view text) {
    if (chars_.size() + text.size() > std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("a regional record's text exceeds 4 GiB");
    Span span{static_cast<std::uint32_t>(chars_.size()), static_cast<std::uint32_t>(text.size())};
    chars_.append(text);
    return span;
}

RecordBody::Node RecordBody::add() {
    // Made in place: a node built aside and copied in stalls the copy on its own stores.
    nodes_.emplace_back();
    return static_cast<Node>(nodes_.size() - 1);
}

void RecordBody::reset(Node node, Kind kind) {
    NodeData& data = nodes_[node];
    data.kind = kind;
    data.first = data.last = kNone;
    data.size = 0;
    data.text = {};
    data.value = {};
}

RecordBody::Node RecordBody::member(Node node, std::string_view name) {
    if (!isObject(node)) reset(node, Kind::Object);
    Node previous = kNone;
    Node at = first(node);
    // Mappings and provenance add members mostly in key order: then the new one goes last.
    if (Node last = nodes_[node].last; last != kNone && compareKeys(key(last), name) < 0) {
        previous = last;
        at = kNone;
    }
    for (; at != kNone; previous = at, at = next(at)) {
        int order = compareKeys(key(at), name);
        if (order == 0) return at;
        if (order > 0) break;
    }
    Span stored = store(name);
    Node added = add();
    nodes_[added].key = stored;
    nodes_[added].next = at;
    if (previous == kNone) {
        nodes_[node].first = added;
    } else {
        nodes_[previous].next = added;
    }
    if (at == kNone) nodes_[node].last = added;
    ++nodes_[node].size;
    return added;
}

RecordBody::Node RecordBody::append(Node node) {
    if (kind(node) != Kind::Array) reset(node, Kind::Array);
    Node added = add();
    if (nodes_[node].last == kNone) {
        nodes_[node].first = added;
    } else {
        nodes_[nodes_[node].last].next = added;
    }
    nodes_[node].last = added;
    ++nodes_[node].size;
    return added;
}

RecordBody::Node RecordBody::element(Node node, std::size_t index) {
    if (kind(node) != Kind::Array) reset(node, Kind::Array);
    while (size(node) <= index) append(node);
    Node at = first(node);
    for (std::size_t i = 0; i < index; ++i) at = next(at);
    return at;
}

void RecordBody::set(Node node, const Scalar& value) {
    if (const auto* text = std::get_if<std::string>(&value)) return setText(node, *text);
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
        reset(node, Kind::Integer);
        nodes_[node].value.integer = *integer;
    } else if (const auto* number = std::get_if<double>(&value)) {
        reset(node, Kind::Number);
        nodes_[node].value.number = *number;
    } else {
        reset(node, Kind::Boolean);
        nodes_[node].value.boolean = std::get<bool>(value);
    }
}

void RecordBody::setText(Node node, std::string_view text) {
    Span span = store(text);
    reset(node, Kind::String);
    nodes_[node].text = span;
}

void RecordBody::copy(Node node, const RecordBody& source, Node from) {
    Kind kind = source.kind(from);
    if (from == source.root() && (kind == Kind::Object || kind == Kind::Array)) {
        copyWhole(node, source);
        return;
    }
    switch (kind) {
        case Kind::String:
            setText(node, source.text(from));
            return;
        case Kind::Object:
            reset(node, kind);
            for (Node child = source.first(from); child != kNone; child = source.next(child))
                copy(member(node, source.key(child)), source, child);
            return;
        case Kind::Array:
            reset(node, kind);
            for (Node child = source.first(from); child != kNone; child = source.next(child))
                copy(append(node), source, child);
            return;
        default:
            reset(node, kind);
            nodes_[node].value = source.nodes_[from].value;
    }
}

// Node for node and text for text in one pass each: the source's nodes (the root's children, their
// children, and any removed ones, which stay unreachable) are appended with their links and text
// places moved by where they now sit.
void RecordBody::copyWhole(Node node, const RecordBody& source) {
    const Node moved = static_cast<Node>(nodes_.size()) - 1;  // source node n becomes n + moved
    const Span texts = store(source.chars_);
    auto place = [moved](Node link) { return link == kNone ? kNone : link + moved; };
    nodes_.reserve(nodes_.size() + source.nodes_.size() - 1);
    for (Node at = 1; at < source.nodes_.size(); ++at) {
        NodeData data = source.nodes_[at];
        data.key.offset += texts.offset;
        data.text.offset += texts.offset;
        data.next = place(data.next);
        data.first = place(data.first);
        data.last = place(data.last);
        nodes_.push_back(data);
    }
    const NodeData& root = source.nodes_[source.root()];
    reset(node, root.kind);
    nodes_[node].first = place(root.first);
    nodes_[node].last = place(root.last);
    nodes_[node].size = root.size;
}

void RecordBody::remove(Node object, std::string_view name) {
    if (!isObject(object)) return;
    Node previous = kNone;
    for (Node at = first(object); at != kNone; previous = at, at = next(at)) {
        if (key(at) != name) continue;
        if (previous == kNone) {
            nodes_[object].first = next(at);
        } else {
            nodes_[previous].next = next(at);
        }
        if (nodes_[object].last == at) nodes_[object].last = previous;
        --nodes_[object].size;
        return;
    }
}

void RecordBody::removeLast(Node array) {
    if (kind(array) != Kind::Array || size(array) == 0) return;
    Node previous = kNone;
    for (Node at = first(array); next(at) != kNone; at = next(at)) previous = at;
    if (previous == kNone) {
        nodes_[array].first = kNone;
    } else {
        nodes_[previous].next = kNone;
    }
    nodes_[array].last = previous;
    --nodes_[array].size;
}

char* RecordBody::writeBuffer(std::size_t bytes) {
    thread_local std::unique_ptr<char[]> buffer;
    thread_local std::size_t capacity = 0;
    if (bytes > capacity) {
        capacity = std::max(bytes, 2 * capacity);
        buffer = std::make_unique<char[]>(capacity);
    }
    return buffer.get();
}

namespace {

template <typename Integer>
char* writeInteger(Integer value, char* at) {
    return std::to_chars(at, at + 24, value).ptr;
}

char* writeLiteral(std::string_view literal, char* at) {
    std::memcpy(at, literal.data(), literal.size());
    return at + literal.size();
}

// Copies `text` to `at` when every byte of it is written as it is (no quote, backslash, control
// or non-ASCII byte) and returns where the copy ends; else returns nullptr, perhaps having copied
// part of it. It looks a word at a time, the last word overlapping the one before. A text of 4 to
// 16 bytes, as most of a record's are, is read and written as two overlapping words of fixed
// size, which compile to moves where a copy of variable length is a call.
// Whether `byte` is written as it is: printable ASCII but quote and backslash.
bool isPlain(unsigned char byte) {
    return byte >= 0x20 && byte < 0x80 && byte != '"' && byte != '\\';
}

char* copyIfPlain(std::string_view text, char* at) {
    const char* from = text.data();
    std::size_t size = text.size();
    if (size >= 8) {
        std::uint64_t head = 0, tail = 0;
        std::memcpy(&tail, from + size - 8, 8);
        if (size <= 16) {
            std::memcpy(&head, from, 8);
            if (anyNotPlain(head) || anyNotPlain(tail)) return nullptr;
            std::memcpy(at, &head, 8);
            std::memcpy(at + size - 8, &tail, 8);
            return at + size;
        }
        for (std::size_t offset = 0; offset + 8 <= size; offset += 8) {
            std::memcpy(&head, from + offset, 8);
            if (anyNotPlain(head)) return nullptr;
        }
        if (anyNotPlain(tail)) return nullptr;
        std::memcpy(at, from, size);
        return at + size;
    }
    if (size >= 4) {
        std::uint32_t head = 0, tail = 0;
        std::memcpy(&head, from, 4);
        std::memcpy(&tail, from + size - 4, 4);
        if (anyNotPlain(head | std::uint64_t{tail} << 32)) return nullptr;
        std::memcpy(at, &head, 4);
        std::memcpy(at + size - 4, &tail, 4);
        return at + size;
    }
    for (std::size_t i = 0; i < size; ++i) {
        if (!isPlain(static_cast<unsigned char>(from[i]))) return nullptr;
        at[i] = from[i];
    }
    return at + size;
}

}  // namespace

// Every text byte becomes at most 6 bytes (\u00XX); every node adds at most 32 more: its key's
// quotes, colon and comma, and its own quotes, braces or number (24 characters at most).
std::size_t RecordBody::mostBytesWritten() const {
    return kMostBytesPerByte * chars_.size() + 32 * nodes_.size() + 2;
}

void RecordBody::write(Node node, std::string& out) const {
    char* buffer = writeBuffer(mostBytesWritten());
    out.append(buffer, writeNode(node, buffer));
}

void RecordBody::writeRoot(std::string& out, std::string_view skipped) const {
    char* buffer = writeBuffer(mostBytesWritten());
    out.append(buffer, writeObject(root(), buffer, skipped));
}

char* RecordBody::writeNode(Node node, char* at) const {
    switch (kind(node)) {
        case Kind::Null:
            return writeLiteral("null", at);
        case Kind::Boolean:
            return writeLiteral(boolean(node) ? "true" : "false", at);
        case Kind::Integer:
            return writeInteger(integer(node), at);
        case Kind::Unsigned:
            return writeInteger(unsignedInteger(node), at);
        case Kind::Number:
            // Rare in records (decimals); nlohmann/json writes them as earlier versions stored
            // them.
            return writeLiteral(nlohmann::json(nodes_[node].value.number).dump(), at);
        case Kind::String:
            return writeString(text(node), at);
        case Kind::Object:
            return writeObject(node, at, {});
        case Kind::Array: {
            *at++ = '[';
            for (Node child = first(node); child != kNone; child = next(child)) {
                if (child != first(node)) *at++ = ',';
                at = writeNode(child, at);
            }
            *at++ = ']';
            return at;
        }
    }
    return at;
}

char* RecordBody::writeObject(Node object, char* at, std::string_view skipped) const {
    *at++ = '{';
    bool firstMember = true;
    for (Node child = first(object); child != kNone; child = next(child)) {
        if (!skipped.empty() && key(child) == skipped) continue;
        if (!firstMember) *at++ = ',';
        firstMember = false;
        at = writeString(key(child), at);
        *at++ = ':';
        at = writeNode(child, at);
    }
    *at++ = '}';
    return at;
}

char* RecordBody::writeString(std::string_view text, char* at) {
    *at++ = '"';
    if (char* end = copyIfPlain(text, at)) {  // as nearly all are
        *end++ = '"';
        return end;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t from = 0; from < text.size();) {
        auto byte = static_cast<unsigned char>(text[from]);
        if (isPlain(byte)) {
            *at++ = static_cast<char>(byte);
            ++from;
            continue;
        }
        if (byte >= 0x80) {
            if (std::size_t length = validSequence(text, from)) {
                for (std::size_t end = from + length; from < end;) *at++ = text[from++];
                continue;
            }
        }
        switch (byte) {
            case '"':
                at = writeLiteral("\\\"", at);
                break;
            case '\\':
                at = writeLiteral("\\\\", at);
                break;
            case '\b':
                at = writeLiteral("\\b", at);
                break;
            case '\f':
                at = writeLiteral("\\f", at);
                break;
            case '\n':
                at = writeLiteral("\\n", at);
                break;
            case '\r':
                at = writeLiteral("\\r", at);
                break;
            case '\t':
                at = writeLiteral("\\t", at);
                break;
            default:
                if (byte < 0x20) {
                    at = writeLiteral("\\u00", at);
                    *at++ = kHex[byte >> 4];
                    *at++ = kHex[byte & 0xF];
                } else {
                    at = writeLiteral("\xEF\xBF\xBD", at);  // an invalid byte: U+FFFD
                }
        }
        ++from;
    }
    *at++ = '"';
    return at;
}

}  // namespace gw
