// A municipality's cut-over through the whole daemon: frozen after its final transfer, its
// certificate signed and checked with openssl and the public key, every way in refused while it
// is frozen, and unfreezing on record, invalidating the certificate.
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "process.h"

namespace gw::test {
namespace {

TEST(Cutover, AFrozenMunicipalityRefusesEveryRunAndItsSignedCertificateChecksOut) {
    unsigned short port = freeLoopbackPort();
    const std::string root = GATEWAY_SOURCE_DIR;
    GatewayWorkspace workspace({"kihnio"},
                               {{"http.port", std::to_string(port)},
                                {"transfers.workers", "1"},
                                {"sources", "nokia,nokia-file,kihnio"},
                                {"source.nokia-file.kind", "file"},
                                {"source.nokia-file.path", sampleExport("nokia")},
                                {"source.nokia-file.mapping", root + "/mappings/nokia.json"},
                                {"source.nokia.kind", "push"},
                                {"source.nokia.dataset", "asiakastiedot"},
                                {"source.nokia.mapping", root + "/mappings/nokia.json"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    std::string tokenFile = workspace.folder() + "/admin.token";
    std::ofstream(tokenFile) << admin;
    auto ctl = [&](std::vector<std::string> arguments) {
        arguments.insert(arguments.end(), {"--url", "http://127.0.0.1:" + std::to_string(port),
                                           "--token-file", tokenFile});
        return runProcess(GATEWAYCTL_PATH, arguments);
    };
    RunningGateway gateway(workspace.configFile(), port);
    std::string sample = readFile(sampleExport("nokia"));
    auto final = push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", sample);
    ASSERT_EQ(final.status, 202);
    const std::string finalId = std::to_string(nlohmann::json::parse(final.body)["id"].get<long>());
    auto settled = [&] {
        auto log = nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body);
        for (const auto& transfer : log["transfers"]) {
            if (transfer["state"] == "queued" || transfer["state"] == "running") return false;
        }
        return true;
    };
    ASSERT_TRUE(eventually(settled));
    auto status =
        nlohmann::json::parse(http(port, "GET", "/v1/municipalities/536/freeze", admin).body);
    EXPECT_FALSE(status["frozen"].get<bool>());

    auto frozen = ctl({"cutover", "freeze", "536"});
    ASSERT_EQ(frozen.exitCode, 0) << frozen.err;
    auto freeze = nlohmann::json::parse(frozen.out);
    const auto& certificate = freeze["certificate"];
    EXPECT_EQ(certificate["municipality"], "536");
    EXPECT_EQ(certificate["frozenBy"], "admin");
    std::set<std::string> covered;
    for (const auto& transfer : certificate["transfers"]) {
        covered.insert(std::to_string(transfer["id"].get<long>()));
        EXPECT_NE(transfer["source"], "kihnio") << "only the municipality's own transfers";
    }
    EXPECT_EQ(covered.count(finalId), 1u);
    long perEntity = 0;
    for (const auto& [entity, records] : certificate["entities"].items())
        perEntity += records["currentRecords"].get<long>();
    EXPECT_GT(perEntity, 0);
    EXPECT_EQ(perEntity, certificate["currentRecords"].get<long>());
    EXPECT_TRUE(certificate["entities"].contains("service_episode"));
    auto reconciled = runProcess(GATEWAYCTL_PATH, {"reconcile", "--config", workspace.configFile(),
                                                   "--municipality", "536", "--json"});
    EXPECT_NE(reconciled.out.find(certificate["digest"].get<std::string>()), std::string::npos)
        << "the digest is the one reconciliation gives\n"
        << reconciled.out;

    // Frozen: every way in is refused, and says why; another municipality is not affected.
    auto pushed = push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", sample);
    EXPECT_EQ(pushed.status, 409);
    EXPECT_NE(pushed.body.find("frozen for its cut-over"), std::string::npos) << pushed.body;
    EXPECT_EQ(http(port, "POST", "/v1/transfers/" + finalId + "/reprocess", admin).status, 409);
    EXPECT_EQ(
        http(port, "POST", "/v1/transfers/" + finalId + "/reprocess?dryRun=true", admin).status,
        200)
        << "a dry run changes nothing";
    EXPECT_EQ(http(port, "POST", "/v1/sources/nokia/reprocess", admin).status, 409);
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "nokia-file"})").status,
              409);
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "kihnio"})").status, 202);
    EXPECT_EQ(http(port, "POST", "/v1/municipalities/536/freeze", admin).status, 409)
        << "frozen already";

    // The county checks the certificate with openssl and the public key alone.
    std::string folder = workspace.folder();
    auto downloaded = ctl({"cutover", "certificate", "536", folder});
    ASSERT_EQ(downloaded.exitCode, 0) << downloaded.err;
    auto verify = [&] {
        return runProcess("/usr/bin/openssl", {"pkeyutl", "-verify", "-pubin", "-inkey",
                                               folder + "/gateway-public-key.pem", "-rawin", "-in",
                                               folder + "/siirtotodistus-536.json", "-sigfile",
                                               folder + "/siirtotodistus-536.sig"});
    };
    auto verified = verify();
    EXPECT_EQ(verified.exitCode, 0) << verified.out << verified.err;
    EXPECT_NE(verified.out.find("Signature Verified Successfully"), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(readFile(folder + "/siirtotodistus-536.json")), certificate);
    std::string tampered = readFile(folder + "/siirtotodistus-536.json");
    tampered.replace(tampered.find("\"currentRecords\": "), 18, "\"currentRecords\": 9");
    std::ofstream(folder + "/siirtotodistus-536.json", std::ios::trunc) << tampered;
    EXPECT_NE(verify().exitCode, 0) << "a changed certificate does not check out";

    // Unfrozen: on record, the certificate no longer valid, and pushes taken again.
    auto unfrozen = ctl({"cutover", "unfreeze", "536"});
    ASSERT_EQ(unfrozen.exitCode, 0) << unfrozen.err;
    auto gone = http(port, "GET", "/v1/municipalities/536/certificate", admin);
    EXPECT_EQ(gone.status, 410);
    EXPECT_NE(gone.body.find("no longer valid"), std::string::npos);
    status = nlohmann::json::parse(http(port, "GET", "/v1/municipalities/536/freeze", admin).body);
    EXPECT_FALSE(status["frozen"].get<bool>());
    ASSERT_EQ(status["freezes"].size(), 1u);
    EXPECT_EQ(status["freezes"][0]["unfrozenBy"], "admin");
    EXPECT_EQ(push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", sample).status, 202);
    EXPECT_TRUE(eventually([&] {
        return readFile(workspace.logFile()).find("municipality 536 unfrozen by admin") !=
               std::string::npos;
    }));
    EXPECT_EQ(http(port, "GET", "/v1/municipalities/999/freeze", admin).status, 404);
}

}  // namespace
}  // namespace gw::test
