#include "gateway/model/regional_record.h"

#include <charconv>

namespace gw {

template <typename Text, typename Number, typename Texts>
void Provenance::visit(Text text, Number number, Texts texts) const {
    text("contentHash", contentHash);
    text("input", input);
    if (line != 0) number("line", static_cast<std::int64_t>(line));
    text("mapping", mapping);
    text("mappingVersion", mappingVersion);
    number("record", static_cast<std::int64_t>(record));
    text("sourceMunicipality", sourceMunicipality);
    text("sourceRecordId", sourceRecordId);
    text("sourceSystem", sourceSystem);
    number("transferId", transferId);
    if (!warnings.empty()) texts("warnings", warnings);
}

void Provenance::addTo(RecordBody& body) const {
    body.remove(body.root(), "provenance");
    RecordBody::Node node = body.member(body.root(), "provenance");
    // In key order, so that each member is appended.
    visit([&](const char* name,
              const std::string& value) { body.setText(body.member(node, name), value); },
          [&](const char* name, std::int64_t value) { body.set(body.member(node, name), value); },
          [&](const char* name, const std::vector<std::string>& values) {
              RecordBody::Node list = body.member(node, name);
              for (const auto& value : values) body.setText(body.append(list), value);
          });
}

void Provenance::writeTo(std::string& out) const {
    // Written through a cursor into the thread's write buffer, made beforehand as long as the
    // longest text the members can make: 32 bytes for each name and its punctuation or number,
    // and each text at its longest. Then appended in one copy.
    std::size_t room = 2;
    auto roomFor = [&](std::string_view text) {
        room += 32 + RecordBody::kMostBytesPerByte * text.size() + 2;
    };
    visit([&](const char*, const std::string& value) { roomFor(value); },
          [&](const char*, std::int64_t) { room += 32 + 24; },
          [&](const char*, const std::vector<std::string>& values) {
              room += 32;
              for (const auto& value : values) roomFor(value);
          });
    char* const buffer = RecordBody::writeBuffer(room);
    char* at = buffer;
    char separator = '{';
    auto name = [&](const char* member) {  // a name of visit()'s list: nothing in it to escape
        *at++ = separator;
        separator = ',';
        *at++ = '"';
        for (; *member != 0; ++member) *at++ = *member;
        *at++ = '"';
        *at++ = ':';
    };
    visit(
        [&](const char* member, const std::string& value) {
            name(member);
            at = RecordBody::writeString(value, at);
        },
        [&](const char* member, std::int64_t value) {
            name(member);
            at = std::to_chars(at, at + 24, value).ptr;
        },
        [&](const char* member, const std::vector<std::string>& values) {
            name(member);
            *at++ = '[';
            for (std::size_t i = 0; i < values.size(); ++i) {
                if (i != 0) *at++ = ',';
                at = RecordBody::writeString(values[i], at);
            }
            *at++ = ']';
        });
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
