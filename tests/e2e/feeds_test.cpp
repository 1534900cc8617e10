// The county's side of gatewayd, on each store backend: feeds read with a cursor, the
// pseudonymised view, the audit log of reads, and the scopes that guard them.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "gateway/core/sha256.h"
#include "gateway/store/sql_store.h"
#include "gateway/store/store_registry.h"
#include "process.h"
#include "tests/support/test_database.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

/// Every line of an NDJSON body, parsed.
std::vector<nlohmann::json> ndjson(const std::string& body) {
    std::vector<nlohmann::json> records;
    std::istringstream lines(body);
    std::string line;
    while (std::getline(lines, line)) records.push_back(nlohmann::json::parse(line));
    return records;
}

/// A feed read to its end in pages of `limit`, following X-Next-Cursor.
struct FeedRead {
    std::vector<nlohmann::json> records;
    std::vector<std::int64_t> cursors;  // after each page
};

FeedRead readToEnd(unsigned short port, const std::string& path, const std::string& token,
                   std::int64_t after = 0, int limit = 7) {
    FeedRead read;
    for (;;) {
        std::string separator = path.find('?') == std::string::npos ? "?" : "&";
        auto page = http(
            port, "GET",
            path + separator + "after=" + std::to_string(after) + "&limit=" + std::to_string(limit),
            token);
        EXPECT_EQ(page.status, 200) << page.body;
        auto records = ndjson(page.body);
        EXPECT_EQ(std::to_string(records.size()), page.headers["X-Record-Count"]);
        after = std::stoll(page.headers.at("X-Next-Cursor"));
        read.cursors.push_back(after);
        if (records.empty()) return read;
        read.records.insert(read.records.end(), records.begin(), records.end());
    }
}

/// Waits until no transfer is queued or running and returns the transfer log.
nlohmann::json settledTransfers(unsigned short port, const std::string& admin,
                                std::size_t expected) {
    nlohmann::json transfers;
    bool settled = eventually([&] {
        transfers =
            nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
        if (transfers.size() < expected) return false;
        for (const auto& t : transfers) {
            if (t["state"] == "queued" || t["state"] == "running") return false;
        }
        return true;
    });
    EXPECT_TRUE(settled) << transfers.dump();
    return transfers;
}

class Feeds : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, Feeds, ::testing::ValuesIn(storeBackends()));

