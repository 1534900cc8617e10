// What the gateway keeps and returns about people: masked messages, files for its own user
// alone, inputs deleted when their time is up, each municipality following its own pushes, and
// every attempt to read personal data audited.
#include <Poco/File.h>
#include <Poco/Timespan.h>
#include <Poco/Timestamp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gateway/core/identity_code.h"
#include "process.h"

namespace gw::test {
namespace {

const std::string kCode = "131052-308T";

/// The Nokia sample with one more row whose service column holds an identity code.
std::string nokiaWithACodeInAColumn() {
    std::string text = readFile(sampleExport("nokia"));
    std::string second = text.substr(text.find('\n') + 1);
    second = second.substr(0, second.find('\n'));
    std::string row = second;
    std::size_t from = 0;
    for (int i = 0; i < 5; ++i) from = row.find(';', from) + 1;  // PALVELU is the sixth column
    std::size_t to = row.find(';', from);
    row.replace(from, to - from, kCode);
    return text + row + "\n";
}

int modeOf(const std::string& path) {
    struct stat status {};
    EXPECT_EQ(::stat(path.c_str(), &status), 0) << path;
    return static_cast<int>(status.st_mode & 0777);
}

class Privacy : public ::testing::Test {
  protected:
    Privacy()
        : port_(freeLoopbackPort()),
          workspace_({}, {{"http.port", std::to_string(port_)},
                          {"sources", "nokia,tampere,juupajoki"},
                          {"source.nokia.kind", "push"},
                          {"source.nokia.dataset", "asiakastiedot"},
                          {"source.nokia.mapping", mapping("nokia")},
                          {"source.tampere.kind", "push"},
                          {"source.tampere.dataset", "asiakastiedot"},
                          {"source.tampere.mapping", mapping("tampere")},
                          {"source.juupajoki.kind", "drop"},
                          {"source.juupajoki.folder", "drop"},
                          {"source.juupajoki.mapping", mapping("juupajoki")}}) {}

    static std::string mapping(const std::string& m) {
        return std::string(GATEWAY_SOURCE_DIR) + "/mappings/" + m + ".json";
    }
    std::string var(const std::string& name) const { return workspace_.folder() + "/var/" + name; }

    /// Waits for a transfer to end and returns it as an admin sees it.
    nlohmann::json finished(long id, const std::string& admin) {
        nlohmann::json transfer;
        EXPECT_TRUE(eventually([&] {
            transfer = nlohmann::json::parse(
                http(port_, "GET", "/v1/transfers/" + std::to_string(id), admin).body);
            return transfer["state"] != "queued" && transfer["state"] != "running";
        })) << transfer.dump();
        return transfer;
    }

