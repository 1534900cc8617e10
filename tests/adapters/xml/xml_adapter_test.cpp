#include "adapters/xml/xml_adapter.h"

#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "gateway/core/errors.h"

namespace gw {
namespace {

struct Read {
    std::vector<SourceRecord> records;
    std::string failure;  // the InputError, if the input could not be read to its end
};

Read readAll(const std::string& xml, nlohmann::json options) {
    options["format"] = "xml";
    std::istringstream input(xml);
    auto adapter = XmlAdapter::create(input, "export.xml", options);
    Read result;
    try {
        adapter->read([&](SourceRecord& record) {
            result.records.push_back(record);
            return true;
        });
    } catch (const InputError& e) {
        result.failure = e.what();
    }
    return result;
}

const nlohmann::json kPlain = {{"records", "/vienti/asiakas"}};

TEST(XmlAdapter, ReadsRecordsAtThePathWithFieldsByXPath) {
    std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<v:vienti xmlns:v="urn:effica:vienti">
  <v:otsake><v:asiakas>not a record: wrong path</v:asiakas></v:otsake>
  <v:asiakas id="A1"><v:hetu>131052-308T</v:hetu><v:jakso alku="1.2.2021"><v:palvelu>KTT</v:palvelu></v:jakso></v:asiakas>
  <v:asiakas id="A2"><v:hetu>010594Y9021</v:hetu></v:asiakas>
</v:vienti>)";
    auto read = readAll(xml, {{"records", "/e:vienti/e:asiakas"},
                              {"namespaces", {{"e", "urn:effica:vienti"}}},
                              {"fields",
                               {{"id", "@id"},
                                {"hetu", "e:hetu"},
                                {"alku", "e:jakso/@alku"},
                                {"palvelu", "e:jakso/e:palvelu"}}}});
    ASSERT_TRUE(read.failure.empty()) << read.failure;
    ASSERT_EQ(read.records.size(), 2u);
    EXPECT_EQ(*read.records[0].field("id"), "A1");
    EXPECT_EQ(*read.records[0].field("alku"), "1.2.2021");
    EXPECT_EQ(*read.records[0].field("palvelu"), "KTT");
    EXPECT_EQ(*read.records[1].field("hetu"), "010594Y9021");
    EXPECT_EQ(*read.records[1].field("palvelu"), "") << "a missing element is an empty field";
    EXPECT_EQ(read.records[0].position.line, 4u);
    EXPECT_EQ(read.records[1].position.record, 2u);
}

TEST(XmlAdapter, PlainChildPathsAndFullXPathAgree) {
    // The first <jakso> has no <palvelu>; both ways find the second one's, in document order.
    std::string xml =
        "<vienti xmlns:o='urn:other'><asiakas o:id='7' id='8'><jakso/><jakso><palvelu>SK</palvelu>"
        "</jakso><o:palvelu>other namespace</o:palvelu></asiakas></vienti>";
    auto read = readAll(xml, {{"records", "/vienti/asiakas"},
                              {"namespaces", {{"o", "urn:other"}}},
                              {"fields",
                               {{"plain", "jakso/palvelu"},
                                {"xpath", "(jakso/palvelu)[1]"},
                                {"count", "count(jakso)"},
                                {"noNamespace", "@id"},
                                {"prefixed", "@o:id"},
                                {"other", "o:palvelu"},
                                {"missing", "jakso/alku"}}}});
    ASSERT_EQ(read.records.size(), 1u) << read.failure;
    const auto& record = read.records[0];
    EXPECT_EQ(*record.field("plain"), "SK");
    EXPECT_EQ(*record.field("xpath"), "SK");
    EXPECT_EQ(*record.field("count"), "2");
    EXPECT_EQ(*record.field("noNamespace"), "8");
    EXPECT_EQ(*record.field("prefixed"), "7");
    EXPECT_EQ(*record.field("other"), "other namespace");
    EXPECT_EQ(*record.field("missing"), "");
}

TEST(XmlAdapter, WithoutFieldsTakesChildElementsAndAttributes) {
    auto read =
        readAll("<vienti><asiakas tyyppi='x'><hetu>1</hetu><nimi/></asiakas></vienti>", kPlain);
    ASSERT_EQ(read.records.size(), 1u);
    EXPECT_EQ(*read.records[0].field("@tyyppi"), "x");
    EXPECT_EQ(*read.records[0].field("hetu"), "1");
    EXPECT_EQ(*read.records[0].field("nimi"), "");
}

TEST(XmlAdapter, NestedNamesEveryLeafByItsPathAndNumbersRepeatedElements) {
    auto read = readAll(R"(<vienti><asiakas id="C1"><hetu>131052-308T</hetu>
        <jakso id="J1"><alku>20210301</alku><tyo><tyyppi>avotyo</tyyppi></tyo>
          <tyo><tyyppi>palkkatyo</tyyppi></tyo></jakso>
        <jakso id="J2"><alku>20220101</alku><tila koodi="k">Kesken</tila></jakso>
        <huom>a</huom><huom>b</huom></asiakas>
      <asiakas id="C2"><hetu>010190-999K</hetu></asiakas></vienti>)",
                        {{"records", "/vienti/asiakas"}, {"nested", true}});
    ASSERT_EQ(read.records.size(), 2u) << read.failure;
    std::map<std::string, std::string> fields(read.records[0].fields.begin(),
                                              read.records[0].fields.end());
    std::map<std::string, std::string> expected = {{"/@id", "C1"},
                                                   {"/hetu", "131052-308T"},
                                                   {"/jakso/0/@id", "J1"},
                                                   {"/jakso/0/alku", "20210301"},
                                                   {"/jakso/0/tyo/0/tyyppi", "avotyo"},
                                                   {"/jakso/0/tyo/1/tyyppi", "palkkatyo"},
                                                   {"/jakso/1/@id", "J2"},
                                                   {"/jakso/1/alku", "20220101"},
                                                   {"/jakso/1/tila/0", "Kesken"},
                                                   {"/jakso/1/tila/0/@koodi", "k"},
                                                   {"/huom/0", "a"},
                                                   {"/huom/1", "b"}};
    EXPECT_EQ(fields, expected);
    EXPECT_EQ(read.records[1].fields.size(), 2u) << "a record's fields are its own";
    EXPECT_THROW(XmlAdapter::Options::fromJson(
                     {{"records", "/a/b"}, {"nested", true}, {"fields", {{"x", "x"}}}}),
                 ConfigError);
}

