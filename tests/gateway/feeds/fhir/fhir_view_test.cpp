#include "gateway/feeds/fhir/fhir_view.h"

#include <gtest/gtest.h>

#include <regex>

#include "gateway/core/errors.h"

namespace gw {
namespace {

FeedViewSetup setup() {
    return {std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/pseudonymised-view.json",
            std::string(40, 'k'),
            {"client", "client_plan", "feedback", "service_episode", "work_placement"},
            std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/codes",
            "https://gateway.example/fhir"};
}

nlohmann::json client(const std::string& identityCode, bool temporary) {
    return {{"clientId", "c-0123456789abcdef0123456789abcdef"},
            {"identityCode", identityCode},
            {"temporaryIdentityCode", temporary},
            {"homeMunicipality", "536"}};
}

nlohmann::json provenance(const std::string& id) {
    return {{"sourceMunicipality", "536"},
            {"sourceSystem", "effica"},
            {"sourceRecordId", id},
            {"input", "asiakastiedot.csv"},
            {"record", 4},
            {"transferId", 7},
            {"mapping", "nokia"},
            {"mappingVersion", "1"},
            {"contentHash", std::string(64, 'a')}};
}

FeedEntry entry(const nlohmann::json& record) {
    return {42, record.dump(), "2026-01-02T03:04:05.000000Z"};
}

nlohmann::json plan() {
    return {{"entity", "client_plan"},
            {"planId", "NOK-S1"},
            {"client", client("131052-308T", false)},
            {"serviceType", "supported_employment"},
            {"organiserMunicipality", "536"},
            {"coordinatingWorker", {{"name", "Liisa Laine"}, {"title", "sosiaaliohjaaja"}}},
            {"goals",
             {{{"text", "Löytää työkokeilupaikka"}, {"status", "achieved"}},
              {{"text", "Säännöllinen päivärytmi"}, {"status", "partly_achieved"}}}},
            {"drawnUpDate", "2021-02-01"},
            {"nextReviewDate", "2021-08-01"},
            {"provenance", provenance("NOK-S1")}};
}

TEST(FhirView, APermanentIdentityCodeIsTheNationalIdentifierWithTheMunicipalityExtension) {
    FhirView view(setup(), false);
    auto resources = view.resources(entry({{"entity", "client"},
                                           {"client", client("131052-308T", false)},
                                           {"provenance", provenance("131052-308T")}}));
    ASSERT_EQ(resources.size(), 1u);
    const auto& patient = resources[0];
    EXPECT_EQ(patient["resourceType"], "Patient");
    EXPECT_EQ(patient["id"], "c-0123456789abcdef0123456789abcdef");
    EXPECT_EQ(patient["meta"]["versionId"], "42");
    EXPECT_EQ(patient["meta"]["lastUpdated"], "2026-01-02T03:04:05.000000Z");
    EXPECT_EQ(patient["meta"]["source"],
              "https://gateway.example/fhir/source/536/effica#transfer-7");
    const auto& official = patient["identifier"][0];
    EXPECT_EQ(official["system"], "urn:oid:1.2.246.21");
    EXPECT_EQ(official["use"], "official");
    EXPECT_EQ(official["type"]["coding"][0]["code"], "NNFIN");
    EXPECT_EQ(official["value"], "131052-308T");
    const auto& home = patient["extension"][0];
    EXPECT_EQ(home["url"],
              "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code");
    EXPECT_EQ(home["valueCoding"]["system"], "urn:oid:1.2.246.537.6.21");
    EXPECT_EQ(home["valueCoding"]["code"], "536");
    EXPECT_EQ(home["valueCoding"]["display"], "Nokia");
}

TEST(FhirView, ATemporaryCodeNeverUsesTheNationalSystem) {
    FhirView view(setup(), false);
    auto patient = view.resources(entry({{"entity", "client"},
                                         {"client", client("010190-999K", true)},
                                         {"provenance", provenance("x")}}))[0];
    for (const auto& identifier : patient["identifier"]) {
        EXPECT_NE(identifier["system"], "urn:oid:1.2.246.21");
        EXPECT_FALSE(identifier.contains("type"));
    }
    EXPECT_EQ(patient["identifier"][0]["system"],
              "https://gateway.example/fhir/NamingSystem/temporary-identity-code");
    EXPECT_EQ(patient["identifier"][0]["use"], "temp");
}

TEST(FhirView, APlanBecomesACarePlanWithItsGoalsAndReferencesJoin) {
    FhirView view(setup(), false);
    auto resources = view.resources(entry(plan()));
    ASSERT_EQ(resources.size(), 3u);
    const auto& carePlan = resources[0];
    EXPECT_EQ(carePlan["resourceType"], "CarePlan");
    EXPECT_EQ(carePlan["author"]["display"], "Liisa Laine (sosiaaliohjaaja)");
    EXPECT_EQ(carePlan["created"], "2021-02-01");
    EXPECT_EQ(carePlan["goal"].size(), 2u);
    EXPECT_EQ(carePlan["goal"][0]["reference"], "Goal/" + resources[1]["id"].get<std::string>());
    EXPECT_EQ(resources[1]["description"]["text"], "Löytää työkokeilupaikka");
    EXPECT_EQ(resources[1]["lifecycleStatus"], "completed");
    EXPECT_EQ(resources[1]["achievementStatus"]["coding"][0]["code"], "achieved");
    EXPECT_EQ(resources[2]["achievementStatus"]["coding"][0]["code"], "partly_achieved")
        << "no HL7 achievement code says partly: the regional code alone";
    EXPECT_TRUE(
        std::regex_match(carePlan["id"].get<std::string>(), std::regex("[A-Za-z0-9.-]{1,64}")));
    EXPECT_EQ(carePlan["id"].get<std::string>().find("NOK-S1"), std::string::npos)
        << "a source's own id is never a resource id";

    // A placement refers to its episode by the episode's resource id.
    auto episode = view.resources(entry({{"entity", "service_episode"},
                                         {"episodeId", "NOK-J1"},
                                         {"client", client("131052-308T", false)},
                                         {"serviceType", "supported_employment"},
                                         {"organiserMunicipality", "536"},
                                         {"startDate", "2021-03-01"},
                                         {"provenance", provenance("NOK-J1")}}))[0];
    auto placement = view.resources(entry({{"entity", "work_placement"},
                                           {"placementId", "NOK-T1"},
                                           {"episodeId", "NOK-J1"},
                                           {"client", client("131052-308T", false)},
                                           {"organiserMunicipality", "536"},
                                           {"placementType", "paid_work"},
                                           {"startDate", "2021-04-01"},
                                           {"provenance", provenance("NOK-T1")}}))[0];
    EXPECT_EQ(placement["episodeOfCare"][0]["reference"],
              "EpisodeOfCare/" + episode["id"].get<std::string>());
    EXPECT_EQ(episode["status"], "active");
    EXPECT_EQ(carePlan["id"].get<std::string>().substr(0, 3), "cp-");
    EXPECT_EQ(placement["id"].get<std::string>().substr(0, 3), "wp-");
    EXPECT_EQ(episode["id"].get<std::string>().substr(0, 3), "ep-");
    EXPECT_EQ(placement["status"], "in-progress");
}

TEST(FhirView, ThePseudonymisedViewShowsWhatThePseudonymisedFeedShowsAndNothingMore) {
    FhirView full(setup(), false);
    FhirView pseudonymised(setup(), true);
    auto resources = pseudonymised.resources(entry(plan()));
    ASSERT_EQ(resources.size(), 3u);
    std::string text;
    for (const auto& resource : resources) text += resource.dump();
    for (const char* hidden : {"131052-308T", "Liisa Laine", "Löytää", "NOK-S1",
                               "c-0123456789abcdef0123456789abcdef", "asiakastiedot"})
        EXPECT_EQ(text.find(hidden), std::string::npos) << hidden;
    EXPECT_FALSE(resources[0].contains("identifier"));
    EXPECT_TRUE(resources[1]["description"].contains("extension")) << "goal text masked";
    EXPECT_EQ(resources[0]["subject"]["reference"].get<std::string>().substr(0, 10), "Patient/p-");
    EXPECT_NE(resources[0]["id"], full.resources(entry(plan()))[0]["id"])
        << "the two views' ids never meet";
}

TEST(FhirView, EachRegionalCodeSetIsACodeSystem) {
    FhirView view(setup(), false);
    const auto& systems = view.codeSystems();
    ASSERT_EQ(systems.size(), 8u);
    const auto& services = systems.at("service-type");
    EXPECT_EQ(services["url"], "https://gateway.example/fhir/CodeSystem/service-type");
    EXPECT_EQ(services["concept"].size(), services["count"].get<std::size_t>());
    EXPECT_THROW(FhirView({setup().pseudonymisedViewFile,
                           std::string(40, 'k'),
                           {},
                           setup().codeDirectory,
                           "https://gateway.example/fhir/"},
                          false),
                 ConfigError);
}

}  // namespace
}  // namespace gw
