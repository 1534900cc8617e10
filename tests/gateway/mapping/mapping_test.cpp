#include "gateway/mapping/mapping.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "adapters/xml/xml_adapter.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

const std::string kMappingSchema = std::string(GATEWAY_SOURCE_DIR) + "/schemas/mapping.schema.json";

/// A mapping file and its code table in a temporary folder.
class MappingTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::File(folder_.path()).createDirectories();
        write("services.csv",
              "local;regional\nKTT;rehabilitative_work_activity\nSK;social_rehabilitation\n");
    }

    void write(const std::string& name, const std::string& text) {
        std::ofstream(folder_.path() + "/" + name) << text;
    }

    Mapping load(nlohmann::json fields, const std::string& unmapped = "reject") {
        nlohmann::json spec = {
            {"mapping", "test"},
            {"version", "7"},
            {"municipality", "536"},
            {"sourceSystem", "effica"},
            {"input", {{"format", "csv"}}},
            {"recordId", {{"column", "ID"}}},
            {"codeTables",
             {{"services",
               {{"file", "services.csv"}, {"unmapped", unmapped}, {"unknownCode", "other"}}}}},
            {"entities", {{{"entity", "service_episode"}, {"fields", std::move(fields)}}}}};
        write("mapping.json", spec.dump(2));
        return Mapping::load(folder_.path() + "/mapping.json", kMappingSchema);
    }

    /// A mapping of `entities` over `input`, records identified by `recordId`.
    Mapping loadEntities(nlohmann::json input, const std::string& recordId,
                         nlohmann::json entities) {
        nlohmann::json spec = {{"mapping", "test"},
                               {"version", "7"},
                               {"municipality", "536"},
                               {"sourceSystem", "test"},
                               {"input", std::move(input)},
                               {"recordId", {{"column", recordId}}},
                               {"entities", std::move(entities)}};
        write("entities.json", spec.dump(2));
        return Mapping::load(folder_.path() + "/entities.json", kMappingSchema);
    }

    static SourceRecord record(std::vector<std::pair<std::string, std::string>> fields) {
        SourceRecord r;
        r.position = {"export.csv", 2, 1};
        r.fields = std::move(fields);
        return r;
    }

    Poco::TemporaryFile folder_;
};

