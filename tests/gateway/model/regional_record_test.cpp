#include "gateway/model/regional_record.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

std::string writtenFromTheBody(const Provenance& provenance) {
    RecordBody body;
    provenance.addTo(body);
    std::string text;
    body.write(body.find(body.root(), "provenance"), text);
    return text;
}

std::string writtenDirectly(const Provenance& provenance) {
    std::string text = "kept";
    provenance.writeTo(text);
    EXPECT_EQ(text.substr(0, 4), "kept");  // appended to what was there
    return text.substr(4);
}

TEST(Provenance, WritesItselfAsTheBodyItAddsItselfToIsWritten) {
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
    EXPECT_EQ(writtenDirectly(provenance), writtenFromTheBody(provenance));

    // Without a line (a format without lines), with warnings, with the longest escapes.
    provenance.line = 0;
    provenance.warnings = {"päivämäärä korjattu", std::string(50, '\x01'), ""};
    provenance.input = std::string(300, '\x1f');
    provenance.transferId = -1;
    EXPECT_EQ(writtenDirectly(provenance), writtenFromTheBody(provenance));
    EXPECT_EQ(nlohmann::json::parse(writtenDirectly(provenance)).value("line", 0), 0);
}

}  // namespace
}  // namespace gw
