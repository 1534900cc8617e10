// Faults and load: gatewayd killed at points across pushes, queued and running transfers; a
// database held locked; a spool that cannot be written and a full disk; slow clients; inputs
// and feed pages that would take unbounded memory; and the smaller faults an audit found.
#include <Poco/File.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "gateway/store/sql_store.h"
#include "gateway/store/store_registry.h"
#include "process.h"
#include "tests/support/test_database.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

/// The clean rows of the Nokia sample, repeated to `rows` rows, with every record and episode
/// id prefixed by `tag`, so that each such export holds records of its own.
std::string taggedExport(const std::string& tag, int rows) {
    std::istringstream sample(readFile(sampleExport("nokia")));
    std::string header, line;
    std::getline(sample, header);
    std::set<long> dirty;
    for (const auto& reject : expectedRejects(std::string(GATEWAY_SOURCE_DIR) + "/samples/nokia"))
        dirty.insert(reject.line);
    std::vector<std::string> clean;
    for (long number = 2; std::getline(sample, line); ++number) {
        if (!line.empty() && dirty.count(number) == 0) clean.push_back(line);
    }
    std::string text = header + "\n";
    for (int i = 0; i < rows; ++i) {
        // TIETUE;TUNNUS;HETU;KOTIKUNTA;JAKSO_ID;... : the first five columns are never quoted.
        std::string row = clean[static_cast<std::size_t>(i) % clean.size()];
        std::string copy = tag + std::to_string(i / static_cast<int>(clean.size())) + "-";
        std::size_t second = row.find(';') + 1;
        row.insert(second, copy);
        std::size_t fifth = second;
        for (int column = 1; column < 4; ++column) fifth = row.find(';', fifth) + 1;
        if (row[fifth] != ';') row.insert(fifth, copy);
        text += row + "\n";
    }
    return text;
}

nlohmann::json transferLog(unsigned short port, const std::string& admin) {
    return nlohmann::json::parse(http(port, "GET", "/v1/transfers", admin).body)["transfers"];
}

/// Waits until no transfer is queued or running, and returns the log.
nlohmann::json settled(unsigned short port, const std::string& admin,
                       std::chrono::seconds limit = std::chrono::seconds(120)) {
    nlohmann::json log;
    EXPECT_TRUE(eventually(
        [&] {
            log = transferLog(port, admin);
            for (const auto& t : log) {
                if (t["state"] == "queued" || t["state"] == "running") return false;
            }
            return true;
        },
        limit))
        << log.dump();
    return log;
}