TEST_F(MappingTest, BuildsANestedRegionalRecord) {
    Mapping mapping = load(
        {{"episodeId", {{"column", "ID"}}},
         {"client.identityCode", {{"column", "HETU"}, {"transform", {"trim", "upper"}}}},
         {"organiserMunicipality", {{"constant", "536"}}},
         {"startDate", {{"column", "ALKU"}, {"transform", {{{"date", "d.m.yyyy"}}}}}},
         {"goalsSet",
          {{"column", "T"}, {"transform", {{{"boolean", {{"true", {"K"}}, {"false", {"E"}}}}}}}}}});
    auto result = mapping.apply(
        record({{"ID", "7"}, {"HETU", " 131052-308t "}, {"ALKU", "1.2.2021"}, {"T", "E"}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    ASSERT_EQ(result.records.size(), 1u);
    const nlohmann::json body = result.records[0].body.toJson();
    EXPECT_EQ(result.records[0].sourceRecordId, "7");
    EXPECT_EQ(body["entity"], "service_episode");
    EXPECT_EQ(body["client"]["identityCode"], "131052-308T");
    EXPECT_EQ(body["organiserMunicipality"], "536");
    EXPECT_EQ(body["startDate"], "2021-02-01");
    EXPECT_EQ(body["goalsSet"], false);
}

TEST_F(MappingTest, AnEmptyFieldStaysOutOfTheRecord) {
    Mapping mapping =
        load({{"endDate", {{"column", "LOPPU"}, {"transform", {"trim", {{"date", "d.m.yyyy"}}}}}}});
    auto result = mapping.apply(record({{"ID", "1"}, {"LOPPU", "  "}}));
    ASSERT_FALSE(result.fault);
    EXPECT_FALSE(result.records[0].body.toJson().contains("endDate"));
}

TEST_F(MappingTest, AnImpossibleDateIsAFaultOfItsColumn) {
    Mapping mapping =
        load({{"startDate", {{"column", "ALKU"}, {"transform", {{{"date", "d.m.yyyy"}}}}}}});
    for (const char* bad : {"31.02.2021", "1.13.2021", "2021-01-01", "1.1.21", "x"}) {
        auto result = mapping.apply(record({{"ID", "1"}, {"ALKU", bad}}));
        ASSERT_TRUE(result.fault) << bad;
        EXPECT_EQ(result.fault->rule, "map.date");
        EXPECT_EQ(result.fault->field, "ALKU");
        EXPECT_TRUE(result.records.empty());
    }
}

TEST_F(MappingTest, UnmappedCodesFollowTheTablePolicy) {
    nlohmann::json fields = {
        {"serviceType", {{"column", "P"}, {"transform", {{{"lookup", "services"}}}}}}};
    auto rejected = load(fields, "reject").apply(record({{"ID", "1"}, {"P", "XX"}}));
    ASSERT_TRUE(rejected.fault);
    EXPECT_EQ(rejected.fault->rule, "map.code-unmapped");
    EXPECT_NE(rejected.fault->message.find("'XX'"), std::string::npos) << "IT staff need the code";

    auto kept = load(fields, "unknown").apply(record({{"ID", "1"}, {"P", "XX"}}));
    ASSERT_FALSE(kept.fault);
    EXPECT_EQ(kept.records[0].body.toJson()["serviceType"], "other");
    ASSERT_EQ(kept.notes.warnings.size(), 1u);
    ASSERT_EQ(kept.notes.unmappedCodes.size(), 1u);
    EXPECT_EQ(kept.notes.unmappedCodes[0],
              std::make_pair(std::string("services"), std::string("XX")));
}

TEST_F(MappingTest, APersonalValueNeverAppearsInAFault) {
    Mapping mapping =
        load({{"startDate",
               {{"column", "NIMI"}, {"personal", true}, {"transform", {{{"date", "d.m.yyyy"}}}}}}});
    auto result = mapping.apply(record({{"ID", "1"}, {"NIMI", "Matti Meikäläinen"}}));
    ASSERT_TRUE(result.fault);
    EXPECT_EQ(result.fault->message.find("Matti"), std::string::npos);
}

TEST_F(MappingTest, AnIdentityCodeInAnotherColumnIsMaskedInAFault) {
    Mapping mapping =
        load({{"startDate", {{"column", "ALKU"}, {"transform", {{{"date", "d.m.yyyy"}}}}}}});
    auto result = mapping.apply(record({{"ID", "1"}, {"ALKU", "131052-308T"}}));
    ASSERT_TRUE(result.fault);
    EXPECT_EQ(result.fault->message.find("308T"), std::string::npos);
    EXPECT_NE(result.fault->message.find("131052-****"), std::string::npos);
}

TEST_F(MappingTest, ARecordWithoutItsIdIsRejected) {
    Mapping mapping = load({{"episodeId", {{"column", "ID"}}}});
    auto result = mapping.apply(record({{"ID", ""}}));
    ASSERT_TRUE(result.fault);
    EXPECT_EQ(result.fault->rule, "map.record-id");
}

TEST_F(MappingTest, AMissingColumnIsAFaultNamingIt) {
    Mapping mapping = load({{"episodeId", {{"column", "JAKSO"}}}});
    auto result = mapping.apply(record({{"ID", "1"}}));
    ASSERT_TRUE(result.fault);
    EXPECT_EQ(result.fault->rule, "map.column-missing");
    EXPECT_EQ(result.fault->field, "JAKSO");
}

TEST_F(MappingTest, AMistakeInTheMappingFileNamesItsKey) {
    try {
        load({{"startDate", {{"column", "ALKU"}, {"transform", {{{"date", "dd/mm/yy"}}}}}}});
        FAIL() << "an unknown date format must not load";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("startDate"), std::string::npos) << e.what();
        // and points at the file and line that hold the key
        EXPECT_NE(std::string(e.what()).find("mapping.json line "), std::string::npos) << e.what();
    }
    EXPECT_THROW(load({{"x", {{"colum", "A"}}}}), ConfigError);
    EXPECT_THROW(load({{"x", {{"column", "A"}, {"transform", {{{"lookup", "nope"}}}}}}}),
                 ConfigError);
}

TEST_F(MappingTest, NothingFollowsABooleanTransform) {
    EXPECT_THROW(
        load({{"goalsSet",
               {{"column", "T"},
                {"transform", {{{"boolean", {{"true", {"K"}}, {"false", {"E"}}}}}, "trim"}}}}}),
        ConfigError);
}

TEST_F(MappingTest, ARecordTypeColumnDecidesWhichEntitiesARowBecomes) {
    nlohmann::json spec = {{"mapping", "test"},
                           {"version", "1"},
                           {"municipality", "837"},
                           {"sourceSystem", "effica"},
                           {"input", {{"format", "csv"}}},
                           {"recordId", {{"column", "ID"}}},
                           {"entities",
                            {{{"entity", "service_episode"},
                              {"when", {{"column", "TYPE"}, {"in", {"EPISODE", "PLACEMENT"}}}},
                              {"recordId", {{"column", "EPISODE"}}},
                              {"fields",
                               {{"episodeId", {{"column", "EPISODE"}}},
                                {"organiserMunicipality", {{"constant", "${municipality}"}}}}}},
                             {{"entity", "work_placement"},
                              {"when", {{"column", "TYPE"}, {"in", {"PLACEMENT"}}}},
                              {"fields", {{"placementId", {{"column", "ID"}}}}}}}}};
    write("typed.json", spec.dump());
    Mapping mapping = Mapping::load(folder_.path() + "/typed.json", kMappingSchema);

    auto both = mapping.apply(record({{"ID", "R7"}, {"TYPE", "PLACEMENT"}, {"EPISODE", "E1"}}));
    ASSERT_FALSE(both.fault);
    ASSERT_EQ(both.records.size(), 2u);
    EXPECT_EQ(both.records[0].entity, "service_episode");
    EXPECT_EQ(both.records[0].sourceRecordId, "E1") << "the episode is keyed by its own id";
    EXPECT_EQ(both.records[0].body.toJson()["organiserMunicipality"], "837");
    EXPECT_EQ(both.records[1].sourceRecordId, "R7");

    auto episodeOnly =
        mapping.apply(record({{"ID", "R8"}, {"TYPE", "EPISODE"}, {"EPISODE", "E2"}}));
    ASSERT_EQ(episodeOnly.records.size(), 1u);

    auto unknown = mapping.apply(record({{"ID", "R9"}, {"TYPE", "INVOICE"}, {"EPISODE", "E3"}}));
    ASSERT_TRUE(unknown.fault);
    EXPECT_EQ(unknown.fault->rule, "map.no-entity");
}

TEST_F(MappingTest, NumberedStepsBuildArraysAndIntegersAreNumbers) {
    Mapping mapping =
        load({{"goals.0.text", {{"column", "G1"}}},
              {"goals.1.text", {{"column", "G2"}}},
              {"reviewIntervalMonths", {{"column", "KK"}, {"transform", {"integer"}}}}});
    auto result = mapping.apply(record({{"ID", "1"}, {"G1", "a"}, {"G2", "b"}, {"KK", "12"}}));
    ASSERT_FALSE(result.fault);
    EXPECT_EQ(result.records[0].body.toJson()["goals"],
              nlohmann::json::parse(R"([{"text":"a"},{"text":"b"}])"));
    EXPECT_EQ(result.records[0].body.toJson()["reviewIntervalMonths"], 12);

    auto bad = mapping.apply(record({{"ID", "1"}, {"G1", "a"}, {"G2", ""}, {"KK", "12 kk"}}));
    ASSERT_TRUE(bad.fault);
    EXPECT_EQ(bad.fault->rule, "map.integer");
}

TEST_F(MappingTest, AMunicipalityExtendsASharedBaseAndOverridesOnlyWhatDiffers) {
    Poco::File(folder_.path() + "/base").createDirectories();
    write("base/system.json",
          nlohmann::json({{"version", "3"},
                          {"sourceSystem", "effica"},
                          {"input", {{"format", "csv"}}},
                          {"recordId", {{"column", "ID"}}},
                          {"codeTables", {{"services", {{"file", "../services.csv"}}}}},
                          {"entities",
                           {{{"entity", "service_episode"},
                             {"fields",
                              {{"organiserMunicipality", {{"constant", "${municipality}"}}},
                               {"serviceType",
                                {{"column", "P"}, {"transform", {{{"lookup", "services"}}}}}}}}}}}})
              .dump());
    write("local-services.csv", "local;regional\nKUTO;rehabilitative_work_activity\n");
    write("tampere.json",
          nlohmann::json({{"extends", "base/system.json"},
                          {"mapping", "tampere"},
                          {"municipality", "837"},
                          {"codeTables", {{"services", {{"file", "local-services.csv"}}}}}})
              .dump());
    Mapping mapping = Mapping::load(folder_.path() + "/tampere.json", kMappingSchema);
    EXPECT_EQ(mapping.name(), "tampere");
    EXPECT_EQ(mapping.version(), "3");
    auto result = mapping.apply(record({{"ID", "1"}, {"P", "KUTO"}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    EXPECT_EQ(result.records[0].body.toJson()["organiserMunicipality"], "837");
    EXPECT_EQ(result.records[0].body.toJson()["serviceType"], "rehabilitative_work_activity")
        << "the municipality's own code table, found beside its own file";
}

TEST_F(MappingTest, TransformsForTheRegionsDialects) {
    Mapping mapping =
        load({{"hoursPerWeek", {{"column", "H"}, {"transform", {"decimal"}}}},
              {"client.identityCode", {{"column", "HETU"}, {"transform", {"identity-code"}}}},
              {"startDate", {{"column", "A"}, {"transform", {{{"date", "yyyymmdd"}}}}}},
              {"goals.0.text",
               {{"column", "G"}, {"transform", {{{"split", {{"separator", "|"}, {"index", 1}}}}}}}},
              {"producer.name", {{"columns", {"P1", "P2"}}, {"separator", " / "}}},
              {"referralSource", {{"column", "R"}, {"default", "other"}}}});
    auto result = mapping.apply(record({{"ID", "1"},
                                        {"H", "12,5"},
                                        {"HETU", " 131052 -308t"},
                                        {"A", "20210201"},
                                        {"G", "a|b|c"},
                                        {"P1", "Kaupunki"},
                                        {"P2", "Keskus"},
                                        {"R", ""}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    const nlohmann::json body = result.records[0].body.toJson();
    EXPECT_EQ(body["hoursPerWeek"], 12.5);
    EXPECT_EQ(body["client"]["identityCode"], "131052-308T");
    EXPECT_EQ(body["startDate"], "2021-02-01");
    EXPECT_EQ(body["goals"][0]["text"], "b");
    EXPECT_EQ(body["producer"]["name"], "Kaupunki / Keskus");
    EXPECT_EQ(body["referralSource"], "other");

    for (const char* bad : {"12,5 h", "1.2.3", "abc"}) {
        auto failed = mapping.apply(record({{"ID", "1"},
                                            {"H", bad},
                                            {"HETU", "x"},
                                            {"A", "20210201"},
                                            {"G", ""},
                                            {"P1", ""},
                                            {"P2", ""},
                                            {"R", ""}}));
        ASSERT_TRUE(failed.fault) << bad;
        EXPECT_EQ(failed.fault->rule, "map.decimal") << bad;
    }
    auto badDate = mapping.apply(record({{"ID", "1"},
                                         {"H", ""},
                                         {"HETU", "x"},
                                         {"A", "20210231"},
                                         {"G", ""},
                                         {"P1", ""},
                                         {"P2", ""},
                                         {"R", ""}}));
    ASSERT_TRUE(badDate.fault);
    EXPECT_EQ(badDate.fault->rule, "map.date");
}

TEST_F(MappingTest, ADuplicateLocalCodeInATableIsAConfigurationError) {
    write("services.csv", "local;regional\nKTT;a\nKTT;b\n");
    EXPECT_THROW(load({{"x", {{"column", "A"}}}}), ConfigError);
}

/// A client-per-record export: the client, each episode and each plan with its goals.
nlohmann::json nestedEntities() {
    return {{{"entity", "client"}, {"fields", {{"client.identityCode", {{"column", "/hetu"}}}}}},
            {{"entity", "service_episode"},
             {"each", {{"array", "/jaksot"}}},
             {"recordId", {{"column", "./id"}}},
             {"fields",
              {{"episodeId", {{"column", "./id"}}},
               {"client.identityCode", {{"column", "/hetu"}}},
               {"startDate", {{"column", "./alku"}, {"transform", {{{"date", "yyyymmdd"}}}}}}}}},
            {{"entity", "client_plan"},
             {"each", {{"array", "/suunnitelmat"}}},
             {"fields",
              {{"planId", {{"columns", {"/id", "./laadittu"}}, {"separator", "/"}}},
               {"goals",
                {{"each", {{"array", "./tavoitteet"}}},
                 {"fields",
                  {{"text", {{"column", "./teksti"}}}, {"status", {{"column", "./tila"}}}}}}}}}}};
}

TEST_F(MappingTest, AnEntityIsMadeForEachElementAndNestedArraysBecomeArrays) {
    Mapping mapping = loadEntities({{"format", "json"}}, "/id", nestedEntities());
    auto result = mapping.apply(record({{"/id", "C1"},
                                        {"/hetu", "131052-308T"},
                                        {"/jaksot/0/id", "J1"},
                                        {"/jaksot/0/alku", "20210301"},
                                        {"/jaksot/1/id", "J2"},
                                        {"/jaksot/1/alku", "20220101"},
                                        {"/suunnitelmat/0/laadittu", "20210301"},
                                        {"/suunnitelmat/0/tavoitteet/0/teksti", "Työkokeilu"},
                                        {"/suunnitelmat/0/tavoitteet/0/tila", "achieved"},
                                        {"/suunnitelmat/0/tavoitteet/1/teksti", "Rytmi"},
                                        {"/suunnitelmat/0/tavoitteet/1/tila", "in_progress"}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    ASSERT_EQ(result.records.size(), 4u);
    EXPECT_EQ(result.records[1].sourceRecordId, "J1") << "an element's own id";
    EXPECT_EQ(result.records[2].sourceRecordId, "J2");
    EXPECT_EQ(result.records[2].body.toJson()["startDate"], "2022-01-01");
    EXPECT_EQ(result.records[2].body.toJson()["client"]["identityCode"], "131052-308T")
        << "the enclosing record's field";
    const auto& plan = result.records[3];
    EXPECT_EQ(plan.sourceRecordId, "C1/suunnitelmat/0") << "no id of its own: its place";
    EXPECT_EQ(plan.body.toJson()["planId"], "C1/20210301");
    EXPECT_EQ(plan.body.toJson()["goals"],
              nlohmann::json::parse(R"([{"text":"Työkokeilu","status":"achieved"},
                                        {"text":"Rytmi","status":"in_progress"}])"));

    // No episodes and no plans: the client alone, and that is not an error.
    auto alone = mapping.apply(record({{"/id", "C2"}, {"/hetu", "131052-308T"}}));
    ASSERT_FALSE(alone.fault);
    EXPECT_EQ(alone.records.size(), 1u);

    // A bad element deep inside rejects the whole record and names the element.
    auto bad = mapping.apply(record({{"/id", "C3"},
                                     {"/hetu", "131052-308T"},
                                     {"/jaksot/0/id", "J1"},
                                     {"/jaksot/0/alku", "20210301"},
                                     {"/jaksot/2/id", "J3"},
                                     {"/jaksot/2/alku", "20210231"}}));
    ASSERT_TRUE(bad.fault);
    EXPECT_EQ(bad.fault->rule, "map.date");
    EXPECT_EQ(bad.fault->field, "/jaksot/2/alku");
    EXPECT_TRUE(bad.records.empty()) << "all or nothing";

    // The dry run sees the element fields with * for the index.
    auto read = mapping.columnsRead();
    for (const char* column : {"/jaksot/*/alku", "/suunnitelmat/*/tavoitteet/*/teksti", "/hetu"})
        EXPECT_TRUE(std::binary_search(read.begin(), read.end(), column)) << column;
}

TEST_F(MappingTest, RepeatedXmlElementsAreElementsToo) {
    // The same client-per-record mapping as above, over an XML export read with "nested".
    nlohmann::json entities = nestedEntities();
    for (auto& entity : entities) {
        if (entity["entity"] == "service_episode") {
            entity["each"]["array"] = "/jakso";
            entity["recordId"]["column"] = "./@id";
            entity["fields"]["episodeId"]["column"] = "./@id";
        }
        if (entity["entity"] == "client_plan") {
            entity["each"]["array"] = "/suunnitelma";
            entity["fields"]["planId"]["columns"] = {"/@id", "./laadittu"};
            entity["fields"]["goals"]["each"]["array"] = "./tavoite";
        }
    }
    Mapping mapping = loadEntities(
        {{"format", "xml"}, {"records", "/vienti/asiakas"}, {"nested", true}}, "/@id", entities);
    std::istringstream xml(R"(<vienti><asiakas id="C1"><hetu>131052-308T</hetu>
        <jakso id="J1"><alku>20210301</alku></jakso>
        <jakso id="J2"><alku>20220101</alku></jakso>
        <suunnitelma><laadittu>20210301</laadittu>
          <tavoite><teksti>Työkokeilu</teksti><tila>achieved</tila></tavoite>
          <tavoite><teksti>Rytmi</teksti><tila>in_progress</tila></tavoite></suunnitelma>
      </asiakas></vienti>)");
    XmlAdapter adapter(xml, "export.xml", XmlAdapter::Options::fromJson(mapping.inputOptions()));
    std::vector<MappingResult> results;
    adapter.read([&](SourceRecord& record) {
        results.push_back(mapping.apply(record));
        return true;
    });
    ASSERT_EQ(results.size(), 1u);
    ASSERT_FALSE(results[0].fault) << results[0].fault->message;
    const auto& records = results[0].records;
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[2].sourceRecordId, "J2");
    EXPECT_EQ(records[2].body.toJson()["startDate"], "2022-01-01");
    EXPECT_EQ(records[3].sourceRecordId, "C1/suunnitelma/0");
    EXPECT_EQ(records[3].body.toJson()["goals"].size(), 2u);
    EXPECT_EQ(records[3].body.toJson()["goals"][1]["status"], "in_progress");
}

TEST_F(MappingTest, ACsvMultiValueColumnMakesOneRecordPerPartWithItsParallelParts) {
    Mapping mapping = loadEntities(
        {{"format", "csv"}}, "ID",
        {{{"entity", "work_placement"},
          {"each", {{"column", "TYOMUODOT"}, {"separator", "|"}}},
          {"when", {{"column", "TYYPPI"}, {"in", {"TYO"}}}},
          {"fields",
           {{"placementType", {{"column", "."}}},
            {"startDate", {{"column", "./ALKU"}, {"transform", {{{"date", "d.m.yyyy"}}}}}},
            {"episodeId", {{"column", "JAKSO"}}}}}}});
    auto result = mapping.apply(record({{"ID", "R1"},
                                        {"TYYPPI", "TYO"},
                                        {"JAKSO", "J1"},
                                        {"TYOMUODOT", "avotyo|palkkatyo"},
                                        {"ALKU", "1.2.2021|1.9.2021"}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    ASSERT_EQ(result.records.size(), 2u);
    EXPECT_EQ(result.records[1].body.toJson()["placementType"], "palkkatyo");
    EXPECT_EQ(result.records[1].body.toJson()["startDate"], "2021-09-01");
    EXPECT_EQ(result.records[1].body.toJson()["episodeId"], "J1");
    EXPECT_EQ(result.records[0].sourceRecordId, "R1/TYOMUODOT/0");
    EXPECT_TRUE(mapping
                    .apply(record({{"ID", "R1"},
                                   {"TYYPPI", "JAKSO"},
                                   {"JAKSO", "J1"},
                                   {"TYOMUODOT", "avotyo"},
                                   {"ALKU", "1.2.2021"}}))
                    .records.empty())
        << "the record's own type column still selects the rows";
    auto bad = mapping.apply(record({{"ID", "R1"},
                                     {"TYYPPI", "TYO"},
                                     {"JAKSO", "J1"},
                                     {"TYOMUODOT", "a|b"},
                                     {"ALKU", "1.2.2021|31.2.2021"}}));
    ASSERT_TRUE(bad.fault);
    EXPECT_EQ(bad.fault->field, "ALKU[1]");
    EXPECT_TRUE(mapping
                    .apply(record({{"ID", "R1"},
                                   {"TYYPPI", "TYO"},
                                   {"JAKSO", "J1"},
                                   {"TYOMUODOT", ""},
                                   {"ALKU", ""}}))
                    .records.empty());
}

TEST_F(MappingTest, AColumnRelativeToAnElementOutsideAnyElementIsRefusedAtLoad) {
    EXPECT_THROW(load({{"startDate", {{"column", "./ALKU"}}}}), ConfigError);
    auto placements = [](const std::string& episodeColumn) {
        return nlohmann::json::array({{{"entity", "work_placement"},
                                       {"each", {{"array", "/jaksot"}}},
                                       {"fields",
                                        {{"placementId", {{"column", "./id"}}},
                                         {"episodeId", {{"column", episodeColumn}}}}}}});
    };
    EXPECT_THROW(loadEntities({{"format", "json"}}, "/id", placements("../id")), ConfigError)
        << "no element encloses an episode";
    EXPECT_NO_THROW(loadEntities({{"format", "json"}}, "/id", placements("./id")));
}

TEST_F(MappingTest, AnEntityIsMadeForEachElementOfAnArrayInEachElementAndReadsTheOneAround) {
    nlohmann::json entities = nlohmann::json::array(
        {{{"entity", "work_placement"},
          {"each", {{"array", "/jaksot"}, {"each", {{"array", "./tyojaksot"}}}}},
          {"fields",
           {{"placementId", {{"column", "./id"}, {"default", "-"}}},
            {"episodeId", {{"column", "../id"}}},
            {"client.identityCode",
             {{"column", "/hetu"}, {"personal", true}, {"transform", {"identity-code"}}}},
            {"organiserMunicipality", {{"constant", "536"}}},
            {"placementType", {{"constant", "paid_work"}}},
            {"startDate", {{"column", "./alku"}, {"transform", {{{"date", "yyyymmdd"}}}}}}}}}});
    Mapping mapping = loadEntities({{"format", "json"}}, "/id", entities);
    auto result = mapping.apply(record({{"/id", "C1"},
                                        {"/hetu", "131052-308T"},
                                        {"/jaksot/0/id", "J1"},
                                        {"/jaksot/0/tyojaksot/0/id", "T1"},
                                        {"/jaksot/0/tyojaksot/0/alku", "20210301"},
                                        {"/jaksot/0/tyojaksot/1/alku", "20210601"},
                                        {"/jaksot/1/id", "J2"},
                                        {"/jaksot/2/id", "J3"},
                                        {"/jaksot/2/tyojaksot/0/alku", "20220101"}}));
    ASSERT_FALSE(result.fault) << result.fault->message;
    ASSERT_EQ(result.records.size(), 3u) << "J2 has no placements: none, and no error";
    EXPECT_EQ(result.records[0].body.toJson()["episodeId"], "J1")
        << "the episode around the placement";
    EXPECT_EQ(result.records[0].sourceRecordId, "C1/jaksot/0/tyojaksot/0");
    EXPECT_EQ(result.records[1].body.toJson()["startDate"], "2021-06-01");
    EXPECT_EQ(result.records[2].body.toJson()["episodeId"], "J3");
    EXPECT_EQ(result.records[2].sourceRecordId, "C1/jaksot/2/tyojaksot/0");

    auto bad = mapping.apply(record({{"/id", "C2"},
                                     {"/hetu", "131052-308T"},
                                     {"/jaksot/0/id", "J1"},
                                     {"/jaksot/0/tyojaksot/3/alku", "20210231"}}));
    ASSERT_TRUE(bad.fault);
    EXPECT_EQ(bad.fault->field, "/jaksot/0/tyojaksot/3/alku");

    auto read = mapping.columnsRead();
    for (const char* column : {"/jaksot/*/tyojaksot/*/alku", "/jaksot/*/id"})
        EXPECT_TRUE(std::binary_search(read.begin(), read.end(), column)) << column;
}

}  // namespace
}  // namespace gw
