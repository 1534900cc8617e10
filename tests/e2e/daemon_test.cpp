// gatewayd as a daemon in the foreground: serves its API, runs its source, stops cleanly on
// SIGTERM.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>

#include "process.h"

namespace gw::test {
namespace {

HttpReply httpGet(unsigned short port, const std::string& path, const std::string& token = "") {
    return http(port, "GET", path, token);
}

TEST(Daemon, ServesHealthAndTransfersAndStopsOnSigterm) {
    const std::string sample = sampleExport("nokia");
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace(
        {"nokia"}, {{"http.port", std::to_string(port)}, {"logging.level", "information"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    Poco::ProcessHandle daemon =
        Poco::Process::launch(GATEWAYD_PATH, {"--config", workspace.configFile()});

    ASSERT_TRUE(eventually([&] { return httpGet(port, "/readyz").status == 200; }))
        << "never became ready";
    EXPECT_EQ(httpGet(port, "/healthz").status, 200);

    nlohmann::json transfer;
    ASSERT_TRUE(eventually([&] {
        auto list = nlohmann::json::parse(httpGet(port, "/v1/transfers", admin).body);
        if (list["transfers"].empty()) return false;
        transfer = list["transfers"][0];
        return transfer["state"] != "running" && transfer["state"] != "queued";
    }));
    EXPECT_EQ(transfer["state"], "succeeded");
    const auto& counts = transfer["counts"];
    EXPECT_EQ(counts["read"].get<long>(), sampleRows(sample));
    EXPECT_EQ(counts["read"], counts["stored"].get<long>() + counts["unchanged"].get<long>() +
                                  counts["rejected"].get<long>());

    auto one = httpGet(port, "/v1/transfers/" + std::to_string(transfer["id"].get<long>()), admin);
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(nlohmann::json::parse(one.body)["id"], transfer["id"]);
    auto missing = httpGet(port, "/v1/transfers/424242", admin);
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(nlohmann::json::parse(missing.body).contains("error"));
    EXPECT_EQ(httpGet(port, "/no/such/thing").status, 404);
    EXPECT_EQ(httpGet(port, "/v1/transfers").status, 401) << "no token";
    EXPECT_EQ(httpGet(port, "/v1/no/such/thing").status, 401) << "no token, nothing revealed";
    EXPECT_EQ(httpGet(port, "/v1/transfers", "not-a-token").status, 401);

    // /metrics as Prometheus's own tool reads it.
    auto metrics = httpGet(port, "/metrics");
    ASSERT_EQ(metrics.status, 200);
    std::ofstream(workspace.folder() + "/metrics.txt") << metrics.body;
    auto linted = runProcess(
        "/bin/sh", {"-c", "promtool check metrics < " + workspace.folder() + "/metrics.txt 2>&1"});
    EXPECT_EQ(linted.exitCode, 0) << linted.out;
    EXPECT_EQ(linted.out, "") << "no lint problem";
    for (const char* series :
         {"gateway_transfer_duration_seconds_count{source=\"nokia\"} 1",
          "gateway_build_info{version=", "process_resident_memory_bytes ", "process_open_fds ",
          "process_cpu_seconds_total ", "process_start_time_seconds "})
        EXPECT_NE(metrics.body.find(series), std::string::npos) << series;

    // gatewayctl's client verbs against the running daemon.
    std::string tokenFile = workspace.folder() + "/admin-token";
    std::ofstream(tokenFile) << admin << "\n";
    const std::string url = "http://127.0.0.1:" + std::to_string(port);
    auto ctl = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.end(), {"--url", url, "--token-file", tokenFile});
        return runProcess(GATEWAYCTL_PATH, arguments);
    };
    auto ran = ctl({"transfer", "run", "nokia", "--wait"});
    EXPECT_EQ(ran.exitCode, 0) << ran.err;
    EXPECT_NE(ran.err.find("succeeded: read " + std::to_string(sampleRows(sample))),
              std::string::npos)
        << ran.err;
    auto listed = ctl({"transfer", "list"});
    EXPECT_EQ(listed.exitCode, 0);
    EXPECT_NE(listed.out.find("succeeded"), std::string::npos) << listed.out;
    auto shown = ctl({"transfer", "show", std::to_string(transfer["id"].get<long>())});
    EXPECT_EQ(nlohmann::json::parse(shown.out)["id"], transfer["id"]);
    EXPECT_EQ(ctl({"source", "pause", "nokia"}).out, "nokia paused\n");
    EXPECT_NE(ctl({"source", "list"}).out.find("yes"), std::string::npos) << "paused";
    EXPECT_EQ(ctl({"source", "resume", "nokia"}).exitCode, 0);
    EXPECT_EQ(ctl({"source", "pause", "no-such-source"}).exitCode, 1);
    std::ofstream(tokenFile) << "wrong\n";
    auto refused = ctl({"transfer", "list"});
    EXPECT_EQ(refused.exitCode, 1);
    EXPECT_NE(refused.err.find("HTTP 401"), std::string::npos);

    ::kill(daemon.id(), SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
    EXPECT_NE(readFile(workspace.logFile()).find("gatewayd stopped"), std::string::npos);
}

TEST(Daemon, WithDaemonARelativeConfigurationWorksAndTheCommandReturnsOnceItIsUp) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)}});
    const std::string pidFile = workspace.folder() + "/gatewayd.pid";
    // As the README has it: a configuration path relative to where the command is given.
    auto started =
        runProcess("/bin/sh", {"-c", "cd " + workspace.folder() + " && exec " + GATEWAYD_PATH +
                                         " --config gateway.properties --daemon"
                                         " --pidfile=" +
                                         pidFile});
    ASSERT_EQ(started.exitCode, 0) << started.err;
    // Returned only once up: it answers at once, with no waiting.
    EXPECT_EQ(http(port, "GET", "/readyz").status, 200);
    int pid = std::stoi(readFile(pidFile));
    EXPECT_EQ(::kill(pid, SIGTERM), 0);
    EXPECT_TRUE(eventually([&] { return ::kill(pid, 0) != 0; }, std::chrono::seconds(30)));
}

TEST(Daemon, ABrokenConfigurationIsANonZeroExitWithTheReasonOnStderr) {
    GatewayWorkspace workspace({"nokia"}, {{"http.port", "99999"}});
    for (bool daemon : {false, true}) {
        std::vector<std::string> arguments = {"--config", workspace.configFile()};
        if (daemon) arguments.push_back("--daemon");
        auto failed = runProcess(GATEWAYD_PATH, arguments);
        EXPECT_EQ(failed.exitCode, 78) << "EX_CONFIG";
        EXPECT_NE(failed.err.find("http.port must be between 0 and 65535"), std::string::npos)
            << failed.err;
    }
    auto missing =
        runProcess(GATEWAYD_PATH, {"--config", "/nonexistent/gateway.properties", "--daemon"});
    EXPECT_NE(missing.exitCode, 0);
    EXPECT_NE(missing.err.find("/nonexistent/gateway.properties"), std::string::npos)
        << missing.err;
}

}  // namespace
}  // namespace gw::test
