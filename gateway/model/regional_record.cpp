#include "gateway/model/regional_record.h"

#include <charconv>
#include <cstring>
#include <type_traits>

namespace gw {

namespace {

// Room for one member as writeMember() writes it: 32 bytes for its name with its punctuation,
// or for a number, and each text at its longest.
std::size_t roomFor(std::int64_t) {
    return 32 + 24;
}
std::size_t roomFor(const std::string& text) {
    return 32 + RecordBody::kMostBytesPerByte * text.size() + 2;
}
std::size_t roomFor(const std::vector<std::string>& texts) {
    std::size_t room = 32;
    for (const auto& text : texts) room += roomFor(text);
    return room;
}

// Writes `,"name":value` at `at` and returns where it ended; `name` is one of visit()'s list,
// with nothing in it to escape.
template <typename Value>
char* writeMember(const char* name, const Value& value, char* at) {
    *at++ = ',';
    *at++ = '"';
    for (; *name != 0; ++name) *at++ = *name;
    *at++ = '"';
    *at++ = ':';
    if constexpr (std::is_same_v<Value, std::int64_t>) {
        return std::to_chars(at, at + 24, value).ptr;
    } else if constexpr (std::is_same_v<Value, std::string>) {
        return RecordBody::writeString(value, at);
    } else {
        *at++ = '[';
        for (std::size_t i = 0; i < value.size(); ++i) {
            if (i != 0) *at++ = ',';
            at = RecordBody::writeString(value[i], at);
        }
        *at++ = ']';
        return at;
    }
}

template <typename Value>
void setMember(RecordBody& body, RecordBody::Node object, const char* name, const Value& value) {
    RecordBody::Node node = body.member(object, name);
    if constexpr (std::is_same_v<Value, std::int64_t>) {
        body.set(node, value);
    } else if constexpr (std::is_same_v<Value, std::string>) {
        body.setText(node, value);
    } else {
        for (const auto& text : value) body.setText(body.append(node), text);
    }
}

}  // namespace

template <typename Member>
void Provenance::visit(Member member) const {
    member("contentHash", contentHash, false);
    member("input", input, true);
    if (line != 0) member("line", static_cast<std::int64_t>(line), false);
    member("mapping", mapping, true);
    member("mappingVersion", mappingVersion, true);
    member("record", static_cast<std::int64_t>(record), false);
    member("sourceMunicipality", sourceMunicipality, true);
    member("sourceRecordId", sourceRecordId, false);
    member("sourceSystem", sourceSystem, true);
    member("transferId", transferId, true);
    if (!warnings.empty()) member("warnings", warnings, false);
}

void Provenance::addTo(RecordBody& body) const {
    SharedProvenance(*this).addTo(*this, body);
}

void Provenance::writeTo(std::string& out) const {
    SharedProvenance(*this).writeTo(*this, out);
}

SharedProvenance::SharedProvenance(const Provenance& provenance) {
    provenance.visit([&](const char* name, const auto& value, bool shared) {
        using Value = std::decay_t<decltype(value)>;
        if constexpr (!std::is_same_v<Value, std::vector<std::string>>) {
            if (shared) {
                values_.emplace_back(value);
                setMember(members_, members_.root(), name, value);
                std::size_t from = text_.size();
                text_.resize(from + roomFor(value));
                text_.resize(writeMember(name, value, text_.data() + from) - text_.data());
                ends_.push_back(text_.size());
            }
        }
    });
}

bool SharedProvenance::matches(const Provenance& provenance) const {
    std::size_t next = 0;
    bool same = true;
    provenance.visit([&](const char*, const auto& value, bool shared) {
        using Value = std::decay_t<decltype(value)>;
        if constexpr (!std::is_same_v<Value, std::vector<std::string>>) {
            if (shared) {
                const Value* prepared = std::get_if<Value>(&values_[next++]);
                same = same && prepared && *prepared == value;
            }
        }
    });
    return same;
}

void SharedProvenance::addTo(const Provenance& provenance, RecordBody& body) const {
    body.remove(body.root(), "provenance");
    RecordBody::Node node = body.member(body.root(), "provenance");
    body.copy(node, members_, members_.root());
    provenance.visit([&](const char* name, const auto& value, bool shared) {
        if (!shared) setMember(body, node, name, value);
    });
}

void SharedProvenance::writeTo(const Provenance& provenance, std::string& out) const {
    // Written through a cursor into the thread's write buffer, made beforehand as long as the
    // longest text the members can make, then appended in one copy.
    std::size_t room = text_.size() + 2;
    provenance.visit([&](const char*, const auto& value, bool shared) {
        if (!shared) room += roomFor(value);
    });
    char* const buffer = RecordBody::writeBuffer(room);
    char* at = buffer;
    std::size_t next = 0;  // the shared member to write next
    provenance.visit([&](const char* name, const auto& value, bool shared) {
        if (!shared) {
            at = writeMember(name, value, at);
            return;
        }
        std::size_t from = next == 0 ? 0 : ends_[next - 1];
        std::memcpy(at, text_.data() + from, ends_[next] - from);
        at += ends_[next++] - from;
    });
    *buffer = '{';  // every member was written after a comma
    *at++ = '}';
    out.append(buffer, at);
}

Provenance Provenance::fromJson(const nlohmann::json& stored) {
    Provenance provenance;
    provenance.sourceMunicipality = stored.value("sourceMunicipality", "");
    provenance.sourceSystem = stored.value("sourceSystem", "");
    provenance.sourceRecordId = stored.value("sourceRecordId", "");
    provenance.input = stored.value("input", "");
    provenance.line = stored.value("line", std::uint64_t{0});
    provenance.record = stored.value("record", std::uint64_t{0});
    provenance.transferId = stored.value("transferId", std::int64_t{0});
    provenance.mapping = stored.value("mapping", "");
    provenance.mappingVersion = stored.value("mappingVersion", "");
    provenance.contentHash = stored.value("contentHash", "");
    provenance.warnings = stored.value("warnings", std::vector<std::string>{});
    return provenance;
}

}  // namespace gw
