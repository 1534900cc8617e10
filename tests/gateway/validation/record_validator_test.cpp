#include "gateway/validation/record_validator.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "gateway/core/errors.h"
#include "gateway/core/schema_validator.h"
#include "gateway/validation/code_set.h"
#include "gateway/validation/rules.h"

namespace gw {
namespace {

const std::string kSchemas = std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1";

nlohmann::json client() {
    return {{"clientId", "c-" + std::string(32, 'a')},
            {"identityCode", "010594Y9021"},
            {"temporaryIdentityCode", true},
            {"homeMunicipality", "536"}};
}

nlohmann::json provenance() {
    return {{"sourceMunicipality", "536"},
            {"sourceSystem", "effica"},
            {"sourceRecordId", "E1"},
            {"input", "x.csv"},
            {"line", 2},
            {"record", 1},
            {"transferId", 1},
            {"mapping", "nokia"},
            {"mappingVersion", "1"},
            {"contentHash", std::string(64, 'a')}};
}

RegionalRecord make(const std::string& entity, nlohmann::json body) {
    body["entity"] = entity;
    body["provenance"] = provenance();
    return {entity, "E1", RecordBody::fromJson(body)};
}

RegionalRecord episode() {
    return make("service_episode",
                {{"episodeId", "E1"},
                 {"client", client()},
                 {"serviceType", "social_rehabilitation"},
                 {"organiserMunicipality", "536"},
                 {"organiserUnit", "adult_social_work"},
                 {"producer", {{"name", "Toimintakeskus"}, {"type", "own_production"}}},
                 {"referralSource", "kela"},
                 {"startDate", "2021-03-01"},
                 {"endDate", "2021-06-15"},
                 {"goalsSet", true},
                 {"feedbackWritten", false}});
}

RegionalRecord placement() {
    return make("work_placement", {{"placementId", "P1"},
                                   {"episodeId", "E1"},
                                   {"client", client()},
                                   {"organiserMunicipality", "536"},
                                   {"placementType", "open_work_activity"},
                                   {"startDate", "2021-04-01"},
                                   {"endDate", "2021-05-01"}});
}

RegionalRecord plan() {
    return make("client_plan", {{"planId", "S1"},
                                {"client", client()},
                                {"serviceType", "social_rehabilitation"},
                                {"organiserMunicipality", "536"},
                                {"coordinatingWorker", {{"name", "Anna Virtanen"}}},
                                {"producerWorker", {{"name", "Kari Nieminen"}}},
                                {"goals", {{{"text", "Arjen rytmi"}, {"status", "in_progress"}}}},
                                {"drawnUpDate", "2021-02-15"},
                                {"lastReviewDate", "2021-08-15"},
                                {"reviewIntervalMonths", 6}});
}

RegionalRecord feedback() {
    return make("feedback", {{"feedbackId", "F1"},
                             {"episodeId", "E1"},
                             {"client", client()},
                             {"organiserMunicipality", "536"},
                             {"date", "2021-06-15"},
                             {"followUp", "employment"}});
}

class RecordValidatorTest : public ::testing::Test {
  protected:
    std::optional<Fault> check(RegionalRecord record,
                               const std::function<void(nlohmann::json&)>& change,
                               std::vector<RegionalRecord> others = {}) {
        nlohmann::json body = record.body.toJson();
        change(body);
        record.body = RecordBody::fromJson(body);
        others.push_back(record);
        return validator_.validate(record, others);
    }

    static void unchanged(nlohmann::json&) {}

