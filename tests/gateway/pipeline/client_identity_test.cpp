#include "gateway/pipeline/client_identity.h"

#include <gtest/gtest.h>

#include "gateway/core/sha256.h"

namespace gw {
namespace {

const RegionalKeys kKeys(std::string(64, '7'));

RegionalRecord withCode(const std::string& entity, const std::string& code) {
    return {entity, "row-1",
            RecordBody::fromJson({{"entity", entity}, {"client", {{"identityCode", code}}}})};
}

std::string idOf(const ClientIdentity& identity, const std::string& code,
                 const std::string& municipality, const std::string& system = "effica") {
    RegionalRecord record = withCode("service_episode", code);
    identity.assign(record, municipality, system);
    return record.body.toJson()["client"].value("clientId", "");
}

TEST(ClientIdentity, OnePersonHasOneIdInEveryMunicipality) {
    ClientIdentity production(false, kKeys);
    std::string nokia = idOf(production, "131052-308T", "536");
    EXPECT_EQ(nokia.size(), 34u);
    EXPECT_EQ(nokia.rfind("c-", 0), 0u);
    EXPECT_EQ(idOf(production, "131052-308T", "837", "pro-consona"), nokia);
    EXPECT_EQ(idOf(production, "131052-308t", "837"), nokia) << "lower case is the same code";
    EXPECT_NE(idOf(production, "100105A123H", "536"), nokia);
}

TEST(ClientIdentity, TwoCodesThatDifferOnlyInTheCenturySignAreTwoPeople) {
    // Since 2023 the sign tells people apart (shared/domain/identity-code.md).
    ClientIdentity production(false, kKeys);
    EXPECT_NE(idOf(production, "131052Y308T", "536"), idOf(production, "131052-308T", "536"));
    EXPECT_NE(idOf(production, "010123B002E", "536"), idOf(production, "010123A002E", "536"));
    ClientIdentity demo(true, kKeys);
    EXPECT_NE(idOf(demo, "010594Y9021", "536"), idOf(demo, "010594-9021", "536"));
}

TEST(ClientIdentity, TheIdIsKeyedSoThatNobodyWithoutTheKeyCanTestACodeAgainstIt) {
    ClientIdentity production(false, kKeys);
    std::string id = idOf(production, "131052-308T", "536");
    for (const char* preimage :
         {"131052-308T", "fi-identity-code:131052-308T", "fi-identity-code:131052-308T\n"}) {
        EXPECT_NE(id, "c-" + sha256Hex(preimage).substr(0, 32)) << preimage;
    }
    RegionalKeys otherKeys(std::string(64, '8'));
    ClientIdentity other(false, otherKeys);
    EXPECT_NE(idOf(other, "131052-308T", "536"), id) << "another key, another id";
}

TEST(ClientIdentity, TemporaryCodesAreFlaggedAndNeverMergedAcrossSources) {
    ClientIdentity production(false, kKeys);
    RegionalRecord record = withCode("work_placement", "010594Y9021");
    production.assign(record, "536", "effica");
    EXPECT_EQ(record.body.toJson()["client"]["temporaryIdentityCode"], true);
    EXPECT_NE(idOf(production, "010594Y9021", "536"), idOf(production, "010594Y9021", "837"));
    EXPECT_NE(idOf(production, "010594Y9021", "536", "effica"),
              idOf(production, "010594Y9021", "536", "pro-consona"));
    EXPECT_EQ(idOf(production, "010594Y9021", "536"), idOf(production, "010594Y9021", "536"))
        << "within one source the same temporary code is the same client";

    ClientIdentity demo(true, kKeys);
    EXPECT_EQ(idOf(demo, "010594Y9021", "536"), idOf(demo, "010594Y9021", "837"));
    EXPECT_NE(idOf(demo, "010594Y9021", "536"), idOf(production, "010594Y9021", "536"));
}

TEST(ClientIdentity, AnInvalidCodeGetsNoIdAndIsLeftForTheRules) {
    ClientIdentity production(false, kKeys);
    RegionalRecord record = withCode("service_episode", "131052-308U");
    production.assign(record, "536", "effica");
    EXPECT_FALSE(record.body.toJson()["client"].contains("clientId"));
    EXPECT_FALSE(record.body.toJson()["client"].contains("temporaryIdentityCode"));
}

TEST(ClientIdentity, AClientRecordIsKeyedByItsRegionalId) {
    ClientIdentity production(false, kKeys);
    RegionalRecord client = withCode("client", "131052-308T");
    production.assign(client, "536", "effica");
    EXPECT_EQ(client.sourceRecordId, client.body.toJson()["client"]["clientId"]);
    RegionalRecord episode = withCode("service_episode", "131052-308T");
    production.assign(episode, "536", "effica");
    EXPECT_EQ(episode.sourceRecordId, "row-1");
}

}  // namespace
}  // namespace gw
