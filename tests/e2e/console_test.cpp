// The console's server side through the whole daemon: its files under a Content-Security-Policy,
// sign-in to an HttpOnly SameSite=Strict session cookie, the CSRF token every change in a session
// needs, the token's scopes in force in the session, sign-out; and the JSON its pages read (the
// transfer list a page at a time, a transfer's rejects grouped by rule and field).
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "process.h"

namespace gw::test {
namespace {

/// The `name=value` part of a Set-Cookie header.
std::string cookieOf(const HttpReply& reply) {
    auto found = reply.headers.find("Set-Cookie");
    if (found == reply.headers.end()) return "";
    return found->second.substr(0, found->second.find(';'));
}

/// Waits until `count` transfers have succeeded (each bundled sample's at start).
bool succeeded(unsigned short port, const std::string& admin, std::size_t count) {
    return eventually([&] {
        auto reply = http(port, "GET", "/v1/transfers?state=succeeded", admin);
        return nlohmann::json::parse(reply.body)["transfers"].size() == count;
    });
}

TEST(Console, AFileIsServedUnderAPolicyOfItsOwnOriginAndNothingOutsideItsFolder) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)}});
    RunningGateway gateway(workspace.configFile(), port);

    auto page = http(port, "GET", "/console/");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.headers["Content-Type"], "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("app.js"), std::string::npos);
    const std::string policy = page.headers["Content-Security-Policy"];
    EXPECT_NE(policy.find("default-src 'self'"), std::string::npos) << policy;
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("unsafe"), std::string::npos) << policy;
    EXPECT_EQ(page.headers["X-Content-Type-Options"], "nosniff");
    EXPECT_EQ(http(port, "GET", "/console/app.js").headers["Content-Type"],
              "text/javascript; charset=utf-8");
    EXPECT_EQ(http(port, "GET", "/console/i18n/sv.json").status, 200);
    EXPECT_EQ(http(port, "GET", "/console").status, 301);
    for (const char* outside : {"/console/.hidden", "/console/%2e%2e/CMakeLists.txt",
                                "/console/i18n/..%2f..%2fCMakeLists.txt", "/console/no-such.js"})
        EXPECT_EQ(http(port, "GET", outside).status, 404) << outside;
}