/// A workspace whose one source is Nokia's push of `asiakastiedot`, one worker.
std::map<std::string, std::string> pushConfig(unsigned short port) {
    return {{"http.port", std::to_string(port)},
            {"logging.level", "information"},
            {"transfers.workers", "1"},
            {"sources", "nokia"},
            {"source.nokia.kind", "push"},
            {"source.nokia.dataset", "asiakastiedot"},
            {"source.nokia.mapping", std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json"}};
}

class KillPoints : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Backends, KillPoints, ::testing::ValuesIn(storeBackends()));

TEST_P(KillPoints, EveryAcknowledgedPushIsStoredExactlyOnceWhereverTheDaemonIsKilled) {
    TestDatabase database(GetParam());
    unsigned short port = freeLoopbackPort();
    auto config = pushConfig(port);
    config["store.backend"] = database.backend();
    config["store.connection"] = database.connection();
    GatewayWorkspace workspace({}, config);
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    const int rows = 2000;

    struct Acknowledged {
        std::string tag;
        long id;
    };
    std::vector<Acknowledged> acknowledged;
    int next = 0;
    // Each point kills a little later into a stream of slow uploads, so that the kills fall in
    // uploads, on queued transfers and on running ones.
    const int points = 11;
    for (int point = 0; point < points; ++point) {
        RunningGateway gateway(workspace.configFile(), port);
        std::atomic<bool> killed{false};
        std::mutex mutex;
        std::thread pusher([&] {
            while (!killed) {
                std::string tag = "K" + std::to_string(next++) + "x";
                try {
                    auto reply = push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv",
                                      taggedExport(tag, rows), 8, milliseconds(25));
                    if (reply.status == 202) {
                        std::lock_guard<std::mutex> lock(mutex);
                        acknowledged.push_back({tag, nlohmann::json::parse(reply.body)["id"]});
                    }
                } catch (const Poco::Exception&) {
                    // cut off by the kill: never acknowledged
                }
            }
        });
        std::this_thread::sleep_for(milliseconds(120 + 170 * point));
        gateway.stop(SIGKILL);
        killed = true;
        pusher.join();
    }
    ASSERT_GE(acknowledged.size(), 5u) << "the kills came too early to test anything";

    // The restart takes up what was acknowledged and not finished.
    RunningGateway gateway(workspace.configFile(), port);
    auto log = settled(port, admin);
    auto store = builtinStores().open(database.backend(), database.connection());
    auto count = [&](const std::string& query) {
        Poco::Int64 n = 0;
        auto session = dynamic_cast<SqlStore&>(*store).session();
        session << query, into(n), now;
        return n;
    };
    // What one push stores when nothing goes wrong: the same export under a tag of its own,
    // pushed once more to the restarted daemon.
    ASSERT_EQ(push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", taggedExport("Qx", rows))
                  .status,
              202);
    log = settled(port, admin);
    const std::string episodes =
        std::to_string(count("SELECT COUNT(*) FROM record_heads WHERE entity = 'service_episode'"
                             " AND source_record_id LIKE 'Qx%'"));
    ASSERT_NE(episodes, "0");
    for (const auto& push : acknowledged) {
        std::string input;
        for (const auto& t : log) {
            if (t["id"] == push.id) input = t["input"];
        }
        ASSERT_FALSE(input.empty()) << "transfer " << push.id;
        EXPECT_EQ(count("SELECT COUNT(*) FROM transfers WHERE input = '" + input +
                        "' AND state = 'succeeded' AND records_read = " + std::to_string(rows)),
                  1)
            << push.tag << " was acknowledged, so it is read to its end once";
        EXPECT_EQ(std::to_string(count("SELECT COUNT(*) FROM record_heads WHERE entity = "
                                       "'service_episode' AND source_record_id LIKE '" +
                                       push.tag + "%'")),
                  episodes)
            << push.tag << ": every episode of the push is stored";
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM (SELECT entity, source_record_id, content_hash"
                    " FROM records GROUP BY entity, source_record_id, content_hash"
                    " HAVING COUNT(*) > 1) AS twice"),
              0)
        << "no version is stored twice";
    auto reconciled = runProcess(GATEWAYCTL_PATH, {"reconcile", "--config", workspace.configFile(),
                                                   "--municipality", "536"});
    EXPECT_EQ(reconciled.exitCode, 0) << reconciled.out << reconciled.err;
    // A transfer that was cut off says it did not read its whole input.
    for (const auto& t : log) {
        if (t["state"] != "interrupted") continue;
        auto r = nlohmann::json::parse(
            http(port, "GET",
                 "/v1/transfers/" + std::to_string(t["id"].get<long>()) + "/reconciliation", admin)
                .body);
        EXPECT_FALSE(r["addsUp"].get<bool>()) << r.dump();
    }
    std::cout << "kill points survived: " << points << " (" << GetParam() << "), "
              << acknowledged.size() << " acknowledged pushes, each stored once" << std::endl;
}

TEST(Faults, ADatabaseLockedForLongerThanABatchIsWaitedForAndTheTransferCompletes) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace(
        {"nokia"}, {{"http.port", std::to_string(port)}, {"logging.level", "information"}});
    std::ofstream(workspace.folder() + "/large.csv") << taggedExport("L", 24000);
    std::string config = workspace.writeConfig(
        "gateway", {{"source.nokia.path", workspace.folder() + "/large.csv"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(config, port);
    ASSERT_TRUE(eventually([&] {
        auto log = transferLog(port, admin);
        return !log.empty() && log[0]["state"] == "running" && log[0]["counts"]["read"] > 0;
    }));
    // Held for 12 s: longer than SQLite's own wait (10 s) and than any batch.
    auto locker = runProcess("/usr/bin/python3",
                             {"-c",
                              "import sqlite3, sys, time\n"
                              "c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)\n"
                              "c.execute('BEGIN EXCLUSIVE')\n"
                              "time.sleep(12)\n"
                              "c.execute('ROLLBACK')\n",
                              workspace.database()});
    ASSERT_EQ(locker.exitCode, 0) << locker.err;
    EXPECT_EQ(http(port, "GET", "/healthz").status, 200) << "the daemon is up";
    auto log = settled(port, admin);
    EXPECT_EQ(log[0]["state"], "succeeded") << log[0].dump();
    EXPECT_EQ(log[0]["counts"]["read"], 24000);
    EXPECT_NE(readFile(workspace.logFile()).find("the database is locked by another writer"),
              std::string::npos);
}

TEST(Faults, AnUnwritableSpoolAndAFullDiskAreRefusedClearlyAndNothingIsAcknowledgedUnstored) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, pushConfig(port));
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    {
        // The spool is a file where a folder should be: it cannot take anything.
        std::ofstream(workspace.folder() + "/var/push") << "in the way";
        RunningGateway gateway(workspace.configFile(), port);
        auto refused =
            push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", taggedExport("U", 50));
        EXPECT_EQ(refused.status, 507) << refused.body;
        EXPECT_NE(refused.body.find("spool"), std::string::npos);
        EXPECT_EQ(http(port, "GET", "/healthz").status, 200);
        EXPECT_TRUE(transferLog(port, admin).empty()) << "nothing acknowledged";
        Poco::File(workspace.folder() + "/var/push").remove();
    }
    // A file-size limit of 2 MB: a larger push cannot be written, a smaller one is stored.
    RunningGateway gateway(workspace.configFile(), port, {"/usr/bin/prlimit", "--fsize=2000000"});
    auto tooLarge =
        push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", taggedExport("F", 12000));
    EXPECT_EQ(tooLarge.status, 507) << tooLarge.body;
    EXPECT_EQ(http(port, "GET", "/healthz").status, 200) << "the daemon is up";
    EXPECT_TRUE(transferLog(port, admin).empty()) << "nothing acknowledged that was not stored";
    EXPECT_TRUE(filesIn(workspace.folder() + "/var/push").empty()) << "no partial file is left";
    auto small =
        push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", taggedExport("S", 100));
    ASSERT_EQ(small.status, 202) << small.body;
    EXPECT_EQ(settled(port, admin)[0]["state"], "succeeded");
}

