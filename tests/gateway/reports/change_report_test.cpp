#include "gateway/reports/change_report.h"

#include <gtest/gtest.h>

#include <sstream>

namespace gw {
namespace {

const std::string kSchemas = std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1";

TEST(CodeSetFields, AreReadFromTheSchemasThroughReferencesAndArrays) {
    auto fields = codeSetFields(kSchemas);
    EXPECT_TRUE(fields["service_episode"].count("serviceType"));
    EXPECT_TRUE(fields["service_episode"].count("producer/type")) << "through common.schema.json";
    EXPECT_TRUE(fields["client_plan"].count("goals/*/status")) << "inside an array";
    EXPECT_FALSE(fields["service_episode"].count("episodeId"));
    EXPECT_FALSE(fields["client"].count("client/identityCode"));
}

nlohmann::json plan(const std::string& code, std::vector<std::string> statuses) {
    nlohmann::json goals = nlohmann::json::array();
    for (const auto& status : statuses)
        goals.push_back({{"text", "Työkokeilu"}, {"status", status}});
    return {{"entity", "client_plan"},
            {"client", {{"identityCode", code}}},
            {"goals", goals},
            {"provenance", {{"transferId", code}}}};
}

TEST(ChangeReport, CountsChangedFieldsWithTransitionsOfCodesOnly) {
    ChangeReport report({{"reprocessOf", 1}}, codeSetFields(kSchemas));
    report.compare("client_plan", plan("010190-999K", {"in_progress", "in_progress"}),
                   plan("010190Y999K", {"achieved", "in_progress", "in_progress"}));
    report.compare("client_plan", plan("131052-308T", {"in_progress"}),
                   plan("131052-308T", {"achieved"}));
    report.count(ChangeReport::Outcome::Changed);
    report.count(ChangeReport::Outcome::Changed);
    report.countRejected({Stage::Map, "map.date", "ALKU", "", {}}, true);
    auto json = report.toJson();
    EXPECT_EQ(json["sourceRecords"]["changed"], 2);
    EXPECT_EQ(json["sourceRecords"]["stillRejected"], 1);
    EXPECT_EQ(json["sourceRecords"]["newlyStored"], 0);
    EXPECT_EQ(json["changedFields"], nlohmann::json::parse(R"json([
        {"entity": "client_plan", "field": "client/identityCode", "records": 1},
        {"entity": "client_plan", "field": "goals/*/status", "records": 2, "transitions": [
            {"from": "(none)", "to": "in_progress", "records": 1},
            {"from": "in_progress", "to": "achieved", "records": 2}]},
        {"entity": "client_plan", "field": "goals/*/text", "records": 1}])json"))
        << "the provenance is not compared; an identity code is counted, never shown";
    std::ostringstream text;
    json.merge_patch(
        {{"source", "nokia"}, {"input", "a.json"}, {"mapping", {{"name", "m"}, {"after", "2"}}}});
    printChangeReport(json, text);
    EXPECT_EQ(text.str().find("999K"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("in_progress \u2192 achieved, 2"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("version not recorded before, 2 now"), std::string::npos);
}

}  // namespace
}  // namespace gw