TEST(Console, ASessionStandsForItsTokenWithItsScopesAndEveryChangeNeedsItsCsrfToken) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    RunningGateway gateway(workspace.configFile(), port);

    auto signIn = [&](const std::string& token) {
        return http(port, "POST", "/v1/session", "", nlohmann::json{{"token", token}}.dump());
    };
    EXPECT_EQ(signIn("not-a-token").status, 401);
    auto form = http(port, "POST", "/v1/session", "", "token=" + admin,
                     {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(form.status, 400) << "a cross-site form cannot sign a browser in";

    auto signedIn = signIn(admin);
    ASSERT_EQ(signedIn.status, 201) << signedIn.body;
    const std::string setCookie = signedIn.headers["Set-Cookie"];
    EXPECT_NE(setCookie.find("HttpOnly"), std::string::npos) << setCookie;
    EXPECT_NE(setCookie.find("SameSite=Strict"), std::string::npos) << setCookie;
    EXPECT_NE(Poco::toLower(setCookie).find("path=/"), std::string::npos) << setCookie;
    EXPECT_EQ(setCookie.find("Secure"), std::string::npos) << "plain HTTP: " << setCookie;
    EXPECT_EQ(signedIn.body.find(admin), std::string::npos) << "the token is never sent back";
    auto session = nlohmann::json::parse(signedIn.body);
    EXPECT_EQ(session["name"], "admin");
    EXPECT_EQ(session["scopes"], nlohmann::json::array({"transfers:admin"}));
    const std::string csrf = session["csrfToken"];
    const std::string cookie = cookieOf(signedIn);
    ASSERT_FALSE(cookie.empty());

    auto inSession = [&](const std::string& method, const std::string& path,
                         const std::string& withCsrf = "", const std::string& sessionCookie = "") {
        std::map<std::string, std::string> headers{
            {"Cookie", sessionCookie.empty() ? cookie : sessionCookie}};
        if (!withCsrf.empty()) headers["X-CSRF-Token"] = withCsrf;
        return http(port, method, path, "", "", headers);
    };
    EXPECT_EQ(inSession("GET", "/v1/sources").status, 200);
    EXPECT_EQ(nlohmann::json::parse(inSession("GET", "/v1/session").body)["csrfToken"], csrf);
    EXPECT_EQ(inSession("POST", "/v1/sources/nokia/pause").status, 403) << "no CSRF token";
    std::string wrong = csrf;
    wrong[0] = wrong[0] == '0' ? '1' : '0';
    EXPECT_EQ(inSession("POST", "/v1/sources/nokia/pause", wrong).status, 403)
        << "a wrong CSRF token";
    auto paused = inSession("POST", "/v1/sources/nokia/pause", csrf);
    EXPECT_EQ(paused.status, 200) << paused.body;
    EXPECT_TRUE(
        nlohmann::json::parse(http(port, "GET", "/v1/sources", admin).body)["sources"][0]["paused"]
            .get<bool>());
    EXPECT_EQ(
        http(port, "GET", "/v1/sources", "", "", {{"Cookie", "gateway_session=forged"}}).status,
        401);

    // The push token's session: its own scopes, no more.
    auto pushSession = signIn(nokia);
    ASSERT_EQ(pushSession.status, 201);
    const std::string pushCookie = cookieOf(pushSession);
    const std::string pushCsrf = nlohmann::json::parse(pushSession.body)["csrfToken"];
    EXPECT_EQ(inSession("POST", "/v1/sources/nokia/resume", pushCsrf, pushCookie).status, 403);
    EXPECT_EQ(inSession("GET", "/v1/transfers", "", pushCookie).status, 200);
    EXPECT_EQ(inSession("DELETE", "/v1/session", csrf, pushCookie).status, 403)
        << "another session's CSRF token";

    auto signedOut = inSession("DELETE", "/v1/session", csrf);
    EXPECT_EQ(signedOut.status, 204);
    EXPECT_NE(signedOut.headers["Set-Cookie"].find("gateway_session=;"), std::string::npos)
        << signedOut.headers["Set-Cookie"];
    EXPECT_NE(signedOut.headers["Set-Cookie"].find("expires="), std::string::npos)
        << "cleared at once: " << signedOut.headers["Set-Cookie"];
    EXPECT_EQ(inSession("GET", "/v1/sources").status, 401) << "the session ended";
    EXPECT_EQ(inSession("GET", "/v1/transfers", "", pushCookie).status, 200)
        << "other sessions go on";
}

TEST(Console, TheTransferListPagesAndFiltersAndRejectsAreGroupedByRuleAndField) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia", "kihnio"}, {{"http.port", std::to_string(port)}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string kihnio = workspace.addToken("kihnio", "push:250");
    RunningGateway gateway(workspace.configFile(), port);
    auto list = [&](const std::string& query, const std::string& token) {
        auto reply = http(port, "GET", "/v1/transfers" + query, token);
        EXPECT_EQ(reply.status, 200) << reply.body;
        return nlohmann::json::parse(reply.body);
    };
    ASSERT_TRUE(succeeded(port, admin, 2));

    auto first = list("?limit=1", admin);
    ASSERT_EQ(first["transfers"].size(), 1u);
    ASSERT_TRUE(first.contains("next"));
    auto second = list("?limit=1&before=" + std::to_string(first["next"].get<long>()), admin);
    ASSERT_EQ(second["transfers"].size(), 1u);
    EXPECT_LT(second["transfers"][0]["id"], first["transfers"][0]["id"]);
    EXPECT_EQ(list("?municipality=536", admin)["transfers"][0]["source"], "nokia");
    auto own = list("", kihnio)["transfers"];
    ASSERT_EQ(own.size(), 1u) << "a push token lists its own municipality's only";
    EXPECT_EQ(own[0]["municipality"], "250");
    EXPECT_TRUE(list("?municipality=536", kihnio)["transfers"].empty());
    EXPECT_EQ(http(port, "GET", "/v1/transfers?limit=many", admin).status, 400);

    nlohmann::json nokia = list("?source=nokia", admin)["transfers"][0];
    const std::string id = std::to_string(nokia["id"].get<long>());
    auto groups = http(port, "GET", "/v1/transfers/" + id + "/reject-groups", admin);
    ASSERT_EQ(groups.status, 200);
    auto expected = expectedRejects(GATEWAY_SOURCE_DIR "/samples/nokia");
    std::map<std::string, long> byRule;
    for (const auto& reject : expected) ++byRule[reject.rule];
    long total = 0;
    std::map<std::string, long> grouped;
    auto answer = nlohmann::json::parse(groups.body);
    for (const auto& group : answer["groups"]) {
        total += group["count"].get<long>();
        grouped[group["rule"]] += group["count"].get<long>();
        EXPECT_FALSE(group["examples"].empty());
        EXPECT_LE(group["examples"].size(), 3u);
        for (const auto& example : group["examples"]) EXPECT_TRUE(example.contains("line"));
    }
    EXPECT_EQ(total, nokia["counts"]["rejected"].get<long>());
    EXPECT_EQ(grouped, byRule);
    EXPECT_EQ(http(port, "GET", "/v1/transfers/" + id + "/reject-groups", kihnio).status, 404)
        << "another municipality's transfer";
}