TEST(XmlAdapter, HonoursTheDeclaredEncoding) {
    auto latin1 = readAll(
        "<?xml version='1.0' "
        "encoding='ISO-8859-1'?><vienti><asiakas><n>P\xE4ivi</n></asiakas></vienti>",
        kPlain);
    ASSERT_EQ(latin1.records.size(), 1u) << latin1.failure;
    EXPECT_EQ(*latin1.records[0].field("n"), "P\xC3\xA4ivi");

    auto cp1252 = readAll(
        "<?xml version='1.0' "
        "encoding='windows-1252'?><vienti><asiakas><n>\x80</n></asiakas></vienti>",
        kPlain);
    ASSERT_EQ(cp1252.records.size(), 1u) << cp1252.failure;
    EXPECT_EQ(*cp1252.records[0].field("n"), "\xE2\x82\xAC");

    nlohmann::json overridden = kPlain;
    overridden["encoding"] = "ISO-8859-1";
    auto undeclared = readAll("<vienti><asiakas><n>\xD6</n></asiakas></vienti>", overridden);
    ASSERT_EQ(undeclared.records.size(), 1u) << undeclared.failure;
    EXPECT_EQ(*undeclared.records[0].field("n"), "\xC3\x96");

    auto invalid = readAll("<vienti><asiakas><n>\xD6</n></asiakas></vienti>", kPlain);
    EXPECT_FALSE(invalid.failure.empty()) << "bytes invalid in the declared UTF-8 fail the file";
}

TEST(XmlAdapter, AMalformedFileFailsWithItsPositionAfterTheRecordsBeforeIt) {
    auto read = readAll(
        "<vienti>\n<asiakas><n>1</n></asiakas>\n<asiakas><n>2</n></asiakas>\n<asiakas><n>3</x></"
        "asiakas>\n</vienti>",
        kPlain);
    EXPECT_EQ(read.records.size(), 2u) << "every record before the fault is handed over";
    EXPECT_NE(read.failure.find("line 4"), std::string::npos) << read.failure;
    EXPECT_NE(read.failure.find("after record 2"), std::string::npos) << read.failure;
}

TEST(XmlAdapter, ARecordLargerThanTheLimitIsAnErrorOfThatRecord) {
    std::string big(5000, 'x');
    nlohmann::json options = kPlain;
    options["maxRecordBytes"] = 1000;
    auto read = readAll(
        "<vienti><asiakas><n>" + big + "</n></asiakas><asiakas><n>ok</n></asiakas></vienti>",
        options);
    ASSERT_EQ(read.records.size(), 2u) << read.failure;
    ASSERT_TRUE(read.records[0].error);
    EXPECT_EQ(read.records[0].error->rule, "read.record-too-large");
    EXPECT_FALSE(read.records[1].error);
}

