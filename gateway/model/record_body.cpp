#include "gateway/model/record_body.h"

#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace gw {
namespace {

// A record of the regional schema has some twenty values and some hundreds of bytes of text:
// room for them from the start spares regrowing each record's buffers.
constexpr std::size_t kNodesReserved = 64;
constexpr std::size_t kCharsReserved = 1024;

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

template <typename Integer>
void writeInteger(Integer value, std::string& out) {
    char digits[24];
    auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
    out.append(digits, end);
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

void RecordBody::write(Node node, std::string& out) const {
    switch (kind(node)) {
        case Kind::Null:
            out += "null";
            return;
        case Kind::Boolean:
            out += boolean(node) ? "true" : "false";
            return;
        case Kind::Integer:
            writeInteger(integer(node), out);
            return;
        case Kind::Unsigned:
            writeInteger(unsignedInteger(node), out);
            return;
        case Kind::Number:
            // Rare in records (decimals); nlohmann/json writes them as earlier versions stored
            // them.
            out += nlohmann::json(nodes_[node].value.number).dump();
            return;
        case Kind::String:
            writeString(text(node), out);
            return;
        case Kind::Object:
            writeObject(node, out, {});
            return;
        case Kind::Array: {
            out += '[';
            for (Node child = first(node); child != kNone; child = next(child)) {
                if (child != first(node)) out += ',';
                write(child, out);
            }
            out += ']';
            return;
        }
    }
}

void RecordBody::writeRoot(std::string& out, std::string_view skipped) const {
    writeObject(root(), out, skipped);
}

void RecordBody::writeObject(Node object, std::string& out, std::string_view skipped) const {
    out += '{';
    bool firstMember = true;
    for (Node child = first(object); child != kNone; child = next(child)) {
        if (!skipped.empty() && key(child) == skipped) continue;
        if (!firstMember) out += ',';
        firstMember = false;
        writeString(key(child), out);
        out += ':';
        write(child, out);
    }
    out += '}';
}

void RecordBody::writeString(std::string_view text, std::string& out) const {
    static constexpr char kHex[] = "0123456789abcdef";
    // The bytes written as they are without a second look: printable ASCII but quote and
    // backslash.
    static const auto kPlain = [] {
        std::array<bool, 256> plain{};
        for (int byte = 0x20; byte < 0x80; ++byte) plain[byte] = byte != '"' && byte != '\\';
        return plain;
    }();
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    for (std::size_t at = 0; at < text.size();) {
        // Eight bytes at a time while they are plain, as most are.
        for (std::uint64_t word; at + 8 <= text.size(); at += 8) {
            std::memcpy(&word, text.data() + at, 8);
            if (anyNotPlain(word)) break;
        }
        if (at == text.size()) break;
        auto byte = static_cast<unsigned char>(text[at]);
        if (kPlain[byte]) {
            ++at;
            continue;
        }
        if (byte >= 0x80) {
            if (std::size_t length = validSequence(text, at)) {
                at += length;
                continue;
            }
        }
        out.append(text.data() + plain, at - plain);
        switch (byte) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (byte < 0x20) {
                    out += "\\u00";
                    out += kHex[byte >> 4];
                    out += kHex[byte & 0xF];
                } else {
                    out += "\xEF\xBF\xBD";  // an invalid byte: U+FFFD
                }
        }
        plain = ++at;
    }
    out.append(text.data() + plain, text.size() - plain);
    out += '"';
}

}  // namespace gw