    RecordValidator validator_{kSchemas};
};

TEST_F(RecordValidatorTest, AcceptsAValidRecordOfEveryEntity) {
    for (const auto& record :
         {episode(), placement(), plan(), feedback(), make("client", {{"client", client()}})}) {
        auto fault = validator_.validate(record, {record});
        EXPECT_FALSE(fault) << record.entity << ": " << fault->rule << " " << fault->field << " "
                            << fault->message;
    }
}

TEST_F(RecordValidatorTest, EachIdentityCodeRuleRejectsWithItsId) {
    auto control = check(episode(), [](auto& b) { b["client"]["identityCode"] = "131052-308U"; });
    ASSERT_TRUE(control);
    EXPECT_EQ(control->rule, "identity-code.control");
    EXPECT_EQ(control->field, "client.identityCode");
    EXPECT_EQ(control->message.find("308U"), std::string::npos) << "the code must be masked";

    auto date = check(placement(), [](auto& b) { b["client"]["identityCode"] = "290201A234H"; });
    ASSERT_TRUE(date);
    EXPECT_EQ(date->rule, "identity-code.date");

    for (const char* malformed : {"131052-000T", "131052G308T", "13105"}) {
        auto format = check(plan(), [&](auto& b) { b["client"]["identityCode"] = malformed; });
        ASSERT_TRUE(format) << malformed;
        EXPECT_EQ(format->rule, "identity-code.format") << malformed;
    }
}

TEST_F(RecordValidatorTest, AnEpisodeMayNotEndBeforeItStarts) {
    auto fault = check(episode(), [](auto& b) { b["endDate"] = "2021-02-28"; });
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "episode.end-before-start");
    EXPECT_FALSE(check(episode(), [](auto& b) { b["endDate"] = "2021-03-01"; }))
        << "one-day episodes are fine";
}

TEST_F(RecordValidatorTest, APlacementMayNotEndBeforeItStarts) {
    auto fault = check(placement(), [](auto& b) { b["endDate"] = "2021-03-31"; });
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "placement.end-before-start");
}

TEST_F(RecordValidatorTest, APlacementLiesInsideItsEpisodeFromTheSameSourceRecord) {
    auto early = check(placement(), [](auto& b) { b["startDate"] = "2021-02-01"; }, {episode()});
    ASSERT_TRUE(early);
    EXPECT_EQ(early->rule, "placement.outside-episode");
    auto late = check(placement(), [](auto& b) { b.erase("endDate"); }, {episode()});
    ASSERT_TRUE(late) << "an open placement outlasts an ended episode";
    EXPECT_EQ(late->rule, "placement.outside-episode");
    EXPECT_FALSE(check(placement(), unchanged, {episode()}));
    EXPECT_FALSE(check(placement(), [](auto& b) { b["startDate"] = "2021-02-01"; }))
        << "without its episode at hand the placement cannot be placed";
}

TEST_F(RecordValidatorTest, APlanIsNotReviewedBeforeItWasDrawnUp) {
    auto reviewed = check(plan(), [](auto& b) { b["lastReviewDate"] = "2021-01-01"; });
    ASSERT_TRUE(reviewed);
    EXPECT_EQ(reviewed->rule, "plan.review-dates");
    auto due = check(plan(), [](auto& b) { b["nextReviewDate"] = "2020-12-01"; });
    ASSERT_TRUE(due);
    EXPECT_EQ(due->rule, "plan.review-dates");
}

TEST_F(RecordValidatorTest, APlanNeedsANextReviewDateOrAnInterval) {
    auto fault = check(plan(), [](auto& b) { b.erase("reviewIntervalMonths"); });
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "schema");
    EXPECT_FALSE(check(plan(), [](auto& b) {
        b.erase("reviewIntervalMonths");
        b["nextReviewDate"] = "2022-02-15";
    }));
}

TEST_F(RecordValidatorTest, SchemaViolationsNameTheField) {
    auto unknownService = check(episode(), [](auto& b) { b["serviceType"] = "day_activity"; });
    ASSERT_TRUE(unknownService);
    EXPECT_EQ(unknownService->rule, "schema");
    EXPECT_EQ(unknownService->field, "serviceType");

    auto goal = check(plan(), [](auto& b) { b["goals"][0]["status"] = "done"; });
    ASSERT_TRUE(goal);
    EXPECT_EQ(goal->field, "goals.0.status");

    EXPECT_TRUE(check(episode(), [](auto& b) { b.erase("startDate"); }));
    EXPECT_TRUE(check(episode(), [](auto& b) { b["clientName"] = "Matti"; }))
        << "no personal data the schema does not define";
    EXPECT_TRUE(check(feedback(), [](auto& b) { b.erase("provenance"); }));
    EXPECT_TRUE(check(placement(), [](auto& b) { b["client"].erase("clientId"); }));
}