TEST(Console, TheCutOverBoardHasARowPerMunicipalityThatAgreesWithItsReconciliation) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia", "kihnio"}, {{"http.port", std::to_string(port)}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    ASSERT_TRUE(succeeded(port, admin, 2));
    auto board = nlohmann::json::parse(http(port, "GET", "/v1/municipalities", admin).body);
    ASSERT_EQ(board["municipalities"].size(), 2u);
    for (const auto& row : board["municipalities"]) {
        EXPECT_EQ(row["lastTransfer"]["state"], "succeeded");
        std::string code = row["code"];
        EXPECT_EQ(row["name"], code == "536" ? "Nokia" : "Kihniö");
        EXPECT_FALSE(row["frozen"].get<bool>());
        auto reconciliation = nlohmann::json::parse(
            http(port, "GET", "/v1/municipalities/" + code + "/reconciliation", admin).body);
        EXPECT_TRUE(reconciliation["addsUp"].get<bool>()) << reconciliation.dump();
        long total = 0;
        for (const auto& [entity, count] : row["currentRecords"].items()) {
            EXPECT_EQ(count, reconciliation["entities"][entity]["currentRecords"]) << entity;
            total += count.get<long>();
        }
        EXPECT_EQ(total, reconciliation["currentRecords"].get<long>());
        EXPECT_GT(total, 0);
    }
    EXPECT_EQ(http(port, "GET", "/v1/municipalities/999/reconciliation", admin).status, 404);
}

TEST(Console, ADryRunReportsAsGatewayctlCheckStoresNothingAndKeepsNoUpload) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)},
                                           {"dryRun.maxBytes", "100000"},
                                           {"sources.runAtStart", "false"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    const std::string sample = readFile(sampleExport("nokia"));
    ASSERT_LT(sample.size(), 100000u);

    auto reply =
        push(port, "/v1/dry-run?mapping=nokia&name=asiakastiedot.csv", admin, "text/csv", sample);
    ASSERT_EQ(reply.status, 200) << reply.body;
    auto report = nlohmann::json::parse(reply.body);
    auto check = runProcess(
        GATEWAYCTL_PATH, {"check", "--json", "--mapping", GATEWAY_SOURCE_DIR "/mappings/nokia.json",
                          sampleExport("nokia")});
    auto expected = nlohmann::json::parse(check.out);
    for (const char* key : {"read", "wouldPass", "rejected", "rejects", "unmappedCodes",
                            "sourceFieldsNeverUsed", "regionalFieldsNeverFilled"})
        EXPECT_EQ(report[key], expected[key]) << key;
    EXPECT_GT(report["rejected"].get<long>(), 0);

    auto list = nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body);
    EXPECT_TRUE(list["transfers"].empty()) << "a dry run is no transfer";
    EXPECT_EQ(push(port, "/v1/dry-run?mapping=nokia", admin, "text/csv", sample + sample).status,
              413);
    EXPECT_EQ(push(port, "/v1/dry-run?mapping=nowhere", admin, "text/csv", sample).status, 404);
    std::vector<std::string> left;
    for (const auto& file : filesIn(workspace.folder() + "/var/push")) left.push_back(file);
    EXPECT_TRUE(left.empty()) << "an upload left behind: " << left.front();
}

TEST(Console, ReportsAnswerForReportsReadOrFeedReadAsGatewayctlReportDoes) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia", "kihnio"}, {{"http.port", std::to_string(port)}});
    std::string manager = workspace.addToken("manager", "reports:read");
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    ASSERT_TRUE(succeeded(port, admin, 2));

    auto names = http(port, "GET", "/v1/reports", manager);
    ASSERT_EQ(names.status, 200);
    EXPECT_EQ(nlohmann::json::parse(names.body)["reports"].size(), 3u);
    EXPECT_EQ(http(port, "GET", "/v1/reports/placements", admin).status, 403);
    EXPECT_EQ(http(port, "GET", "/v1/reports/nothing", manager).status, 404);
    EXPECT_EQ(http(port, "GET", "/v1/reports/outcomes?asOf=yesterday", manager).status, 400);

    for (const std::string name : {"placements", "services", "outcomes"}) {
        auto reply = http(port, "GET", "/v1/reports/" + name + "?asOf=2024-06-30", manager);
        ASSERT_EQ(reply.status, 200) << name;
        auto answer = nlohmann::json::parse(reply.body);
        EXPECT_EQ(answer["asOf"], "2024-06-30");
        auto offline =
            runProcess(GATEWAYCTL_PATH, {"report", name, "--config", workspace.configFile(),
                                         "--as-of", "2024-06-30", "--json"});
        ASSERT_EQ(offline.exitCode, 0) << offline.err;
        EXPECT_EQ(answer["rows"], nlohmann::json::parse(offline.out)) << name;
        auto nokia = nlohmann::json::parse(
            http(port, "GET", "/v1/reports/" + name + "?asOf=2024-06-30&municipality=536", manager)
                .body);
        EXPECT_FALSE(nokia["rows"].empty());
        for (const auto& row : nokia["rows"]) EXPECT_EQ(row["municipality"], "536");
    }
}

}  // namespace
}  // namespace gw::test
