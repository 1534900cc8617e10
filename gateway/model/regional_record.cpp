#include "gateway/model/regional_record.h"

namespace gw {

void Provenance::addTo(RecordBody& body) const {
    body.remove(body.root(), "provenance");
    RecordBody::Node node = body.member(body.root(), "provenance");
    auto text = [&](const char* name, const std::string& value) {
        body.setText(body.member(node, name), value);
    };
    auto number = [&](const char* name, std::int64_t value) {
        body.set(body.member(node, name), value);
    };
    // In key order, so that each member is appended.
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
    if (!warnings.empty()) {
        RecordBody::Node list = body.member(node, "warnings");
        for (const auto& warning : warnings) body.setText(body.append(list), warning);
    }
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