TEST(Faults, ADropFileClaimedButNeverQueuedIsTakenUpAtTheNextStart) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace(
        {}, {{"http.port", std::to_string(port)},
             {"sources", "nokia"},
             {"source.nokia.kind", "drop"},
             {"source.nokia.folder", "drop"},
             {"source.nokia.mapping", std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    // What a crash between the claim (the rename into processing/) and the queue leaves.
    Poco::File(workspace.folder() + "/drop/processing").createDirectories();
    std::ofstream(workspace.folder() + "/drop/processing/vienti.csv.claimed")
        << taggedExport("D", 100);
    RunningGateway gateway(workspace.configFile(), port);
    auto log = settled(port, admin);
    ASSERT_EQ(log.size(), 1u) << log.dump();
    EXPECT_EQ(log[0]["state"], "succeeded");
    EXPECT_EQ(log[0]["counts"]["read"], 100);
    // Filed away just after the transfer's end is logged: waited for, not raced.
    EXPECT_TRUE(eventually([&] {
        return filesIn(workspace.folder() + "/drop/archive") ==
               std::vector<std::string>{"vienti.csv.claimed"};
    })) << "the claimed input is archived once stored";
}

/// A raw connection that sends what it is given, for clients no library would be.
class RawClient {
  public:
    explicit RawClient(unsigned short port) : socket_(Poco::Net::SocketAddress("127.0.0.1", port)) {
        socket_.setReceiveTimeout(Poco::Timespan(5, 0));
    }
    void send(const std::string& text) {
        socket_.sendBytes(text.data(), static_cast<int>(text.size()));
    }
    /// Everything the server sends until it closes (or the receive timeout).
    std::string receiveAll() {
        std::string text;
        char buffer[4096];
        try {
            for (int got; (got = socket_.receiveBytes(buffer, sizeof buffer)) > 0;)
                text.append(buffer, static_cast<std::size_t>(got));
        } catch (const Poco::Exception&) {
        }
        return text;
    }

  private:
    Poco::Net::StreamSocket socket_;
};

TEST(Load, HealthAnswersWithinASecondUnderSixtyFourSlowClientsAndFeedReaders) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia", "tampere"}, {{"http.port", std::to_string(port)},
                                                      {"http.readTimeoutSeconds", "6"},
                                                      {"logging.level", "warning"}});
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string county = workspace.addToken("county", "feed:read");
    RunningGateway gateway(workspace.configFile(), port);
    settled(port, admin);

    // 64 connections that send their head a byte at a time, a second apart, and never finish.
    std::vector<std::unique_ptr<RawClient>> slow;
    for (int i = 0; i < 64; ++i) {
        slow.push_back(std::make_unique<RawClient>(port));
        slow.back()->send("GET /v1/feeds/client HTTP/1.1\r\n");
    }
    std::atomic<bool> done{false};
    std::atomic<int> feedPages{0};
    std::vector<std::thread> readers;
    for (int r = 0; r < 3; ++r) {
        readers.emplace_back([&] {
            while (!done) {
                if (http(port, "GET", "/v1/feeds/service_episode?limit=500", county).status == 200)
                    ++feedPages;
            }
        });
    }
    std::thread dripper([&] {
        while (!done) {
            for (auto& client : slow) {
                try {
                    client->send("X");
                } catch (const Poco::Exception&) {
                }
            }
            std::this_thread::sleep_for(milliseconds(1000));
        }
    });
    milliseconds slowest(0);
    auto until = Clock::now() + std::chrono::seconds(8);
    while (Clock::now() < until) {
        auto asked = Clock::now();
        EXPECT_EQ(http(port, "GET", "/healthz").status, 200);
        slowest = std::max(slowest, std::chrono::duration_cast<milliseconds>(Clock::now() - asked));
        std::this_thread::sleep_for(milliseconds(100));
    }
    done = true;
    dripper.join();
    for (auto& reader : readers) reader.join();
    EXPECT_LT(slowest.count(), 1000) << "/healthz answered within a second throughout";
    EXPECT_GT(feedPages.load(), 10) << "the feed readers were served too";
    EXPECT_NE(slow.front()->receiveAll().find("408"), std::string::npos)
        << "a head that never finishes is answered 408 after the read timeout";
    std::cout << "slowest /healthz under 64 slow clients and 3 feed readers: " << slowest.count()
              << " ms, " << feedPages.load() << " feed pages served" << std::endl;
}

