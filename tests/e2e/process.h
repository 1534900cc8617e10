#pragma once

#include <Poco/Exception.h>
#include <Poco/Process.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace gw::test {

/// What a finished child process left behind.
struct ProcessResult {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs a program to its end, capturing both output streams.
ProcessResult runProcess(const std::string& program, const std::vector<std::string>& arguments);

/// The bundled sample export of a municipality (the file in samples/<name>/ beside its
/// expected-rejects.csv).
std::string sampleExport(const std::string& municipality);

/// Every municipality with a bundled sample, by folder name.
std::vector<std::string> sampleMunicipalities();

/// A temporary folder with a gatewayd configuration whose sources are the bundled samples of the
/// named municipalities, through their bundled mappings; removed at the end of the test. The
/// identity mode is production's (temporary codes never linked across sources) unless `extra`
/// sets identity.linkTemporaryCodes, as the bundled demo does.
class GatewayWorkspace {
  public:
    /// `extra` adds or overrides configuration keys.
    explicit GatewayWorkspace(const std::vector<std::string>& municipalities,
                              std::map<std::string, std::string> extra = {});
    ~GatewayWorkspace();

    std::string configFile() const { return folder_ + "/gateway.properties"; }
    /// Writes a second configuration beside the first, with `overrides`, and returns its path
    /// (for another instance on the same store).
    std::string writeConfig(const std::string& name,
                            const std::map<std::string, std::string>& overrides) const;
    std::string folder() const { return folder_; }
    /// Adds a bearer token with `scopes` through `gatewayctl token add` and returns it.
    std::string addToken(const std::string& name, const std::string& scopes) const;
    std::string database() const { return folder_ + "/var/gateway.db"; }
    std::string logFile() const { return folder_ + "/var/log/gatewayd.log"; }

  private:
    std::string folder_;
    std::map<std::string, std::string> config_;
};

/// gatewayd running in the foreground on a configuration; stopped with SIGTERM at the end of the
/// test if it still runs.
class RunningGateway {
  public:
    /// Starts it and waits until /readyz answers 200 on `port`. With a `wrapper` (a program and
    /// its arguments, such as prlimit), gatewayd runs under it.
    RunningGateway(const std::string& configFile, unsigned short port,
                   const std::vector<std::string>& wrapper = {});
    ~RunningGateway();

    unsigned short port() const { return port_; }
    int pid() const { return process_.id(); }
    /// Sends `signal` and waits for the exit code.
    int stop(int signal);

  private:
    Poco::ProcessHandle process_;
    unsigned short port_;
    bool running_ = true;
};

/// What an HTTP request got back.
struct HttpReply {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;
};

/// One HTTP request to gatewayd on loopback, with a bearer token unless `token` is empty, a JSON
/// body unless `body` is empty, and `headers` besides.
HttpReply http(unsigned short port, const std::string& method, const std::string& path,
               const std::string& token = "", const std::string& body = "",
               const std::map<std::string, std::string>& headers = {});

/// One push of an export with its Content-Type and a bearer token unless `token` is empty; the
/// body goes in `parts` pieces, `pause` apart.
HttpReply push(unsigned short port, const std::string& path, const std::string& token,
               const std::string& contentType, const std::string& body, int parts = 1,
               std::chrono::milliseconds pause = std::chrono::milliseconds(0));

/// Polls until `done` holds or the deadline passes; true if it held. A Poco exception (nothing
/// listening yet) counts as not yet.
template <typename Predicate>
bool eventually(Predicate done, std::chrono::seconds limit = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            if (done()) return true;
        } catch (const Poco::Exception&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

/// A TCP port on loopback that nothing listens on right now.
unsigned short freeLoopbackPort();

/// The names of the files (not folders) in a folder, sorted; none when it does not exist.
std::vector<std::string> filesIn(const std::string& folder);

/// The whole content of a file.
std::string readFile(const std::string& path);

/// The deliberately dirty records the sample generator wrote for an export: line, record, rule,
/// and the field at fault where it is deep inside a nested record (else empty: not compared).
struct ExpectedReject {
    long line;
    long record;
    std::string rule;
    std::string field = "";
    bool operator<(const ExpectedReject& o) const { return record < o.record; }
    bool operator==(const ExpectedReject& o) const {
        return line == o.line && record == o.record && rule == o.rule &&
               (field.empty() || o.field.empty() || field == o.field);
    }
};
std::vector<ExpectedReject> expectedRejects(const std::string& sampleFolder);

/// The number of data rows of a sample export (every row is one physical line after the header).
long sampleRows(const std::string& csvFile);

/// The municipalities of the 2021 survey, whose samples reproduce its placement table.
const std::vector<std::string>& surveyMunicipalities();

}  // namespace gw::test
