// The county's FHIR side of gatewayd, on each store backend: a Bulk Data export of the bundled
// samples, full and pseudonymised, that validates against the official FHIR R4 JSON Schema and
// fi-base's testable rules; one Patient per regional client and one resource per current record;
// an incremental export that holds only what changed; reads, searches, scopes and the audit log.
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "gateway/store/store_registry.h"
#include "process.h"
#include "tests/support/test_database.h"

namespace gw::test {
namespace {

/// Every line of an NDJSON body, parsed.
std::vector<nlohmann::json> ndjson(const std::string& body) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(body);
    std::string line;
    while (std::getline(in, line)) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

/// The path of a URL the gateway gave (http://host:port/path).
std::string pathOf(const std::string& url) {
    auto host = url.find("://");
    return url.substr(url.find('/', host + 3));
}

/// A Bulk Data export run to its end: the manifest, and each file's resources by type.
struct Export {
    nlohmann::json manifest;
    std::map<std::string, std::vector<nlohmann::json>> resources;
    std::map<std::string, std::string> text;  // each file as sent
};

Export runExport(unsigned short port, const std::string& kickOff, const std::string& token) {
    Export result;
    auto accepted = http(port, "GET", kickOff, token);
    EXPECT_EQ(accepted.status, 202) << accepted.body;
    std::string status = pathOf(accepted.headers.at("Content-Location"));
    HttpReply reply;
    EXPECT_TRUE(eventually([&] {
        reply = http(port, "GET", status, token);
        return reply.status != 202;
    }));
    EXPECT_EQ(reply.status, 200) << reply.body;
    result.manifest = nlohmann::json::parse(reply.body);
    EXPECT_EQ(result.manifest["requiresAccessToken"], true);
    for (const auto& output : result.manifest["output"]) {
        auto file = http(port, "GET", pathOf(output["url"]), token);
        EXPECT_EQ(file.status, 200);
        EXPECT_EQ(file.headers["Content-Type"], "application/fhir+ndjson");
        std::string type = output["type"];
        result.text[type] = file.body;
        result.resources[type] = ndjson(file.body);
        EXPECT_EQ(output["count"].get<std::size_t>(), result.resources[type].size());
        for (const auto& resource : result.resources[type])
            EXPECT_EQ(resource["resourceType"], type);
    }
    return result;
}

/// Writes an export's files into `folder` and validates them, and `others`, with the official R4
/// schema.
void expectValidFhir(const Export& exported, const std::string& folder,
                     const std::vector<nlohmann::json>& others = {}) {
    Poco::File(folder).createDirectories();
    std::vector<std::string> arguments{std::string(GATEWAY_SOURCE_DIR) +
                                       "/tests/e2e/fhir_validate.sh"};
    for (const auto& [type, text] : exported.text) {
        std::string path = folder + "/" + type + ".ndjson";
        std::ofstream(path, std::ios::binary) << text;
        arguments.push_back(path);
    }
    if (!others.empty()) {
        std::string path = folder + "/others.ndjson";
        std::ofstream file(path, std::ios::binary);
        for (const auto& resource : others) file << resource.dump() << "\n";
        arguments.push_back(path);
    }
    auto validated = runProcess("bash", arguments);
    EXPECT_EQ(validated.exitCode, 0) << validated.out << validated.err;
}

class Fhir : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, Fhir, ::testing::ValuesIn(storeBackends()));

TEST_P(Fhir, TheCountyExportsTheRegionalRecordsAsValidFhirFullPseudonymisedAndIncrementally) {
    TestDatabase database(GetParam());
    unsigned short port = freeLoopbackPort();
    auto municipalities = sampleMunicipalities();
    GatewayWorkspace workspace(municipalities, {{"http.port", std::to_string(port)},
                                                {"store.backend", database.backend()},
                                                {"store.connection", database.connection()}});
    // One export of our own (an Effica-style CSV), to change after the first export.
    std::string changing = "ikaalinen";
    std::string copy = workspace.folder() + "/" + changing + ".export";
    Poco::File(sampleExport(changing)).copyTo(copy);
    std::string config =
        workspace.writeConfig("changing", {{"source." + changing + ".path", copy}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string county = workspace.addToken("county", "feed:read,audit:read");
    std::string researcher = workspace.addToken("researcher", "feed:pseudonymised");

    RunningGateway gateway(config, port);
    ASSERT_TRUE(eventually(
        [&] {
            auto transfers =
                nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
            if (transfers.size() < municipalities.size()) return false;
            for (const auto& t : transfers) {
                if (t["state"] == "queued" || t["state"] == "running") return false;
            }
            return true;
        },
        std::chrono::seconds(120)));

    // What the store holds now: current records per entity, regional clients.
    auto store = builtinStores().open(database.backend(), database.connection());
    std::map<std::string, std::size_t> current;
    std::set<std::string> clients;
    std::size_t goals = 0;
    for (const char* entity :
         {"client", "service_episode", "work_placement", "client_plan", "feedback"}) {
        store->scanCurrent(entity, [&](const nlohmann::json& record) {
            ++current[entity];
            clients.insert(record["client"]["clientId"].get<std::string>());
            goals += record.value("goals", nlohmann::json::array()).size();
        });
    }
    std::set<std::string> clientsWithRecords;
    store->scanCurrent("client", [&](const nlohmann::json& record) {
        clientsWithRecords.insert(record["client"]["clientId"].get<std::string>());
    });

    // The CapabilityStatement is open to anyone; everything else needs a feed scope.
    auto metadata = http(port, "GET", "/fhir/metadata");
    EXPECT_EQ(metadata.status, 200);
    EXPECT_EQ(nlohmann::json::parse(metadata.body)["fhirVersion"], "4.0.1");
    auto refused = http(port, "GET", "/fhir/$export", admin);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(nlohmann::json::parse(refused.body)["resourceType"], "OperationOutcome");
    EXPECT_EQ(http(port, "GET", "/fhir/$export").status, 401);
    EXPECT_EQ(http(port, "GET", "/fhir/$export?_type=Observation", county).status, 400);
    EXPECT_EQ(http(port, "GET", "/fhir/$export?_since=yesterday", county).status, 400);

    // The full export: one Patient per regional client, one resource per current record.
    Export full = runExport(port, "/fhir/$export", county);
    EXPECT_EQ(full.resources["Patient"].size(), clientsWithRecords.size());
    EXPECT_EQ(full.resources["EpisodeOfCare"].size(), current["service_episode"]);
    EXPECT_EQ(full.resources["Encounter"].size(), current["work_placement"]);
    EXPECT_EQ(full.resources["CarePlan"].size(), current["client_plan"]);
    EXPECT_EQ(full.resources["Goal"].size(), goals);
    EXPECT_EQ(full.resources["QuestionnaireResponse"].size(), current["feedback"]);
    std::set<std::string> patientIds;
    for (const auto& patient : full.resources["Patient"]) patientIds.insert(patient["id"]);
    EXPECT_EQ(patientIds, clientsWithRecords) << "a Patient's id is the regional client id";
    // Every reference to a patient names one the export holds.
    for (const auto& [type, resources] : full.resources) {
        for (const auto& resource : resources) {
            for (const char* field : {"patient", "subject"}) {
                if (!resource.contains(field)) continue;
                std::string id = resource[field]["reference"].get<std::string>().substr(8);
                EXPECT_TRUE(clients.count(id)) << type << " refers to an unknown patient";
            }
        }
    }

    // The pseudonymised export holds no identity code, no regional client id and no name.
    Export pseudonymised = runExport(port, "/fhir/$export", researcher);
    EXPECT_EQ(pseudonymised.resources["Patient"].size(), clientsWithRecords.size());
    EXPECT_EQ(pseudonymised.resources["EpisodeOfCare"].size(), current["service_episode"]);
    std::set<std::string> forbidden(clients.begin(), clients.end());
    for (const auto& plan : full.resources["CarePlan"]) {
        if (plan.contains("author")) forbidden.insert(plan["author"]["display"].get<std::string>());
    }
    for (const auto& episode : full.resources["EpisodeOfCare"]) {
        for (const auto& extension : episode.value("extension", nlohmann::json::array())) {
            for (const auto& part : extension.value("extension", nlohmann::json::array())) {
                if (part["url"] == "name") forbidden.insert(part["valueString"].get<std::string>());
            }
        }
    }
    for (const auto& goal : full.resources["Goal"])
        forbidden.insert(goal["description"]["text"].get<std::string>());
    const std::regex identityCode("[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]");
    for (const auto& [type, text] : pseudonymised.text) {
        EXPECT_FALSE(std::regex_search(text, identityCode)) << type;
        EXPECT_EQ(text.find("urn:oid:1.2.246.21\""), std::string::npos) << type;
        for (const auto& value : forbidden)
            EXPECT_EQ(text.find("\"" + value + "\""), std::string::npos) << type << ": " << value;
    }
    expectValidFhir(pseudonymised, workspace.folder() + "/pseudonymised");

    // Reads and searches, in the view of the token.
    const auto& episode = full.resources["EpisodeOfCare"].front();
    std::string episodeId = episode["id"];
    auto read = http(port, "GET", "/fhir/EpisodeOfCare/" + episodeId, county);
    EXPECT_EQ(read.status, 200);
    EXPECT_EQ(nlohmann::json::parse(read.body), episode);
    EXPECT_EQ(http(port, "GET", "/fhir/EpisodeOfCare/" + episodeId, researcher).status, 404)
        << "the pseudonymised view has ids of its own";
    EXPECT_EQ(http(port, "GET", "/fhir/EpisodeOfCare/no-such-id", county).status, 404);
    std::string patient = episode["patient"]["reference"].get<std::string>().substr(8);
    auto bundle = nlohmann::json::parse(
        http(port, "GET", "/fhir/EpisodeOfCare?patient=" + patient, county).body);
    EXPECT_EQ(bundle["type"], "searchset");
    std::size_t expected = 0;
    for (const auto& e : full.resources["EpisodeOfCare"])
        expected += e["patient"]["reference"] == "Patient/" + patient;
    EXPECT_EQ(bundle["total"], expected);
    EXPECT_EQ(http(port, "GET", "/fhir/EpisodeOfCare", county).status, 400);
    auto codes = http(port, "GET", "/fhir/CodeSystem/service-type", county);
    EXPECT_EQ(nlohmann::json::parse(codes.body)["concept"].size(), 5u);
    auto problem = http(port, "GET", "/fhir/EpisodeOfCare/no-such-id", county);
    // The validator's schema is R4's 4.0.0 build, whose list of FHIR versions ends before the
    // 4.0.1 technical correction the gateway (and fi-base) follow: the statement is checked with
    // that one field read as 4.0.0, everything else as sent.
    auto statement = nlohmann::json::parse(metadata.body);
    statement["fhirVersion"] = "4.0.0";
    expectValidFhir(full, workspace.folder() + "/full",
                    {statement, nlohmann::json::parse(codes.body), bundle,
                     nlohmann::json::parse(problem.body)});

    // An incremental export holds only what changed since the last one began.
    std::string since = full.manifest["transactionTime"];
    std::string text = readFile(copy);
    // An episode row whose id no other row shares gets an end date.
    std::istringstream lines(text);
    std::string line, changedEpisode;
    std::vector<std::string> rows;
    while (std::getline(lines, line)) rows.push_back(line);
    for (auto& row : rows) {
        if (row.rfind("JAKSO;", 0) != 0 || !changedEpisode.empty()) continue;
        std::vector<std::string> fields;
        std::istringstream parts(row);
        std::string field;
        while (std::getline(parts, field, ';')) fields.push_back(field);
        if (fields.size() < 12 || !fields[11].empty()) continue;
        std::size_t uses = 0;
        for (std::size_t at = text.find(";" + fields[4] + ";"); at != std::string::npos;
             at = text.find(";" + fields[4] + ";", at + 1))
            ++uses;
        if (uses != 1) continue;
        changedEpisode = fields[4];
        row.replace(row.find(";" + fields[10] + ";;"), fields[10].size() + 3,
                    ";" + fields[10] + ";31.12.2026;");
    }
    ASSERT_FALSE(changedEpisode.empty()) << "the sample has an open episode of one row";
    std::ofstream rewritten(copy, std::ios::binary | std::ios::trunc);
    for (const auto& row : rows) rewritten << row << "\n";
    rewritten.close();
    std::size_t before =
        nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"].size();
    EXPECT_EQ(
        http(port, "POST", "/v1/transfers", admin, "{\"source\": \"" + changing + "\"}").status,
        202);
    ASSERT_TRUE(eventually([&] {
        auto transfers =
            nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
        return transfers.size() > before && transfers[0]["state"] == "succeeded";
    }));
    Export incremental = runExport(port, "/fhir/$export?_since=" + since, county);
    std::size_t resources = 0;
    for (const auto& [type, list] : incremental.resources) resources += list.size();
    ASSERT_EQ(resources, 1u) << incremental.manifest.dump();
    const auto& changed = incremental.resources["EpisodeOfCare"].at(0);
    EXPECT_EQ(changed["identifier"][0]["value"], changedEpisode);
    EXPECT_EQ(changed["period"]["end"], "2026-12-31");
    EXPECT_EQ(changed["status"], "finished");
    auto typed = runExport(port, "/fhir/Patient/$export?_type=Patient", county);
    EXPECT_EQ(typed.resources.size(), 1u);

    // An export can be deleted; its files are then gone.
    auto accepted = http(port, "GET", "/fhir/$export?_type=Patient", county);
    std::string status = pathOf(accepted.headers.at("Content-Location"));
    EXPECT_EQ(http(port, "GET", status, researcher).status, 404) << "an export is its reader's";
    EXPECT_EQ(http(port, "DELETE", status, county).status, 202);
    EXPECT_EQ(http(port, "GET", status, county).status, 404);

    // Every read and export is in the audit log.
    auto audit = nlohmann::json::parse(
        http(port, "GET", "/v1/audit/feed-reads?limit=10000", county).body)["reads"];
    std::map<std::string, std::int64_t> read_;
    for (const auto& entry : audit) {
        if (entry["resource"].get<std::string>().rfind("/fhir/", 0) != 0) continue;
        read_[entry["reader"].get<std::string>() + " " + entry["view"].get<std::string>() + " " +
              entry["entity"].get<std::string>()] += entry["records"].get<std::int64_t>() + 1;
    }
    EXPECT_GE(read_["county fhir export "], 1);
    EXPECT_GE(read_["researcher fhir-pseudonymised export "], 1);
    EXPECT_GE(read_["county fhir service_episode"], 2) << "the read and the search";
    EXPECT_GE(read_["county fhir export service_episode"], 1) << "a file downloaded";
    EXPECT_GE(read_["admin  "], 1) << "a refused export is audited too";
}

}  // namespace
}  // namespace gw::test
