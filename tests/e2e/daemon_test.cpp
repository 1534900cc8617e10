// gatewayd as a daemon in the foreground: serves its API, runs its source, stops cleanly on
// SIGTERM.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <nlohmann/json.hpp>
#include <thread>

#include "process.h"

namespace gw::test {
namespace {

using namespace std::chrono_literals;

struct HttpReply {
    int status = 0;
    std::string body;
};

HttpReply httpGet(unsigned short port, const std::string& path) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    HttpReply reply{static_cast<int>(response.getStatus()), {}};
    Poco::StreamCopier::copyToString(body, reply.body);
    return reply;
}

/// Polls until `done` holds or the deadline passes; true if it held.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = 60s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (done()) return true;
        } catch (const Poco::Exception&) {
            // not listening yet
        }
        std::this_thread::sleep_for(100ms);
    }
    return false;
}

TEST(Daemon, ServesHealthAndTransfersAndStopsOnSigterm) {
    const std::string sample = sampleExport("nokia");
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace(
        {"nokia"}, {{"http.port", std::to_string(port)}, {"logging.level", "information"}});
    Poco::ProcessHandle daemon =
        Poco::Process::launch(GATEWAYD_PATH, {"--config", workspace.configFile()});

    ASSERT_TRUE(eventually([&] { return httpGet(port, "/readyz").status == 200; }))
        << "never became ready";
    EXPECT_EQ(httpGet(port, "/healthz").status, 200);

    nlohmann::json transfer;
    ASSERT_TRUE(eventually([&] {
        auto list = nlohmann::json::parse(httpGet(port, "/v1/transfers").body);
        if (list["transfers"].empty()) return false;
        transfer = list["transfers"][0];
        return transfer["state"] != "running";
    }));
    EXPECT_EQ(transfer["state"], "succeeded");
    const auto& counts = transfer["counts"];
    EXPECT_EQ(counts["read"].get<long>(), sampleRows(sample));
    EXPECT_EQ(counts["read"], counts["stored"].get<long>() + counts["unchanged"].get<long>() +
                                  counts["rejected"].get<long>());

    auto one = httpGet(port, "/v1/transfers/" + std::to_string(transfer["id"].get<long>()));
    EXPECT_EQ(one.status, 200);
    EXPECT_EQ(nlohmann::json::parse(one.body)["id"], transfer["id"]);
    auto missing = httpGet(port, "/v1/transfers/424242");
    EXPECT_EQ(missing.status, 404);
    EXPECT_TRUE(nlohmann::json::parse(missing.body).contains("error"));
    EXPECT_EQ(httpGet(port, "/no/such/thing").status, 404);

    ::kill(daemon.id(), SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
    EXPECT_NE(readFile(workspace.logFile()).find("gatewayd stopped"), std::string::npos);
}

}  // namespace
}  // namespace gw::test