TEST(Http, ARefusedRequestIsAnsweredBeforeItsBodyIsRead) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, pushConfig(port));
    std::string nokia = workspace.addToken("nokia", "push:536");
    RunningGateway gateway(workspace.configFile(), port);
    for (const std::string& authorization :
         {std::string(), "Authorization: Bearer " + nokia + "\r\n"}) {
        RawClient client(port);
        auto asked = Clock::now();
        client.send("POST /v1/push/536/asiakastiedot HTTP/1.1\r\nHost: x\r\n" + authorization +
                    "Content-Type: text/csv\r\nContent-Length: 3221225472\r\n\r\nTIETUE;");
        std::string answer = client.receiveAll();
        EXPECT_LT(std::chrono::duration_cast<milliseconds>(Clock::now() - asked).count(), 3000);
        EXPECT_EQ(answer.rfind(authorization.empty() ? "HTTP/1.1 401" : "HTTP/1.1 413", 0), 0u)
            << answer;
    }
    RawClient unsized(port);
    unsized.send("POST /v1/push/536/asiakastiedot HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                 nokia + "\r\nContent-Type: text/csv\r\n\r\nTIETUE;");
    EXPECT_EQ(unsized.receiveAll().rfind("HTTP/1.1 411", 0), 0u);
}

TEST(Http, TheBearerSchemeIsCaseInsensitiveAndTokensAreReadAgainOnSighup) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, pushConfig(port));
    std::string admin = workspace.addToken("admin", "transfers:admin");
    RunningGateway gateway(workspace.configFile(), port);
    RawClient lower(port);
    lower.send("GET /v1/transfers HTTP/1.1\r\nHost: x\r\nAuthorization: bearer " + admin +
               "\r\n\r\n");
    EXPECT_EQ(lower.receiveAll().rfind("HTTP/1.1 200", 0), 0u);

    std::string later = workspace.addToken("later", "transfers:admin");
    EXPECT_EQ(http(port, "GET", "/v1/transfers", later).status, 401) << "not read yet";
    ::kill(gateway.pid(), SIGHUP);
    EXPECT_TRUE(eventually([&] { return http(port, "GET", "/v1/transfers", later).status == 200; },
                           std::chrono::seconds(10)));
    EXPECT_EQ(http(port, "GET", "/healthz").status, 200) << "SIGHUP does not stop the daemon";
}

