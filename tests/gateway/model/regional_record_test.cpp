#include "gateway/model/regional_record.h"

#include <gtest/gtest.h>

#include <functional>

namespace gw {
namespace {

// The provenance as the stored text must hold it, built member by member with nlohmann/json,
// whose dump() the record writer matches byte for byte.
nlohmann::json expected(const Provenance& provenance) {
    nlohmann::json json = {{"contentHash", provenance.contentHash},
                           {"input", provenance.input},
                           {"mapping", provenance.mapping},
                           {"mappingVersion", provenance.mappingVersion},
                           {"record", provenance.record},
                           {"sourceMunicipality", provenance.sourceMunicipality},
                           {"sourceRecordId", provenance.sourceRecordId},
                           {"sourceSystem", provenance.sourceSystem},
                           {"transferId", provenance.transferId}};
    if (provenance.line != 0) json["line"] = provenance.line;
    if (!provenance.warnings.empty()) json["warnings"] = provenance.warnings;
    return json;
}

std::string writtenFromTheBody(const Provenance& provenance, const SharedProvenance& shared) {
    RecordBody body = RecordBody::fromJson({{"entity", "client"}, {"provenance", "made up"}});
    shared.addTo(provenance, body);
    EXPECT_EQ(body.textAt(body.root(), "entity"), "client");  // the rest is left as it was
    std::string text;
    body.write(body.find(body.root(), "provenance"), text);
    return text;
}

std::string writtenDirectly(const Provenance& provenance, const SharedProvenance& shared) {
    std::string text = "kept";
    shared.writeTo(provenance, text);
    EXPECT_EQ(text.substr(0, 4), "kept");  // appended to what was there
    return text.substr(4);
}

Provenance aProvenance() {
    Provenance provenance;
    provenance.sourceMunicipality = "536";
    provenance.sourceSystem = "Effica \"vanha\"";
    provenance.sourceRecordId = "NOK-0000001";
    provenance.input = "vienti\\2023\n.csv";
    provenance.line = 12;
    provenance.record = 11;
    provenance.transferId = 9007199254740993;
    provenance.mapping = "nokia";
    provenance.mappingVersion = "3";
    provenance.contentHash = std::string(64, 'e');
    return provenance;
}

TEST(Provenance, IsAddedAndWrittenAsItsMembersWithTheRecordWriter) {
    Provenance provenance = aProvenance();
    SharedProvenance shared(provenance);
    EXPECT_EQ(writtenDirectly(provenance, shared), expected(provenance).dump());
    EXPECT_EQ(writtenFromTheBody(provenance, shared), expected(provenance).dump());

    // Without a line (a format without lines), with warnings, with the longest escapes.
    provenance.line = 0;
    provenance.warnings = {"päivämäärä korjattu", std::string(50, '\x01'), ""};
    provenance.input = std::string(300, '\x1f');
    provenance.transferId = -1;
    SharedProvenance escaped(provenance);
    EXPECT_EQ(writtenDirectly(provenance, escaped), expected(provenance).dump());
    EXPECT_EQ(writtenFromTheBody(provenance, escaped), expected(provenance).dump());
    EXPECT_FALSE(nlohmann::json::parse(writtenDirectly(provenance, escaped)).contains("line"));

    // Provenance's own addTo() and writeTo() are the same.
    std::string own;
    provenance.writeTo(own);
    EXPECT_EQ(own, expected(provenance).dump());
    RecordBody body;
    provenance.addTo(body);
    EXPECT_EQ(body.toJson(), nlohmann::json({{"provenance", expected(provenance)}}));
}

TEST(SharedProvenance, ServesEveryRecordWhoseSharedMembersMatch) {
    const Provenance first = aProvenance();
    SharedProvenance shared(first);
    // Records of the same input differ in their own members: each is added and written whole.
    std::vector<Provenance> others(4, first);
    others[0].contentHash = std::string(64, '0');
    others[0].record = 12;
    others[1].line = 0;
    others[1].sourceRecordId = "NOK-\"toinen\"";
    others[2].warnings = {"a warning"};
    others[3].line = 0;
    others[3].warnings = {"one", "two"};
    others[3].sourceRecordId = "";
    for (const auto& other : others) {
        EXPECT_TRUE(shared.matches(other));
        EXPECT_EQ(writtenDirectly(other, shared), expected(other).dump());
        EXPECT_EQ(writtenFromTheBody(other, shared), expected(other).dump());
    }
}

TEST(SharedProvenance, MatchesNoRecordThatDiffersInASharedMember) {
    const Provenance first = aProvenance();
    SharedProvenance shared(first);
    const std::vector<std::function<void(Provenance&)>> changes = {
        [](Provenance& p) { p.sourceMunicipality = "837"; },
        [](Provenance& p) { p.sourceSystem = "Pegasos"; },
        [](Provenance& p) { p.input = "toinen.csv"; },
        [](Provenance& p) { p.mapping = "tampere"; },
        [](Provenance& p) { p.mappingVersion = "4"; },
        [](Provenance& p) { p.transferId = 0; }};
    for (std::size_t i = 0; i < changes.size(); ++i) {
        Provenance other = first;
        changes[i](other);
        EXPECT_FALSE(shared.matches(other)) << "change " << i;
    }
}

}  // namespace
}  // namespace gw