TEST(XmlAdapter, RefusesExternalEntitiesAndNeverReadsTheFileTheyName) {
    Poco::TemporaryFile secret;
    std::ofstream(secret.path()) << "TOP-SECRET-CONTENT";
    std::string xml = "<?xml version='1.0'?>\n<!DOCTYPE vienti [<!ENTITY xxe SYSTEM 'file://" +
                      secret.path() + "'>]>\n<vienti><asiakas><n>&xxe;</n></asiakas></vienti>";
    int loadsBefore = XmlAdapter::externalLoadsRefused();
    auto read = readAll(xml, kPlain);
    EXPECT_TRUE(read.records.empty());
    EXPECT_NE(read.failure.find("DOCTYPE"), std::string::npos) << read.failure;
    EXPECT_EQ(read.failure.find("TOP-SECRET"), std::string::npos);
    EXPECT_EQ(XmlAdapter::externalLoadsRefused(), loadsBefore)
        << "nothing outside the file was even asked for";

    auto externalDtd = readAll("<?xml version='1.0'?><!DOCTYPE vienti SYSTEM 'file://" +
                                   secret.path() + "'><vienti><asiakas><n>1</n></asiakas></vienti>",
                               kPlain);
    EXPECT_TRUE(externalDtd.records.empty());
    EXPECT_NE(externalDtd.failure.find("DOCTYPE"), std::string::npos) << externalDtd.failure;
    EXPECT_EQ(XmlAdapter::externalLoadsRefused(), loadsBefore);
}

TEST(XmlAdapter, RefusesABillionLaughs) {
    std::string xml = "<?xml version='1.0'?>\n<!DOCTYPE lolz [\n<!ENTITY lol 'lol'>\n";
    for (int i = 1; i <= 9; ++i) {
        std::string previous = i == 1 ? "lol" : "lol" + std::to_string(i - 1);
        xml += "<!ENTITY lol" + std::to_string(i) + " '";
        for (int j = 0; j < 10; ++j) xml += "&" + previous + ";";
        xml += "'>\n";
    }
    xml += "]>\n<vienti><asiakas><n>&lol9;</n></asiakas></vienti>";
    auto read = readAll(xml, kPlain);
    EXPECT_TRUE(read.records.empty());
    // Refused either by the reader (DOCTYPE) or, earlier still, by libxml2's entity-loop guard.
    bool refused = read.failure.find("DOCTYPE") != std::string::npos ||
                   read.failure.find("entity") != std::string::npos;
    EXPECT_TRUE(refused) << read.failure;
}

TEST(XmlAdapter, RefusesANestingBomb) {
    std::string open, close;
    for (int i = 0; i < 100000; ++i) {
        open += "<a>";
        close += "</a>";
    }
    auto outside = readAll("<vienti>" + open + close + "</vienti>", kPlain);
    EXPECT_NE(outside.failure.find("deeper than 64"), std::string::npos) << outside.failure;

    auto inside = readAll("<vienti><asiakas>" + open + close + "</asiakas></vienti>", kPlain);
    EXPECT_TRUE(inside.records.empty());
    EXPECT_FALSE(inside.failure.empty());
}

TEST(XmlAdapter, StopsATooLargeInput) {
    nlohmann::json options = kPlain;
    options["maxTotalBytes"] = 100;
    std::string records;
    for (int i = 0; i < 100; ++i) records += "<asiakas><n>" + std::to_string(i) + "</n></asiakas>";
    auto read = readAll("<vienti>" + records + "</vienti>", options);
    EXPECT_NE(read.failure.find("larger than 100 bytes"), std::string::npos) << read.failure;
    EXPECT_LT(read.records.size(), 100u);
}

TEST(XmlAdapter, RejectsBadOptions) {
    EXPECT_THROW(readAll("<a/>", {{"records", "vienti"}}), ConfigError);
    EXPECT_THROW(readAll("<a/>", {{"records", "/x:vienti"}}), ConfigError) << "undeclared prefix";
    EXPECT_THROW(readAll("<a/>", {{"records", "/vienti"}, {"fields", {{"n", "(("}}}}), ConfigError);
    EXPECT_THROW(readAll("<a/>", {{"records", "/vienti"}, {"bogus", 1}}), ConfigError);
}

}  // namespace
}  // namespace gw