TEST(Transfers, AnEmptyInputIsAWarningAndAnAdminReRunsAFinishedTransferOverItsKeptInput) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, pushConfig(port));
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    RunningGateway gateway(workspace.configFile(), port);
    std::string header = taggedExport("E", 0);
    ASSERT_EQ(push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", header).status, 202);
    auto empty = settled(port, admin)[0];
    EXPECT_EQ(empty["state"], "succeeded");
    EXPECT_NE(empty.value("warning", "").find("no records"), std::string::npos) << empty.dump();

    auto stored =
        push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", taggedExport("R", 300));
    ASSERT_EQ(stored.status, 202);
    long first = nlohmann::json::parse(stored.body)["id"];
    settled(port, admin);
    EXPECT_EQ(http(port, "POST", "/v1/transfers", admin, R"({"source": "nokia"})").status, 409);
    auto again = http(port, "POST", "/v1/transfers/" + std::to_string(first) + "/reprocess", admin);
    ASSERT_EQ(again.status, 202) << again.body;
    auto log = settled(port, admin);
    EXPECT_EQ(log[0]["id"], nlohmann::json::parse(again.body)["id"]);
    EXPECT_EQ(log[0]["state"], "succeeded");
    EXPECT_EQ(log[0]["counts"]["read"], 300);
    EXPECT_EQ(log[0]["counts"]["stored"], 0) << "the same input again stores nothing new";
    EXPECT_EQ(
        http(port, "POST", "/v1/transfers/" + std::to_string(first) + "/reprocess", nokia).status,
        403);
    // Its archived input gone (retention), it cannot run again.
    for (const auto& name : filesIn(workspace.folder() + "/var/push/archive"))
        Poco::File(workspace.folder() + "/var/push/archive/" + name).remove();
    EXPECT_EQ(
        http(port, "POST", "/v1/transfers/" + std::to_string(first) + "/reprocess", admin).status,
        410);
}

/// The peak resident memory of a process so far, in MiB (VmHWM).
long peakMiB(int pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6)) / 1024;
    }
    return -1;
}

TEST(Load, AWideCsvAndAPageOfMaximumSizeRecordsStayWithinTheirMemoryBound) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({}, pushConfig(port));
    std::string admin = workspace.addToken("admin", "transfers:admin");
    std::string nokia = workspace.addToken("nokia", "push:536");
    std::string county = workspace.addToken("county", "feed:read");
    RunningGateway gateway(workspace.configFile(), port);

    // 100 000 columns: a header the adapter refuses at once, whatever follows.
    std::string wide(100000, ';');
    std::string body = "TIETUE" + wide + "\n";
    for (int row = 0; row < 400; ++row) body += "TYO" + wide + "\n";
    auto pushed = push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", body);
    ASSERT_EQ(pushed.status, 202);
    auto wideTransfer = settled(port, admin)[0];
    EXPECT_EQ(wideTransfer["state"], "failed");
    EXPECT_NE(wideTransfer["error"].get<std::string>().find("columns"), std::string::npos);
    long afterWide = peakMiB(gateway.pid());

    // Over 10 000 client plans of the largest size the schema allows, read with the largest
    // page a client may ask for.
    std::string rows = taggedExport("M", 34000);
    std::string longText(1900, 'x');
    std::string big;
    std::istringstream lines(rows);
    std::string line;
    std::getline(lines, line);
    big = line + "\n";
    while (std::getline(lines, line)) {
        // TAVOITE1 (goal text) and the workers' names at their largest.
        std::vector<std::string> fields;
        std::string field;
        bool quoted = false;
        for (char c : line) {
            if (c == '"') quoted = !quoted;
            if (c == ';' && !quoted) {
                fields.push_back(field);
                field.clear();
            } else {
                field += c;
            }
        }
        fields.push_back(field);
        if (fields[0] == "SUUNNITELMA") {
            fields[17] = std::string(190, 'n');
            fields[18] = std::string(190, 'm');
            fields[19] = longText;
        }
        std::string joined;
        for (std::size_t i = 0; i < fields.size(); ++i) joined += (i ? ";" : "") + fields[i];
        big += joined + "\n";
    }
    ASSERT_EQ(push(port, "/v1/push/536/asiakastiedot", nokia, "text/csv", big).status, 202);
    settled(port, admin);
    std::size_t bytes = 0, records = 0, pages = 0;
    for (std::string after = "0"; records < 10000; ++pages) {
        auto page = http(port, "GET", "/v1/feeds/client_plan?limit=10000&after=" + after, county);
        ASSERT_EQ(page.status, 200);
        ASSERT_NE(page.headers["X-Record-Count"], "0") << "fewer plans than meant";
        bytes += page.body.size();
        records += std::stoul(page.headers["X-Record-Count"]);
        after = page.headers["X-Next-Cursor"];
    }
    long afterFeeds = peakMiB(gateway.pid());
    std::cout << "peak RSS: " << afterWide << " MiB after a 100 000-column CSV of "
              << body.size() / 1000000 << " MB; " << afterFeeds << " MiB after " << records
              << " client plans of the largest size (" << bytes / 1000000 << " MB) read in "
              << pages << " pages" << std::endl;
    // Bounds documented in docs/architecture.md: the daemon's own size plus the budgets.
    EXPECT_LT(afterWide, 200);
    EXPECT_LT(afterFeeds, 300);
}

}  // namespace
}  // namespace gw::test
