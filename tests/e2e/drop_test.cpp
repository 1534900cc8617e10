// A drop folder read on schedule: only finished files (a .done marker beside), claimed, archived;
// a paused source waits.
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "process.h"

namespace gw::test {
namespace {

void drop(const std::string& folder, const std::string& name, const std::string& content,
          bool done) {
    std::ofstream(folder + "/" + name, std::ios::binary) << content;
    if (done) std::ofstream(folder + "/" + name + ".done");
}

/// The configuration of Nokia's drop folder `drop`, read every second, a delivery expected
/// every `expectEvery`.
std::map<std::string, std::string> dropConfig(unsigned short port, const std::string& expectEvery) {
    return {
        {"http.port", std::to_string(port)},
        {"logging.level", "information"},
        {"sources", "nokia-drop"},
        {"source.nokia-drop.kind", "drop"},
        {"source.nokia-drop.folder", "drop"},
        {"source.nokia-drop.schedule", "every 1s"},
        {"source.nokia-drop.expectEvery", expectEvery},
        {"source.nokia-drop.mapping", std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json"}};
}

TEST(DropFolder, FinishedFilesArePickedUpOnScheduleAndArchivedAndAPausedSourceWaits) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, dropConfig(port, "3s"));
    const std::string folder = workspace.folder() + "/drop";
    Poco::File(folder).createDirectories();
    const std::string sample = readFile(sampleExport("nokia"));
    drop(folder, "half-written.csv", sample.substr(0, sample.size() / 2), false);
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    auto transfers = [&] {
        return nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
    };

    drop(folder, "export1.csv", sample, true);
    nlohmann::json list;
    ASSERT_TRUE(eventually([&] {
        list = transfers();
        return list.size() == 1 && list[0]["state"] == "succeeded";
    })) << list.dump();
    EXPECT_EQ(list[0]["input"].get<std::string>().rfind("export1.csv.", 0), 0u);
    EXPECT_EQ(list[0]["counts"]["read"].get<long>(), sampleRows(sampleExport("nokia")));
    // The input is filed away just after its transfer is recorded as finished.
    std::vector<std::string> archived;
    ASSERT_TRUE(eventually([&] {
        archived = filesIn(folder + "/archive");
        return archived.size() == 1;
    }));
    EXPECT_EQ(archived[0], list[0]["input"]);
    EXPECT_TRUE(filesIn(folder + "/processing").empty());
    EXPECT_EQ(filesIn(folder), std::vector<std::string>{"half-written.csv"})
        << "a file without its .done marker is never read";
    // Claiming a file removes its marker, which the same scan may still list after it.
    EXPECT_EQ(readFile(workspace.logFile()).find("scheduled run failed"), std::string::npos);

    auto sources = nlohmann::json::parse(http(port, "GET", "/v1/sources", admin).body)["sources"];
    ASSERT_EQ(sources.size(), 1u);
    EXPECT_EQ(sources[0]["schedule"], "every 1s");
    EXPECT_EQ(sources[0]["paused"], false);

    EXPECT_EQ(http(port, "POST", "/v1/sources/nokia-drop/pause", admin).status, 200);
    drop(folder, "export2.csv", sample, true);
    // Paused longer than a delivery is expected: late, with an alert in the log and a metric.
    const std::string late = "gateway_source_delivery_late{source=\"nokia-drop\"} ";
    EXPECT_TRUE(eventually(
        [&] { return http(port, "GET", "/metrics").body.find(late + "1") != std::string::npos; },
        std::chrono::seconds(10)));
    EXPECT_EQ(transfers().size(), 1u) << "paused";
    EXPECT_NE(readFile(workspace.logFile()).find("'nokia-drop': delivery late"), std::string::npos);
    EXPECT_EQ(http(port, "POST", "/v1/sources/nokia-drop/resume", admin).status, 200);
    ASSERT_TRUE(eventually([&] {
        list = transfers();
        return list.size() == 2 && list[0]["state"] == "succeeded";
    })) << list.dump();
    EXPECT_EQ(list[0]["counts"]["stored"], 0) << "the same export again: nothing new";
    EXPECT_TRUE(eventually(
        [&] { return http(port, "GET", "/metrics").body.find(late + "0") != std::string::npos; },
        std::chrono::seconds(10)))
        << "on time again";
    EXPECT_EQ(http(port, "POST", "/v1/sources/no-such-source/pause", admin).status, 404);
}

TEST(DropFolder, AMunicipalityFrozenForItsCutOverIsNeverLateWhateverItsExpectedDeliveries) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, dropConfig(port, "2s"));
    const std::string folder = workspace.folder() + "/drop";
    Poco::File(folder).createDirectories();
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    drop(folder, "final.csv", readFile(sampleExport("nokia")), true);
    ASSERT_TRUE(eventually([&] {
        auto list = nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body);
        return list["transfers"].size() == 1 && list["transfers"][0]["state"] == "succeeded";
    }));
    ASSERT_EQ(http(port, "POST", "/v1/municipalities/536/freeze", admin).status, 200);
    // Late before its first delivery (a slow, instrumented start) it may have been; not after.
    const std::size_t frozenAt = readFile(workspace.logFile()).size();

    // Three times the expected interval, and checks of lateness many times over.
    std::this_thread::sleep_for(std::chrono::seconds(6));
    auto sources = nlohmann::json::parse(http(port, "GET", "/v1/sources", admin).body)["sources"];
    EXPECT_EQ(sources[0]["status"], "frozen");
    EXPECT_EQ(sources[0]["late"], false);
    EXPECT_NE(http(port, "GET", "/metrics")
                  .body.find("gateway_source_delivery_late{source=\"nokia-drop\"} 0"),
              std::string::npos);
    EXPECT_EQ(readFile(workspace.logFile()).find("delivery late", frozenAt), std::string::npos);
}

}  // namespace
}  // namespace gw::test