TEST_P(Feeds, TheCountyReadsEveryChangeOnceAndThePseudonymisedViewHidesWhoIsWho) {
    TestDatabase database(GetParam());
    unsigned short port = freeLoopbackPort();
    // The samples' test codes link across municipalities in the demo's identity mode only.
    GatewayWorkspace workspace({"ikaalinen", "tampere"},
                               {{"http.port", std::to_string(port)},
                                {"store.backend", database.backend()},
                                {"store.connection", database.connection()},
                                {"identity.linkTemporaryCodes", "true"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string county = workspace.addToken("county", "feed:read,audit:read");
    std::string researcher = workspace.addToken("researcher", "feed:pseudonymised");
    std::string nokia = workspace.addToken("nokia", "push:536");
    EXPECT_EQ(readFile(workspace.folder() + "/var/secrets.properties").find(county),
              std::string::npos)
        << "the secrets file keeps hashes, not tokens";

    RunningGateway gateway(workspace.configFile(), port);
    settledTransfers(port, admin, 2);
    auto store = builtinStores().open(database.backend(), database.connection());
    auto versionsOf = [&](const std::string& entity) {
        Poco::Int64 n = 0;
        auto session = dynamic_cast<SqlStore&>(*store).session();
        session << "SELECT COUNT(*) FROM records WHERE entity = '" + entity + "'", into(n), now;
        return n;
    };

    // The full feed: every stored version once, in commit order, page after page.
    auto full = readToEnd(port, "/v1/feeds/service_episode", county);
    EXPECT_EQ(static_cast<Poco::Int64>(full.records.size()), versionsOf("service_episode"));
    for (std::size_t i = 1; i < full.cursors.size(); ++i)
        EXPECT_GE(full.cursors[i], full.cursors[i - 1]);
    std::int64_t end = full.cursors.back();

    // A second delivery of the same exports changes nothing: the cursor has nothing new.
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "ikaalinen"})").status, 202);
    auto transfers = settledTransfers(port, admin, 3);
    EXPECT_EQ(transfers[0]["counts"]["stored"], 0);
    EXPECT_TRUE(readToEnd(port, "/v1/feeds/service_episode", county, end).records.empty());

    // The pseudonymised view of the same records.
    auto pseudonymised = readToEnd(port, "/v1/feeds/service_episode", researcher);
    ASSERT_EQ(pseudonymised.records.size(), full.records.size());
    const std::regex identityCode("[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]");
    std::map<std::string, std::string> pseudonymOf;  // clientId -> pseudonym
    std::map<std::string, std::set<std::string>> municipalitiesOf;
    for (std::size_t i = 0; i < full.records.size(); ++i) {
        const auto& real = full.records[i]["client"];
        const auto& alias = pseudonymised.records[i];
        std::string text = alias.dump();
        EXPECT_FALSE(std::regex_search(text, identityCode)) << text;
        EXPECT_EQ(text.find(real["clientId"].get<std::string>()), std::string::npos);
        EXPECT_FALSE(alias["client"].contains("identityCode"));
        std::string pseudonym = alias["client"]["pseudonym"];
        auto [known, added] = pseudonymOf.emplace(real["clientId"], pseudonym);
        EXPECT_EQ(known->second, pseudonym) << "one person, one pseudonym";
        municipalitiesOf[pseudonym].insert(alias["provenance"]["sourceMunicipality"]);
    }
    std::set<std::string> distinct;
    for (const auto& [id, pseudonym] : pseudonymOf) distinct.insert(pseudonym);
    EXPECT_EQ(distinct.size(), pseudonymOf.size()) << "two people never share a pseudonym";
    bool seenInBoth = false;
    for (const auto& [pseudonym, places] : municipalitiesOf) seenInBoth |= places.size() == 2;
    EXPECT_TRUE(seenInBoth) << "someone who moved keeps the pseudonym across municipalities";

    // Names and free text stay out of the pseudonymised client plans.
    for (const auto& plan : readToEnd(port, "/v1/feeds/client_plan", researcher).records) {
        EXPECT_FALSE(plan.contains("coordinatingWorker") &&
                     plan["coordinatingWorker"].contains("name"));
        for (const auto& goal : plan.value("goals", nlohmann::json::array()))
            EXPECT_FALSE(goal.contains("text"));
    }
    auto asked = http(port, "GET", "/v1/feeds/client_plan?view=pseudonymised&limit=1", county);
    EXPECT_TRUE(ndjson(asked.body).at(0)["client"].contains("pseudonym")) << asked.body;

    // Scopes.
    EXPECT_EQ(http(port, "GET", "/v1/feeds/client", admin).status, 403);
    EXPECT_EQ(http(port, "GET", "/v1/feeds/client", nokia).status, 403);
    EXPECT_EQ(http(port, "GET", "/v1/feeds/no_such_entity", county).status, 404);
    EXPECT_EQ(http(port, "GET", "/v1/feeds/client").status, 401);
    EXPECT_EQ(http(port, "GET", "/v1/feeds/client?after=x", county).status, 400);
    EXPECT_EQ(http(port, "GET", "/v1/feeds/client?view=nothing", county).status, 400)
        << "a view no view has";
    auto onlyItsOwn = http(port, "GET", "/v1/feeds/client_plan?view=full&limit=1", researcher);
    EXPECT_TRUE(ndjson(onlyItsOwn.body).at(0)["client"].contains("pseudonym"))
        << "a view the token does not allow is never given";
    EXPECT_EQ(http(port, "GET", "/v1/transfers", county).status, 403);
    EXPECT_EQ(http(port, "GET", "/v1/audit/feed-reads", researcher).status, 403);

    // Every read is in the audit log, with who, what and how much.
    auto audit = nlohmann::json::parse(
        http(port, "GET", "/v1/audit/feed-reads?limit=10000", county).body)["reads"];
    std::map<std::string, std::int64_t> recordsRead;  // reader/view -> records
    for (const auto& read : audit) {
        recordsRead[read["reader"].get<std::string>() + "/" + read["view"].get<std::string>() +
                    "/" + read["entity"].get<std::string>()] += read["records"].get<int64_t>();
    }
    EXPECT_EQ(recordsRead["county/full/service_episode"],
              static_cast<std::int64_t>(full.records.size()));
    EXPECT_EQ(recordsRead["researcher/pseudonymised/service_episode"],
              static_cast<std::int64_t>(full.records.size()));
    EXPECT_EQ(recordsRead.count("admin/full/client"), 0u) << "a refused read returns nothing";
}

/// Every string value in a JSON value, however deep.
void stringsOf(const nlohmann::json& node, std::vector<std::string>& out) {
    if (node.is_string()) {
        out.push_back(node.get<std::string>());
    } else if (node.is_structured()) {
        for (const auto& child : node) stringsOf(child, out);
    }
}

/// What the source exports held that the pseudonymised view must never show: every identity
/// code in the export files, and from the full feed each record's source ids, client id,
/// input file, worker names, goal texts and producer names.
std::set<std::string> personalValues(const std::vector<nlohmann::json>& fullRecords) {
    std::set<std::string> values;
    const std::regex codeShape("[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]");
    for (const auto& municipality : sampleMunicipalities()) {
        std::string text = readFile(sampleExport(municipality));
        for (std::sregex_iterator it(text.begin(), text.end(), codeShape), end; it != end; ++it)
            values.insert(it->str());
    }
    for (const auto& record : fullRecords) {
        for (const char* pointer :
             {"/client/identityCode", "/client/clientId", "/episodeId", "/planId", "/placementId",
              "/feedbackId", "/provenance/sourceRecordId", "/provenance/input",
              "/provenance/contentHash", "/coordinatingWorker/name", "/producerWorker/name",
              "/producer/name"}) {
            nlohmann::json::json_pointer at(pointer);
            if (record.contains(at) && record[at].is_string()) values.insert(record[at]);
        }
        for (const auto& goal : record.value("goals", nlohmann::json::array()))
            values.insert(goal.value("text", ""));
    }
    values.erase("");
    return values;
}

TEST(PseudonymisedFeed, NoValueOfAnyEntityComesFromTheExportsAndNoHashGivesACodeAway) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace(sampleMunicipalities(),
                               {{"http.port", std::to_string(port)}, {"logging.level", "warning"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string county = workspace.addToken("county", "feed:read");
    std::string researcher = workspace.addToken("researcher", "feed:pseudonymised");
    RunningGateway gateway(workspace.configFile(), port);
    settledTransfers(port, admin, sampleMunicipalities().size());

    const std::vector<std::string> entities = {"client", "client_plan", "feedback",
                                               "service_episode", "work_placement"};
    std::vector<nlohmann::json> full, pseudonymised;
    for (const auto& entity : entities) {
        auto real = readToEnd(port, "/v1/feeds/" + entity, county, 0, 10000).records;
        auto alias = readToEnd(port, "/v1/feeds/" + entity, researcher, 0, 10000).records;
        ASSERT_FALSE(real.empty()) << entity;
        ASSERT_EQ(alias.size(), real.size()) << entity;
        full.insert(full.end(), real.begin(), real.end());
        pseudonymised.insert(pseudonymised.end(), alias.begin(), alias.end());
    }
    std::set<std::string> personal = personalValues(full);
    ASSERT_GT(personal.size(), 1000u);

    std::set<std::string> shown;
    for (const auto& record : pseudonymised) {
        std::vector<std::string> strings;
        stringsOf(record, strings);
        shown.insert(strings.begin(), strings.end());
    }
    for (const auto& value : shown) {
        EXPECT_EQ(personal.count(value), 0u) << value;
        for (const auto& secret : personal) {
            if (secret.size() >= 6 && value.size() > secret.size()) {
                EXPECT_EQ(value.find(secret), std::string::npos) << secret << " in " << value;
            }
        }
    }

    // The brute force the audit ran: with every identity code there is (here, every code of the
    // exports, which holds each true one), hash what an unkeyed scheme would have hashed, and
    // look for the result among the view's values. Nothing may match.
    std::vector<std::string> guesses;
    for (const auto& code : personal) {
        if (code.size() != 11) continue;
        for (const std::string& preimage : {code, "fi-identity-code:" + code}) {
            std::string hash = sha256Hex(preimage);
            guesses.push_back(hash);
            guesses.push_back("c-" + hash.substr(0, 32));
            guesses.push_back("p-" + hash.substr(0, 32));
        }
    }
    for (auto record : full) {  // the content hash as an unkeyed scheme made it
        record.erase("provenance");
        guesses.push_back(sha256Hex(record.dump()));
    }
    std::size_t found = 0;
    for (const auto& guess : guesses) found += shown.count(guess);
    EXPECT_EQ(found, 0u);
    EXPECT_GT(guesses.size(), 1000u);
}

}  // namespace
}  // namespace gw::test
