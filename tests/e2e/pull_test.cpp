// A pull source fetched from a small HTTP server the test runs: retried through a failure,
// resumed from its watermark, and a source that keeps failing counted as such.
#include <Poco/File.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <mutex>
#include <nlohmann/json.hpp>

#include "process.h"

namespace gw::test {
namespace {

/// The municipality's export API: the first request for the export fails with 503; asked for
/// everything, it answers the whole export; asked for changes since a time, the first two rows.
/// /broken is 404.
class ExportServer : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit ExportServer(std::string exportText) : export_(std::move(exportText)) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(*this);
    }

    std::vector<std::string> requests() {
        std::lock_guard<std::mutex> lock(mutex_);
        return requests_;
    }

  private:
    struct Handler : Poco::Net::HTTPRequestHandler {
        explicit Handler(ExportServer& server) : server_(server) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request,
                           Poco::Net::HTTPServerResponse& response) override {
            Poco::URI uri(request.getURI());
            std::size_t exportRequests = 0;
            {
                std::lock_guard<std::mutex> lock(server_.mutex_);
                server_.requests_.push_back(request.getURI());
                for (const auto& seen : server_.requests_)
                    exportRequests += seen.rfind("/export/", 0) == 0 ? 1 : 0;
            }
            if (uri.getPath() == "/broken") {
                response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
                response.send();
                return;
            }
            if (exportRequests == 1) {
                response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_SERVICE_UNAVAILABLE);
                response.send();
                return;
            }
            std::string body = server_.export_;
            if (uri.getRawQuery().find("changedSince=") != std::string::npos) {
                std::size_t end = 0;
                for (int line = 0; line < 3; ++line) end = body.find('\n', end) + 1;
                body = body.substr(0, end);  // the header and two rows
            }
            response.setContentType("text/csv");
            response.setContentLength(static_cast<std::streamsize>(body.size()));
            response.send() << body;
        }
        ExportServer& server_;
    };

    std::string export_;
    std::mutex mutex_;
    std::vector<std::string> requests_;
};

TEST(Pull, RetriesThroughAFailureAndResumesFromItsWatermark) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    auto* exports = new ExportServer(readFile(sampleExport("nokia")));
    Poco::Net::HTTPServer server(exports, socket, new Poco::Net::HTTPServerParams);
    server.start();
    std::string base = "http://127.0.0.1:" + std::to_string(socket.address().port());

    unsigned short port = freeLoopbackPort();
    std::string mapping = std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json";
    GatewayWorkspace workspace({}, {{"http.port", std::to_string(port)},
                                    {"logging.level", "information"},
                                    {"sources", "nokia-pull,broken"},
                                    {"source.nokia-pull.kind", "pull"},
                                    {"source.nokia-pull.url", base + "/export/asiakastiedot.csv"},
                                    {"source.nokia-pull.retryBaseMillis", "50"},
                                    {"source.nokia-pull.mapping", mapping},
                                    {"source.broken.kind", "pull"},
                                    {"source.broken.url", base + "/broken"},
                                    {"source.broken.mapping", mapping}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    auto transfersOf = [&](const std::string& source) {
        nlohmann::json all = nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& t : all["transfers"]) {
            if (t["source"] == source) list.push_back(t);
        }
        return list;
    };

    nlohmann::json first;
    ASSERT_TRUE(eventually([&] {
        auto list = transfersOf("nokia-pull");
        if (list.empty() || list[0]["state"] != "succeeded") return false;
        first = list[0];
        return true;
    })) << transfersOf("nokia-pull").dump();
    EXPECT_EQ(first["counts"]["read"].get<long>(), sampleRows(sampleExport("nokia")));

    // Pulled again: only what changed since the watermark.
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "nokia-pull"})").status,
              202);
    nlohmann::json second;
    ASSERT_TRUE(eventually([&] {
        auto list = transfersOf("nokia-pull");
        if (list.size() < 2 || list[0]["state"] != "succeeded") return false;
        second = list[0];
        return true;
    }));
    EXPECT_EQ(second["counts"]["read"], 2);
    EXPECT_EQ(second["counts"]["unchanged"], 2);

    std::vector<std::string> pulls;
    for (const auto& uri : exports->requests()) {
        if (uri.rfind("/export/", 0) == 0) pulls.push_back(uri);
    }
    ASSERT_EQ(pulls.size(), 3u) << "a 503, the full export, then the changes";
    EXPECT_EQ(pulls[0], pulls[1]) << "the retry asks the same";
    EXPECT_EQ(pulls[1].find("changedSince"), std::string::npos) << "the first pull takes all";
    auto since = Poco::URI(pulls[2]).getQueryParameters();
    ASSERT_EQ(since.size(), 1u);
    EXPECT_EQ(since[0].first, "changedSince");
    EXPECT_GE(since[0].second, first["startedAt"].get<std::string>().substr(0, 19))
        << "the watermark is when the successful pull started";

    // Each download is its transfer's own file, filed away in the spool's archive like a push
    // (it holds personal data, deleted after archive.keepDays), never left elsewhere.
    for (const auto& pulled : {first, second}) {
        std::string archived = workspace.folder() + "/var/push/archive/nokia-pull-" +
                               std::to_string(pulled["id"].get<long>()) + ".csv";
        EXPECT_TRUE(eventually([&] { return Poco::File(archived).exists(); })) << archived;
    }

    // A re-run of the first pull reads its kept download, not the server, and leaves the
    // watermark where the last pull put it.
    auto exportPulls = [&] {
        std::vector<std::string> pulled;
        for (const auto& uri : exports->requests()) {
            if (uri.rfind("/export/", 0) == 0) pulled.push_back(uri);
        }
        return pulled;
    };
    std::size_t pullsBefore = exportPulls().size();
    auto again =
        http(port, "POST",
             "/v1/transfers/" + std::to_string(first["id"].get<long>()) + "/reprocess", admin);
    ASSERT_EQ(again.status, 202) << again.body;
    long rerun = nlohmann::json::parse(again.body)["id"];
    nlohmann::json reread;
    ASSERT_TRUE(eventually([&] {
        reread = nlohmann::json::parse(
            http(port, "GET", "/v1/transfers/" + std::to_string(rerun), admin).body);
        return reread["state"] == "succeeded";
    })) << reread.dump();
    EXPECT_EQ(reread["counts"]["read"], first["counts"]["read"]);
    EXPECT_EQ(reread["counts"]["stored"], 0);
    EXPECT_EQ(exportPulls().size(), pullsBefore) << "nothing fetched";
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "nokia-pull"})").status,
              202);
    ASSERT_TRUE(eventually([&] { return exportPulls().size() == pullsBefore + 1; }));
    EXPECT_NE(exportPulls().back().find("changedSince"), std::string::npos)
        << "the watermark stayed";

    // A source whose server refuses: failed at once, counted in the metrics.
    nlohmann::json broken;
    ASSERT_TRUE(eventually([&] {
        auto list = transfersOf("broken");
        if (list.empty() || list[0]["state"] != "failed") return false;
        broken = list[0];
        return true;
    }));
    EXPECT_NE(broken["error"].get<std::string>().find("refused: HTTP 404"), std::string::npos);
    auto metrics = http(port, "GET", "/metrics").body;
    EXPECT_NE(metrics.find("gateway_source_consecutive_failures{source=\"broken\"} 1"),
              std::string::npos);
    EXPECT_NE(metrics.find("gateway_source_consecutive_failures{source=\"nokia-pull\"} 0"),
              std::string::npos);
    server.stop();
}

}  // namespace
}  // namespace gw::test