    unsigned short port_;
    GatewayWorkspace workspace_;
};

TEST_F(Privacy, MessagesAreMaskedAndAPushTokenFollowsItsOwnTransfersOnly) {
    // A drop whose XML names an entity that holds a code: the parser quotes it.
    Poco::File(workspace_.folder() + "/drop").createDirectories();
    std::ofstream(workspace_.folder() + "/drop/vienti.xml")
        << "<?xml version=\"1.0\"?>\n<vienti>&h" << kCode << ";</vienti>\n";
    std::ofstream(workspace_.folder() + "/drop/vienti.xml.done");
    std::string admin = workspace_.addToken("admin", "transfers:admin");
    std::string nokia = workspace_.addToken("nokia", "push:536");
    std::string tampere = workspace_.addToken("tampere", "push:837");
    std::string county = workspace_.addToken("county", "feed:read,audit:read");
    RunningGateway gateway(workspace_.configFile(), port_);

    auto ours =
        push(port_, "/v1/push/536/asiakastiedot", nokia, "text/csv", nokiaWithACodeInAColumn());
    ASSERT_EQ(ours.status, 202) << ours.body;
    long ourId = nlohmann::json::parse(ours.body)["id"];
    auto theirs = push(port_, "/v1/push/837/asiakastiedot", tampere, "text/csv",
                       readFile(sampleExport("tampere")));
    ASSERT_EQ(theirs.status, 202) << theirs.body;
    long theirId = nlohmann::json::parse(theirs.body)["id"];
    EXPECT_EQ(finished(ourId, admin)["state"], "succeeded");
    finished(theirId, admin);

    // The municipality follows its own push: the transfer, its rejects, its report.
    auto own = http(port_, "GET", "/v1/transfers/" + std::to_string(ourId), nokia);
    ASSERT_EQ(own.status, 200) << own.body;
    EXPECT_EQ(nlohmann::json::parse(own.body)["municipality"], "536");
    EXPECT_EQ(http(port_, "GET", "/v1/transfers/" + std::to_string(theirId), nokia).status, 404)
        << "another municipality's transfer does not exist for this token";
    EXPECT_EQ(
        http(port_, "GET", "/v1/transfers/" + std::to_string(theirId) + "/rejects", nokia).status,
        404);
    auto visible = nlohmann::json::parse(http(port_, "GET", "/v1/transfers", nokia).body);
    EXPECT_EQ(visible["transfers"].size(), 1u);
    for (const auto& t : visible["transfers"]) EXPECT_EQ(t["municipality"], "536");
    auto rejects = http(port_, "GET",
                        "/v1/transfers/" + std::to_string(ourId) + "/rejects?limit=10000", nokia);
    ASSERT_EQ(rejects.status, 200) << rejects.body;
    EXPECT_EQ(rejects.body.find(kCode), std::string::npos) << rejects.body;
    EXPECT_NE(rejects.body.find("131052-****"), std::string::npos)
        << "the unmapped code's message, masked: " << rejects.body;
    auto report =
        http(port_, "GET", "/v1/transfers/" + std::to_string(ourId) + "/rejection-report", nokia);
    ASSERT_EQ(report.status, 200);
    EXPECT_EQ(report.headers["Content-Type"], "text/csv; charset=utf-8");
    EXPECT_EQ(report.body.rfind("tiedosto;rivi;tietue;vaihe;sääntö;kenttä;syy\r\n", 0), 0u);
    EXPECT_EQ(report.body.find(kCode), std::string::npos);
    long rows = 0;
    for (char c : report.body) rows += c == '\n';
    EXPECT_EQ(rows - 1, finished(ourId, admin)["counts"]["rejected"].get<long>());

    // The failed drop: its error and its reason file are masked too.
    nlohmann::json failed;
    ASSERT_TRUE(eventually([&] {
        auto log = nlohmann::json::parse(http(port_, "GET", "/v1/transfers", admin).body);
        for (const auto& t : log["transfers"]) {
            if (t["source"] == "juupajoki" && t["state"] == "failed") failed = t;
        }
        return !failed.is_null();
    }));
    EXPECT_EQ(failed.dump().find(kCode), std::string::npos) << failed.dump();
    EXPECT_NE(failed.dump().find("131052-****"), std::string::npos) << failed.dump();
    std::string reason;
    ASSERT_TRUE(eventually([&] {
        for (const auto& name : filesIn(workspace_.folder() + "/drop/failed")) {
            if (name.size() > 11 && name.substr(name.size() - 11) == ".reason.txt")
                reason = readFile(workspace_.folder() + "/drop/failed/" + name);
        }
        return !reason.empty();
    }));
    EXPECT_NE(reason.find("131052-****"), std::string::npos) << reason;
    EXPECT_EQ(reason.find(kCode), std::string::npos) << reason;

    // Every attempt to read personal data is audited, refused ones too, with the address.
    EXPECT_EQ(http(port_, "GET", "/v1/feeds/client").status, 401);
    EXPECT_EQ(http(port_, "GET", "/v1/feeds/client", nokia).status, 403);
    EXPECT_EQ(http(port_, "GET", "/v1/feeds/nothing", county).status, 404);
    EXPECT_EQ(http(port_, "GET", "/v1/feeds/client?after=x", county).status, 400);
    auto audit = nlohmann::json::parse(
        http(port_, "GET", "/v1/audit/feed-reads?limit=10000", county).body)["reads"];
    std::map<int, int> byStatus;
    bool rejectsReadByNokia = false;
    for (const auto& read : audit) {
        ++byStatus[read["status"].get<int>()];
        EXPECT_EQ(read["address"], "127.0.0.1");
        rejectsReadByNokia |= read["reader"] == "nokia" && read["view"] == "rejects";
    }
    EXPECT_TRUE(rejectsReadByNokia) << audit.dump();
    for (int status : {401, 403, 404, 400}) EXPECT_GE(byStatus[status], 1) << status;
}

TEST_F(Privacy, FilesAreForTheGatewaysUserAloneAndAStoreOthersCanReadIsRefused) {
    std::string nokia = workspace_.addToken("nokia", "push:536");
    {
        RunningGateway gateway(workspace_.configFile(), port_);
        ASSERT_EQ(push(port_, "/v1/push/536/asiakastiedot", nokia, "text/csv",
                       readFile(sampleExport("nokia")))
                      .status,
                  202);
    }
    for (const std::string& file :
         {var("gateway.db"), var("secrets.properties"), var("log/gatewayd.log")})
        EXPECT_EQ(modeOf(file) & 077, 0) << file;
    for (const std::string& folder : {var(""), var("log"), var("push")})
        EXPECT_EQ(modeOf(folder) & 077, 0) << folder;
    if (::geteuid() == 0) {
        // What the audit did: read the store as another local user.
        auto asNobody =
            runProcess("/usr/sbin/runuser", {"-u", "nobody", "--", "/bin/cat", var("gateway.db")});
        EXPECT_NE(asNobody.exitCode, 0);
        EXPECT_TRUE(asNobody.out.empty());
    }

    for (const std::string& file : {var("gateway.db"), var("secrets.properties")}) {
        ::chmod(file.c_str(), 0644);
        auto refused =
            runProcess(GATEWAYD_PATH, {"--config", workspace_.configFile(), "--run-once"});
        EXPECT_NE(refused.exitCode, 0);
        EXPECT_NE(refused.err.find(file), std::string::npos) << refused.err;
        ::chmod(file.c_str(), 0600);
    }
}

TEST_F(Privacy, ExpiredInputsAndPartialUploadsAreDeletedAndEachDeletionLogged) {
    for (const std::string& folder : {var("push/archive"), var("push/failed"), var("push")})
        Poco::File(folder).createDirectories();
    auto write = [](const std::string& path, int daysOld) {
        std::ofstream(path) << kCode << "\n";
        Poco::File(path).setLastModified(Poco::Timestamp() - Poco::Timespan(daysOld, 0, 0, 0, 0));
    };
    write(var("push/archive/nokia-old.csv"), 31);
    write(var("push/failed/nokia-old.csv"), 40);
    write(var("push/archive/nokia-new.csv"), 29);
    write(var("push/.nokia-partial.csv.incoming"), 0);
    {
        RunningGateway gateway(workspace_.writeConfig("kept", {{"archive.keepDays", "30"}}), port_);
        EXPECT_TRUE(eventually([&] {
            return !Poco::File(var("push/archive/nokia-old.csv")).exists() &&
                   !Poco::File(var("push/failed/nokia-old.csv")).exists();
        }));
        EXPECT_TRUE(Poco::File(var("push/archive/nokia-new.csv")).exists());
        EXPECT_FALSE(Poco::File(var("push/.nokia-partial.csv.incoming")).exists());
    }
    std::string log = readFile(var("log/gatewayd.log"));
    EXPECT_NE(log.find("failed/nokia-old.csv: kept for archive.keepDays = 30 days"),
              std::string::npos);
    EXPECT_NE(log.find("archive/nokia-old.csv: kept for archive.keepDays = 30 days"),
              std::string::npos)
        << log;
    EXPECT_NE(log.find(".nokia-partial.csv.incoming: a partial upload"), std::string::npos);
}

TEST(Logs, JsonLinesAreOneObjectEachAndMaskedLikeTextLines) {
    GatewayWorkspace workspace({"nokia"}, {{"logging.format", "json"}, {"logging.level", "debug"}});
    auto run = runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    std::istringstream lines(readFile(workspace.logFile()));
    std::string line;
    int parsed = 0, masked = 0;
    while (std::getline(lines, line)) {
        auto object = nlohmann::json::parse(line);
        EXPECT_TRUE(object.contains("time") && object.contains("level") &&
                    object.contains("logger"))
            << line;
        ++parsed;
        masked += object["message"].get<std::string>().find("****") != std::string::npos;
        EXPECT_FALSE(holdsIdentityCode(object["message"].get<std::string>())) << line;
    }
    EXPECT_GT(parsed, 10);
    EXPECT_GT(masked, 0) << "the sample's bad identity codes are quoted, masked";
}

}  // namespace
}  // namespace gw::test
