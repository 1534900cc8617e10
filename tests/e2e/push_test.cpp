// Municipal systems pushing their exports to gatewayd, and the metrics that count them.
#include <Poco/File.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Path.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "process.h"

namespace gw::test {
namespace {

long metric(const std::string& text, const std::string& series) {
    std::smatch match;
    std::regex line("(^|\n)" + std::regex_replace(series, std::regex(R"([{}"])"), R"(\$&)") +
                    " ([0-9]+)");
    return std::regex_search(text, match, line) ? std::stol(match[2]) : -1;
}

/// What the Content-Type of a pushed sample export is, by its file name.
std::string contentTypeOf(const std::string& file) {
    std::string extension = Poco::Path(file).getExtension();
    return extension == "csv"    ? "text/csv"
           : extension == "json" ? "application/json"
                                 : "application/xml";
}

TEST(Push, AMunicipalityPushesOnlyItsOwnDataAndEveryAcceptedPushIsStored) {
    unsigned short port = freeLoopbackPort();
    // Every municipality's sample export becomes a push source of its own dataset.
    std::map<std::string, std::string> config = {{"http.port", std::to_string(port)},
                                                 {"logging.level", "information"},
                                                 {"push.maxBytes", "300000"}};
    std::string names;
    std::map<std::string, std::string> codeOf;
    for (const auto& m : sampleMunicipalities()) {
        std::string mapping = std::string(GATEWAY_SOURCE_DIR) + "/mappings/" + m + ".json";
        codeOf[m] = nlohmann::json::parse(readFile(mapping))["municipality"];
        names += (names.empty() ? "" : ",") + m;
        config["source." + m + ".kind"] = "push";
        config["source." + m + ".dataset"] = Poco::Path(sampleExport(m)).getBaseName();
        config["source." + m + ".mapping"] = mapping;
    }
    config["sources"] = names;
    GatewayWorkspace workspace({}, config);
    std::map<std::string, std::string> tokenOf;
    for (const auto& [m, code] : codeOf) tokenOf[m] = workspace.addToken(m, "push:" + code);
    const std::string nokia = tokenOf["nokia"], tampere = tokenOf["tampere"];
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    const std::string sample = sampleExport("nokia");
    const std::string body = readFile(sample);
    const std::string path = "/v1/push/536/asiakastiedot";
    auto transferCount = [&] {
        return nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"]
            .size();
    };

    // Refused pushes leave nothing behind: no transfer, nothing spooled.
    EXPECT_EQ(push(port, path, "", "text/csv", body).status, 401);
    EXPECT_EQ(push(port, path, tampere, "text/csv", body).status, 403)
        << "another municipality's token";
    EXPECT_EQ(push(port, "/v1/push/536/no-such-dataset", nokia, "text/csv", body).status, 404);
    EXPECT_EQ(push(port, path, nokia, "application/json", body).status, 415);
    EXPECT_EQ(push(port, path, nokia, "text/csv", std::string(300001, 'x')).status, 413);
    EXPECT_EQ(transferCount(), 0u);
    EXPECT_TRUE(filesIn(workspace.folder() + "/var/push").empty());

    auto accepted = push(port, path, nokia, "text/csv; charset=utf-8", body);
    ASSERT_EQ(accepted.status, 202) << accepted.body;
    auto id = nlohmann::json::parse(accepted.body)["id"].get<long>();
    nlohmann::json transfer;
    ASSERT_TRUE(eventually([&] {
        transfer = nlohmann::json::parse(
            http(port, "GET", "/v1/transfers/" + std::to_string(id), admin).body);
        return transfer["state"] == "succeeded";
    })) << transfer.dump();
    const auto& counts = transfer["counts"];
    EXPECT_EQ(counts["read"].get<long>(), sampleRows(sample));
    EXPECT_EQ(counts["rejected"].get<long>(),
              static_cast<long>(expectedRejects(Poco::Path(sample).parent().toString()).size()));
    EXPECT_EQ(transfer["municipality"], "536");
    // Filed away just after the transfer's end is logged: waited for, not raced.
    EXPECT_TRUE(eventually([&] {
        return filesIn(workspace.folder() + "/var/push/archive").size() == 1u;
    })) << "the pushed export is archived once stored";

    // The metrics count what the transfer log says was stored.
    auto metrics = http(port, "GET", "/metrics");
    ASSERT_EQ(metrics.status, 200);
    EXPECT_EQ(
        metric(metrics.body,
               R"(gateway_records_total{municipality="536",source="nokia",outcome="stored"})"),
        counts["stored"].get<long>());
    EXPECT_EQ(
        metric(metrics.body,
               R"(gateway_records_total{municipality="536",source="nokia",outcome="rejected"})"),
        counts["rejected"].get<long>());
    EXPECT_EQ(metric(metrics.body, "gateway_queue_depth"), 0);
    EXPECT_GT(metric(metrics.body, R"(gateway_last_success_timestamp_seconds{source="nokia"})"), 0);
    EXPECT_EQ(
        metric(metrics.body,
               R"(gateway_records_total{municipality="837",source="tampere",outcome="stored"})"),
        -1)
        << "nothing of Tampere's";

    // Every other municipality pushes its own export, whatever its format.
    std::map<long, std::string> pushed;  // transfer id -> municipality
    for (const auto& [m, code] : codeOf) {
        if (m == "nokia") continue;
        std::string file = sampleExport(m);
        auto reply = push(port, "/v1/push/" + code + "/" + Poco::Path(file).getBaseName(),
                          tokenOf[m], contentTypeOf(file), readFile(file));
        ASSERT_EQ(reply.status, 202) << m << ": " << reply.body;
        pushed[nlohmann::json::parse(reply.body)["id"].get<long>()] = m;
    }
    for (const auto& [transferId, m] : pushed) {
        // A structured binding cannot be captured before C++20; the lambda takes a copy.
        const long id = transferId;
        nlohmann::json t;
        ASSERT_TRUE(eventually([&] {
            t = nlohmann::json::parse(
                http(port, "GET", "/v1/transfers/" + std::to_string(id), admin).body);
            return t["state"] == "succeeded";
        })) << m
            << ": " << t.dump();
        std::string folder = Poco::Path(sampleExport(m)).parent().toString();
        EXPECT_EQ(t["counts"]["rejected"].get<long>(),
                  static_cast<long>(expectedRejects(folder).size()))
            << m;
        EXPECT_GT(t["counts"]["stored"].get<long>(), 0) << m;
    }
}

}  // namespace
}  // namespace gw::test
