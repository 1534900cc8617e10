#include "gateway/validation/record_validator.h"

#include <gtest/gtest.h>

#include "gateway/core/errors.h"
#include "gateway/validation/rules.h"

namespace gw {
namespace {

class RecordValidatorTest : public ::testing::Test {
  protected:
    static RegionalRecord episode() {
        nlohmann::json body = {
            {"entity", "service_episode"},
            {"episodeId", "E1"},
            {"client", {{"identityCode", "010594Y9021"}, {"homeMunicipality", "536"}}},
            {"serviceType", "social_rehabilitation"},
            {"organiserMunicipality", "536"},
            {"producer", {{"name", "Toimintakeskus"}, {"type", "own_production"}}},
            {"referralSource", "kela"},
            {"startDate", "2021-03-01"},
            {"endDate", "2021-06-15"},
            {"goalsSet", true},
            {"feedbackWritten", false},
            {"provenance",
             {{"sourceMunicipality", "536"},
              {"sourceSystem", "effica"},
              {"sourceRecordId", "E1"},
              {"input", "x.csv"},
              {"line", 2},
              {"record", 1},
              {"transferId", 1},
              {"mapping", "nokia"},
              {"mappingVersion", "1"},
              {"contentHash", std::string(64, 'a')}}}};
        return {"service_episode", "E1", body};
    }

    std::optional<Fault> validateWith(const std::function<void(nlohmann::json&)>& change) {
        RegionalRecord record = episode();
        change(record.body);
        return validator_.validate(record);
    }

    RecordValidator validator_{std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1"};
};

TEST_F(RecordValidatorTest, AcceptsAValidEpisode) {
    auto fault = validator_.validate(episode());
    EXPECT_FALSE(fault) << fault->rule << " " << fault->field << " " << fault->message;
}

TEST_F(RecordValidatorTest, EachIdentityCodeRuleRejectsWithItsId) {
    auto control = validateWith([](auto& b) { b["client"]["identityCode"] = "131052-308U"; });
    ASSERT_TRUE(control);
    EXPECT_EQ(control->rule, "identity-code.control");
    EXPECT_EQ(control->field, "client.identityCode");
    EXPECT_EQ(control->message.find("308U"), std::string::npos) << "the code must be masked";

    auto date = validateWith([](auto& b) { b["client"]["identityCode"] = "290201A234H"; });
    ASSERT_TRUE(date);
    EXPECT_EQ(date->rule, "identity-code.date");

    auto format = validateWith([](auto& b) { b["client"]["identityCode"] = "131052-000T"; });
    ASSERT_TRUE(format);
    EXPECT_EQ(format->rule, "identity-code.format");
}

TEST_F(RecordValidatorTest, TheSchemaRejectsAMalformedIdentityCodeBeforeTheRules) {
    auto fault = validateWith([](auto& b) { b["client"]["identityCode"] = "131052G308T"; });
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "schema");
    EXPECT_EQ(fault->field, "client.identityCode");
}

TEST_F(RecordValidatorTest, AnEpisodeMayNotEndBeforeItStarts) {
    auto fault = validateWith([](auto& b) { b["endDate"] = "2021-02-28"; });
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->rule, "episode.end-before-start");
    EXPECT_FALSE(validateWith([](auto& b) { b["endDate"] = "2021-03-01"; }))
        << "one-day episodes are fine";
}

TEST_F(RecordValidatorTest, SchemaViolationsNameTheField) {
    auto unknownService = validateWith([](auto& b) { b["serviceType"] = "day_activity"; });
    ASSERT_TRUE(unknownService);
    EXPECT_EQ(unknownService->rule, "schema");
    EXPECT_EQ(unknownService->field, "serviceType");

    auto missing = validateWith([](auto& b) { b.erase("startDate"); });
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->rule, "schema");

    auto extra = validateWith([](auto& b) { b["clientName"] = "Matti"; });
    ASSERT_TRUE(extra) << "no personal data the schema does not define";

    auto noProvenance = validateWith([](auto& b) { b.erase("provenance"); });
    ASSERT_TRUE(noProvenance);
}

TEST_F(RecordValidatorTest, AnUnknownEntityIsRejected) {
    RegionalRecord record = episode();
    record.entity = "pet";
    auto fault = validator_.validate(record);
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

TEST(RecordValidatorSetUp, AMissingSchemaFolderIsAConfigurationError) {
    EXPECT_THROW(RecordValidator("/nonexistent/schemas"), ConfigError);
}

}  // namespace
}  // namespace gw
