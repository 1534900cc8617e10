#include "gateway/feeds/pseudonymised/pseudonymiser.h"

#include <gtest/gtest.h>

#include "gateway/core/errors.h"

namespace gw {
namespace {

const std::string kView = std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/pseudonymised-view.json";
const std::vector<std::string> kEntities = {"client", "client_plan", "feedback", "service_episode",
                                            "work_placement"};

nlohmann::json episode(const std::string& municipality, const std::string& episodeId) {
    return {{"entity", "service_episode"},
            {"episodeId", episodeId},
            {"client",
             {{"clientId", "c-0123456789abcdef0123456789abcdef"},
              {"identityCode", "131052-308T"},
              {"temporaryIdentityCode", false},
              {"homeMunicipality", municipality}}},
            {"serviceType", "supported_employment"},
            {"producer", {{"name", "Työpaja Oy"}, {"type", "private_provider"}}},
            {"startDate", "2021-03-01"},
            {"aColumnNobodyNamed", "131052-308T"},
            {"provenance",
             {{"sourceMunicipality", municipality},
              {"sourceSystem", "effica"},
              {"sourceRecordId", episodeId},
              {"input", "asiakastiedot-131052-308T.csv"},
              {"line", 12},
              {"record", 11},
              {"transferId", 3},
              {"contentHash", std::string(64, 'a')}}}};
}

TEST(Pseudonymiser, ShowsOnlyWhatTheViewNames) {
    Pseudonymiser view(kView, std::string(40, 'k'), kEntities);
    nlohmann::json shown = view.apply(episode("536", "NOK-J000001"));
    EXPECT_EQ(shown["serviceType"], "supported_employment");
    EXPECT_EQ(shown["startDate"], "2021-03-01");
    EXPECT_EQ(shown["producer"], nlohmann::json({{"type", "private_provider"}}));
    EXPECT_FALSE(shown.contains("aColumnNobodyNamed")) << "a field the view does not name";
    EXPECT_FALSE(shown["client"].contains("identityCode"));
    EXPECT_FALSE(shown["client"].contains("clientId"));
    for (const char* dropped : {"input", "line", "record", "contentHash"})
        EXPECT_FALSE(shown["provenance"].contains(dropped)) << dropped;
    EXPECT_EQ(shown["provenance"]["transferId"], 3);
}

TEST(Pseudonymiser, IdsBecomeKeyedPseudonymsThatStillJoin) {
    Pseudonymiser view(kView, std::string(40, 'k'), kEntities);
    nlohmann::json nokia = view.apply(episode("536", "J1"));
    nlohmann::json placement = {
        {"entity", "work_placement"},
        {"placementId", "P1"},
        {"episodeId", "J1"},
        {"provenance", {{"sourceMunicipality", "536"}, {"sourceSystem", "effica"}}}};
    EXPECT_EQ(view.apply(placement)["episodeId"], nokia["episodeId"]) << "a placement joins";
    EXPECT_EQ(nokia["provenance"]["sourceRecordId"], nokia["episodeId"]);
    std::string pseudonym = nokia["client"]["pseudonym"];
    EXPECT_EQ(pseudonym.rfind("p-", 0), 0u);
    EXPECT_EQ(pseudonym.size(), 34u);
    nlohmann::json tampere = view.apply(episode("837", "J1"));
    EXPECT_EQ(tampere["client"]["pseudonym"], pseudonym) << "one person, one pseudonym";
    EXPECT_NE(tampere["episodeId"], nokia["episodeId"]) << "two sources' ids never meet";
    Pseudonymiser otherKey(kView, std::string(40, 'q'), kEntities);
    EXPECT_NE(otherKey.apply(episode("536", "J1"))["client"]["pseudonym"], pseudonym);
}

TEST(Pseudonymiser, AValueShapedLikeAnIdentityCodeIsNeverShown) {
    Pseudonymiser view(kView, std::string(40, 'k'), kEntities);
    nlohmann::json record = episode("536", "J1");
    record["startDate"] = "131052-308T";  // kept by the view, and no date
    EXPECT_THROW(view.apply(record), PersonalDataLeak);
    record["startDate"] = "131052 - 308t";
    EXPECT_THROW(view.apply(record), PersonalDataLeak);
    record["startDate"] = "131052308t";
    EXPECT_THROW(view.apply(record), PersonalDataLeak);
    record["entity"] = "no_such_entity";
    EXPECT_THROW(view.apply(record), PersonalDataLeak);
}

TEST(Pseudonymiser, AViewMissingAnEntityIsRefusedAtStart) {
    EXPECT_THROW(Pseudonymiser(kView, std::string(40, 'k'), {"client", "invoice"}), ConfigError);
    EXPECT_THROW(Pseudonymiser(kView, "short", kEntities), ConfigError);
}

}  // namespace
}  // namespace gw