TEST_F(RecordValidatorTest, AnUnknownEntityIsRejected) {
    RegionalRecord record = episode();
    record.entity = "pet";
    auto fault = validator_.validate(record, {record});
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "schema.entity");
}

TEST(RuleSet, EveryRuleHasADistinctIdAndADescription) {
    std::set<std::string> ids;
    for (const auto& rule : regionalRules()) {
        EXPECT_FALSE(rule.description.empty());
        EXPECT_TRUE(ids.insert(rule.id).second) << rule.id;
    }
}

// Calls `visit` with every object of every regional schema file, and where it is.
void forEveryNodeOfTheSchemas(
    const std::function<void(const nlohmann::json& node, const std::string& where)>& visit) {
    std::function<void(const nlohmann::json&, const std::string&)> walk =
        [&](const nlohmann::json& node, const std::string& where) {
            if (node.is_object()) {
                visit(node, where);
                for (const auto& [key, value] : node.items()) walk(value, where + "/" + key);
            } else if (node.is_array()) {
                for (const auto& value : node) walk(value, where);
            }
        };
    for (const char* file :
         {"common", "client", "service-episode", "work-placement", "client-plan", "feedback"})
        walk(readJsonFile(kSchemas + "/" + file + ".schema.json"), file);
}

// Every coded property of the schemas names its code set ("x-codeSet"), and its enum holds
// exactly the codes of that set's data file.
TEST(RegionalSchema, CodedFieldsAgreeWithTheCodeSetFiles) {
    int found = 0;
    forEveryNodeOfTheSchemas([&](const nlohmann::json& node, const std::string& where) {
        if (!node.contains("x-codeSet")) return;
        ++found;
        CodeSet set = CodeSet::load(kSchemas + "/codes", node["x-codeSet"].get<std::string>());
        std::vector<std::string> codes;
        for (const auto& code : set.codes()) codes.push_back(code.code);
        EXPECT_EQ(node.at("enum").get<std::vector<std::string>>(), codes) << where;
    });
    EXPECT_GE(found, 8);
}

// Every string the schemas allow has a bounded length, so that no record, and no page of a feed,
// can grow without bound.
TEST(RegionalSchema, EveryStringHasAMaximumLength) {
    int found = 0;
    forEveryNodeOfTheSchemas([&](const nlohmann::json& node, const std::string& where) {
        auto type = node.find("type");  // also a property's name ("producer.type")
        if (type == node.end() || *type != "string") return;
        ++found;
        EXPECT_TRUE(node.contains("maxLength")) << where;
    });
    EXPECT_GE(found, 20);
}

TEST_F(RecordValidatorTest, AStringLongerThanItsMaximumIsRejected) {
    auto longGoal =
        check(plan(), [](auto& b) { b["goals"][0]["text"] = std::string(1 << 20, 'a'); });
    ASSERT_TRUE(longGoal);
    EXPECT_EQ(longGoal->field, "goals.0.text");
    EXPECT_TRUE(check(episode(), [](auto& b) { b["episodeId"] = std::string(129, 'e'); }));
    EXPECT_FALSE(check(plan(), [](auto& b) { b["goals"][0]["text"] = std::string(2000, 'a'); }));
}

TEST(RegionalSchema, EveryCodeHasBothLabels) {
    for (const char* name : {"service-type", "producer-type", "referral-source", "placement-type",
                             "goal-status", "follow-up", "organiser-unit", "municipality"}) {
        CodeSet set = CodeSet::load(kSchemas + "/codes", name);
        for (const auto& code : set.codes()) {
            EXPECT_FALSE(code.finnish.empty() || code.english.empty()) << name << " " << code.code;
        }
    }
}

TEST(RecordValidatorSetUp, AMissingSchemaFolderIsAConfigurationError) {
    EXPECT_THROW(RecordValidator("/nonexistent/schemas"), ConfigError);
}

}  // namespace
}  // namespace gw
