// gatewayd killed in the middle of a large transfer, on each store backend, and several
// instances sharing one PostgreSQL database.
#include <gtest/gtest.h>

#include <csignal>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "gateway/store/sql_store.h"
#include "gateway/store/store_registry.h"
#include "process.h"
#include "tests/support/test_database.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

/// A large export made of a municipality's clean sample rows with unique ids
/// (bench/make-store-export.py), in `folder`.
std::string largeExport(const std::string& municipality, int rows, const std::string& folder) {
    std::string file = folder + "/" + municipality + "-large.csv";
    auto made = runProcess(
        "/usr/bin/env",
        {"python3", std::string(GATEWAY_SOURCE_DIR) + "/bench/make-store-export.py",
         std::string(GATEWAY_SOURCE_DIR) + "/samples/" + municipality, std::to_string(rows), file});
    if (made.exitCode != 0) throw std::runtime_error("make-store-export.py: " + made.err);
    return file;
}

nlohmann::json transfers(unsigned short port, const std::string& admin) {
    return nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
}

/// `gatewayctl reconcile --json` on a configuration: one JSON object per municipality.
std::vector<nlohmann::json> reconcile(const std::string& configFile, int& exitCode) {
    auto result = runProcess(GATEWAYCTL_PATH, {"reconcile", "--config", configFile, "--json"});
    exitCode = result.exitCode;
    std::vector<nlohmann::json> lines;
    std::istringstream out(result.out);
    std::string line;
    while (std::getline(out, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

Poco::Int64 countRows(const TestDatabase& database, const std::string& query) {
    auto store = builtinStores().open(database.backend(), database.connection());
    auto session = dynamic_cast<SqlStore&>(*store).session();
    Poco::Int64 n = 0;
    session << query, into(n), now;
    return n;
}

/// A store backend and the signal that stops gatewayd mid-transfer: SIGKILL (a crash) or
/// SIGTERM (an orderly stop, which commits at a record boundary).
class CrashSafety : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

INSTANTIATE_TEST_SUITE_P(BackendsAndSignals, CrashSafety,
                         ::testing::Combine(::testing::ValuesIn(storeBackends()),
                                            ::testing::Values(SIGKILL, SIGTERM)));

TEST_P(CrashSafety, AStoppedTransferLosesAndDuplicatesNothingAfterARestart) {
    const auto& [backend, signal] = GetParam();
    TestDatabase crashed(backend), clean(backend);
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)},
                                           {"logging.level", "information"},
                                           {"store.backend", crashed.backend()},
                                           {"store.connection", crashed.connection()}});
    std::string large = largeExport("nokia", 24000, workspace.folder());
    std::string config = workspace.writeConfig("gateway", {{"source.nokia.path", large}});
    std::string admin = workspace.addToken("admin", "transfers:admin");

    // Stopped once the transfer has committed some batches but not all.
    std::int64_t killed = 0;
    {
        RunningGateway gateway(config, port);
        ASSERT_TRUE(eventually([&] {
            auto list = transfers(port, admin);
            if (list.empty() || list[0]["state"] != "running") return false;
            killed = list[0]["id"];
            return list[0]["counts"]["read"].get<long>() >= 2000;
        })) << "the transfer never got going";
        int exitCode = gateway.stop(signal);
        if (signal == SIGTERM) {
            EXPECT_EQ(exitCode, 0) << "an orderly stop";
            EXPECT_NE(readFile(workspace.logFile())
                          .find(" W gateway.transfer: transfer " + std::to_string(killed)),
                      std::string::npos)
                << "a transfer cut off by a stop is a warning";
        }
    }

    // The restart (after a crash, marking the cut-off transfer) runs the source again.
    nlohmann::json list;
    {
        RunningGateway gateway(config, port);
        ASSERT_TRUE(eventually([&] {
            list = transfers(port, admin);
            return list.size() == 2 && list[0]["state"] == "succeeded";
        })) << list.dump();
        EXPECT_NE(http(port, "GET", "/metrics")
                      .body.find("gateway_transfers_interrupted_total{source=\"nokia\"} 1\n"),
                  std::string::npos);
    }
    const auto& interrupted = list[1];
    EXPECT_EQ(interrupted["id"], killed);
    EXPECT_EQ(interrupted["state"], "interrupted");
    long committed = interrupted["counts"]["read"];
    EXPECT_GT(committed, 0);
    EXPECT_LT(committed, 24000) << "killed before the end";
    const auto& resumed = list[0]["counts"];
    EXPECT_EQ(resumed["read"], 24000);

    int crashedExit = 0;
    auto afterCrash = reconcile(config, crashedExit);
    EXPECT_EQ(crashedExit, 0) << "every transfer adds up";

    // The same export stored by one uninterrupted run.
    std::string cleanConfig = workspace.writeConfig(
        "clean", {{"source.nokia.path", large},
                  {"store.connection", clean.connection()},
                  {"logging.file", workspace.folder() + "/var/log/clean.log"}});
    auto run = runProcess(GATEWAYD_PATH, {"--config", cleanConfig, "--run-once"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    int cleanExit = 0;
    auto uninterrupted = reconcile(cleanConfig, cleanExit);
    ASSERT_EQ(afterCrash.size(), 1u);
    ASSERT_EQ(uninterrupted.size(), 1u);
    EXPECT_EQ(afterCrash[0]["digest"], uninterrupted[0]["digest"]) << "nothing lost or changed";
    EXPECT_EQ(afterCrash[0]["currentRecords"], uninterrupted[0]["currentRecords"]);
    EXPECT_EQ(countRows(crashed, "SELECT COUNT(*) FROM records"),
              countRows(clean, "SELECT COUNT(*) FROM records"))
        << "no version stored twice";
    EXPECT_EQ(interrupted["counts"]["stored"].get<long>() + resumed["stored"].get<long>(),
              countRows(clean, "SELECT records_stored FROM transfers"))
        << "what the killed transfer committed is not stored again";
}

TEST(ScaleOut, TwoInstancesOnOnePostgresqlShareTheQueueAndRunEachTransferOnce) {
    TestDatabase database("postgresql");
    const std::vector<std::string> municipalities = {"ikaalinen", "tampere", "hameenkyro", "nokia"};
    unsigned short portA = freeLoopbackPort(), portB = freeLoopbackPort();
    GatewayWorkspace workspace(municipalities, {{"store.backend", database.backend()},
                                                {"store.connection", database.connection()},
                                                {"sources.runAtStart", "false"},
                                                {"transfers.workers", "1"},
                                                {"logging.level", "information"}});
    std::map<std::string, std::string> large;
    for (const auto& m : municipalities)
        large["source." + m + ".path"] = largeExport(m, 3000, workspace.folder());
    auto configFor = [&](const std::string& name, unsigned short port) {
        auto overrides = large;
        overrides["instance.name"] = name;
        overrides["http.port"] = std::to_string(port);
        overrides["logging.file"] = workspace.folder() + "/var/log/" + name + ".log";
        return workspace.writeConfig(name, overrides);
    };
    std::string configA = configFor("a", portA), configB = configFor("b", portB);
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string county = workspace.addToken("county", "feed:read");

    RunningGateway a(configA, portA), b(configB, portB);
    for (const auto& m : municipalities) {
        EXPECT_EQ(
            http(portA, "POST", "/v1/transfers", admin, R"({"source": ")" + m + R"("})").status,
            202);
    }
    nlohmann::json list;
    ASSERT_TRUE(eventually(
        [&] {
            list = transfers(portB, admin);
            if (list.size() != municipalities.size()) return false;
            for (const auto& t : list) {
                if (t["state"] != "succeeded") return false;
            }
            return true;
        },
        std::chrono::seconds(240)))
        << list.dump();

    std::set<std::string> sources, instances;
    for (const auto& t : list) {
        sources.insert(t["source"]);
        instances.insert(t["instance"]);
    }
    EXPECT_EQ(sources.size(), municipalities.size()) << "each source ran once";
    EXPECT_EQ(instances, (std::set<std::string>{"a", "b"})) << "both instances took work";

    // Read through one instance, the feeds hold every stored version once, in order.
    Poco::Int64 stored = countRows(database, "SELECT COUNT(*) FROM records");
    std::int64_t seen = 0;
    for (const char* entity :
         {"client", "service_episode", "work_placement", "client_plan", "feedback"}) {
        std::int64_t after = 0;
        for (;;) {
            auto page = http(
                portB, "GET",
                std::string("/v1/feeds/") + entity + "?limit=5000&after=" + std::to_string(after),
                county);
            ASSERT_EQ(page.status, 200);
            auto count = std::stoll(page.headers["X-Record-Count"]);
            if (count == 0) break;
            seen += count;
            after = std::stoll(page.headers["X-Next-Cursor"]);
        }
    }
    EXPECT_EQ(seen, stored);
    int exitCode = 0;
    reconcile(configA, exitCode);
    EXPECT_EQ(exitCode, 0);
}

}  // namespace
}  // namespace gw::test
