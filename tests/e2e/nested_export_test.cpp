// A client-per-record nested export through the whole daemon: every element stored, ids that
// stay the same when the export is delivered again, and a deep fault that keeps the whole
// client's record out with the element named.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "process.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

const char* const kMapping = R"({
  "mapping": "nested-api", "version": "1", "municipality": "536", "sourceSystem": "api",
  "input": {"format": "json", "records": "/data/clients"},
  "recordId": {"column": "/id"},
  "codeTables": {"services": {"file": "services.csv"}, "goal-statuses": {"file": "goals.csv"}},
  "entities": [
    {"entity": "client",
     "fields": {"client.identityCode": {"column": "/hetu", "personal": true, "transform": ["identity-code"]}}},
    {"entity": "service_episode", "each": {"array": "/jaksot"}, "recordId": {"column": "./id"},
     "fields": {"episodeId": {"column": "./id"},
                "client.identityCode": {"column": "/hetu", "personal": true, "transform": ["identity-code"]},
                "serviceType": {"column": "./palvelu", "transform": [{"lookup": "services"}]},
                "organiserMunicipality": {"constant": "${municipality}"},
                "startDate": {"column": "./alku", "transform": [{"date": "yyyy-mm-dd"}]}}},
    {"entity": "client_plan", "each": {"array": "/suunnitelmat"},
     "fields": {"planId": {"columns": ["/id", "./laadittu"], "separator": "/"},
                "client.identityCode": {"column": "/hetu", "personal": true, "transform": ["identity-code"]},
                "serviceType": {"constant": "rehabilitative_work_activity"},
                "organiserMunicipality": {"constant": "${municipality}"},
                "drawnUpDate": {"column": "./laadittu", "transform": [{"date": "yyyy-mm-dd"}]},
                "reviewIntervalMonths": {"constant": 6},
                "goals": {"each": {"array": "./tavoitteet"},
                          "fields": {"text": {"column": "./teksti", "personal": true},
                                     "status": {"column": "./tila", "transform": [{"lookup": "goal-statuses"}]}}}}}]})";

const char* const kExport = R"({"data": {"clients": [
  {"id": "C1", "hetu": "131052-308T",
   "jaksot": [{"id": "J1", "palvelu": "KTT", "alku": "2021-03-01"},
              {"id": "J2", "palvelu": "SK", "alku": "2022-01-10"}],
   "suunnitelmat": [{"laadittu": "2021-02-15",
                     "tavoitteet": [{"teksti": "Työkokeilu", "tila": "OK"},
                                    {"teksti": "Rytmi", "tila": "KESKEN"}]}]},
  {"id": "C2", "hetu": "010150-123A", "jaksot": [], "suunnitelmat": []},
  {"id": "C3", "hetu": "131052-308T",
   "jaksot": [{"id": "J3", "palvelu": "KTT", "alku": "2021-03-01"},
              {"id": "J4", "palvelu": "KTT", "alku": "2021-03-01"},
              {"id": "J5", "palvelu": "KTT", "alku": "2021-02-31"}]}]}})";

TEST(NestedExport, EveryElementIsStoredIdsHoldOnRedeliveryAndADeepFaultNamesItsElement) {
    Poco::Data::SQLite::Connector::registerConnector();
    GatewayWorkspace workspace({"nokia"});
    std::string folder = workspace.folder();
    std::ofstream(folder + "/nested.json") << kMapping;
    std::ofstream(folder + "/services.csv")
        << "local;regional\nKTT;rehabilitative_work_activity\nSK;social_rehabilitation\n";
    std::ofstream(folder + "/goals.csv") << "local;regional\nOK;achieved\nKESKEN;in_progress\n";
    std::ofstream(folder + "/clients.json") << kExport;
    std::string config =
        workspace.writeConfig("nested", {{"source.nokia.mapping", folder + "/nested.json"},
                                         {"source.nokia.path", folder + "/clients.json"}});

    auto run = runProcess(GATEWAYD_PATH, {"--config", config, "--run-once"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    Poco::Data::Session session("SQLite", workspace.database());
    auto count = [&](const std::string& sql) {
        long n = 0;
        session << sql, into(n), now;
        return n;
    };
    EXPECT_EQ(count("SELECT records_read FROM transfers"), 3);
    EXPECT_EQ(count("SELECT records_stored FROM transfers"), 2);
    EXPECT_EQ(count("SELECT records_rejected FROM transfers"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE entity = 'service_episode'"), 2)
        << "C3's episodes are kept out with its fault: all or nothing";
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE entity = 'client'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE entity = 'client_plan'"), 1);
    std::string field, rule;
    session << "SELECT field, rule FROM quarantine", into(field), into(rule), now;
    EXPECT_EQ(field, "/jaksot/2/alku");
    EXPECT_EQ(rule, "map.date");
    std::string plan;
    session << "SELECT body FROM records WHERE entity = 'client_plan'", into(plan), now;
    EXPECT_EQ(nlohmann::json::parse(plan)["goals"].size(), 2u);
    std::string planKey;
    session << "SELECT source_record_id FROM records WHERE entity = 'client_plan'", into(planKey),
        now;
    EXPECT_EQ(planKey, "C1/suunnitelmat/0");

    // The same export again: every record is found under the id it had.
    run = runProcess(GATEWAYD_PATH, {"--config", config, "--run-once"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_EQ(count("SELECT records_stored FROM transfers WHERE id = 2"), 0);
    EXPECT_EQ(count("SELECT records_unchanged FROM transfers WHERE id = 2"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 5) << "no second version of anything";
}

}  // namespace
}  // namespace gw::test
