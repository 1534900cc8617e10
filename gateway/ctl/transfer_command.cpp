#include "gateway/ctl/transfer_command.h"

#include <Poco/NumberParser.h>
#include <Poco/Util/Option.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <thread>

#include "gateway/core/errors.h"
#include "gateway/reports/change_report.h"
#include "gateway/reports/report.h"

namespace gw {
namespace {

int failed(const ApiClient::Reply& reply) {
    std::cerr << "gatewayctl: " << ApiClient::describe(reply) << std::endl;
    return Command::kRejected;
}

std::string number(const nlohmann::json& counts, const char* key) {
    return std::to_string(counts.value(key, 0L));
}

bool finished(const nlohmann::json& transfer) {
    std::string state = transfer.value("state", "");
    return state != "queued" && state != "running";
}

/// Follows transfer `id` until it ends, showing its progress on stderr; returns it as it ended,
/// or empty (the reason printed) when the API refused.
std::optional<nlohmann::json> waitFor(const ApiClient& api, std::int64_t id) {
    // A bar that moves while records come in: the total is not known until the end.
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    int tick = 0;
    nlohmann::json transfer;
    for (;;) {
        auto reply = api.get("/v1/transfers/" + std::to_string(id));
        if (reply.status != 200) {
            failed(reply);
            return std::nullopt;
        }
        transfer = reply.body;
        const auto& c = transfer["counts"];
        std::string bar(20, '.');
        for (int i = 0; i < 4; ++i) bar[static_cast<std::size_t>((tick + i) % 20)] = '#';
        std::string line = "[" + (finished(transfer) ? std::string(20, '#') : bar) + "] " +
                           transfer["state"].get<std::string>() + ": read " + number(c, "read") +
                           ", stored " + number(c, "stored") + ", unchanged " +
                           number(c, "unchanged") + ", rejected " + number(c, "rejected");
        if (terminal) std::cerr << "\r" << line << std::flush;
        if (finished(transfer)) {
            std::cerr << (terminal ? "\n" : line + "\n");
            break;
        }
        ++tick;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (transfer.contains("error")) std::cerr << "error: " << transfer["error"] << std::endl;
    return transfer;
}

}  // namespace

std::string TransferCommand::summary() const {
    return "Runs a source now on the gatewayd at --url (with --wait, shows its progress and exits "
           "0 only if it succeeded), lists the newest transfers, or shows one. The token needs "
           "transfers:admin.";
}

void TransferCommand::defineOptions(Poco::Util::OptionSet& options) {
    ApiCommand::defineOptions(options);
    options.addOption(Poco::Util::Option("wait", "w", "run: wait for the end, showing progress")
                          .repeatable(false));
}

void TransferCommand::handleOption(const std::string& name, const std::string& value) {
    ApiCommand::handleOption(name, value);
    if (name == "wait") wait_ = true;
}

int TransferCommand::run(const std::vector<std::string>& arguments) {
    const std::string verb = arguments.empty() ? "" : arguments[0];
    if (verb == "run" && arguments.size() == 2) {
        auto reply = api_.post("/v1/transfers", {{"source", arguments[1]}});
        if (reply.status != 202) return failed(reply);
        std::int64_t id = reply.body["id"];
        std::cout << "transfer " << id << " of " << arguments[1] << " queued" << std::endl;
        if (!wait_) return kOk;
        auto ended = waitFor(api_, id);
        return ended && (*ended)["state"] == "succeeded" ? kOk : kRejected;
    }
    if (verb == "list" && arguments.size() == 1) {
        auto reply = api_.get("/v1/transfers");
        if (reply.status != 200) return failed(reply);
        std::vector<std::vector<std::string>> rows = {
            {"id", "source", "state", "read", "stored", "unchanged", "rejected", "started"}};
        for (const auto& t : reply.body["transfers"]) {
            rows.push_back({std::to_string(t["id"].get<long>()), t["source"], t["state"],
                            number(t["counts"], "read"), number(t["counts"], "stored"),
                            number(t["counts"], "unchanged"), number(t["counts"], "rejected"),
                            t["startedAt"]});
        }
        printColumns(rows, std::cout);
        return kOk;
    }
    if (verb == "show" && arguments.size() == 2) {
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(arguments[1], id))
            throw ConfigError("a transfer id is a number");
        auto reply = api_.get("/v1/transfers/" + arguments[1]);
        if (reply.status != 200) return failed(reply);
        std::cout << reply.body.dump(2) << std::endl;
        return kOk;
    }
    throw ConfigError("usage: " + usage());
}

std::string CutoverCommand::summary() const {
    return "A municipality's cut-over on the gatewayd at --url: status; freeze (its schedules, "
           "pushes and runs are refused from then on, and a certificate of its current records, "
           "digests and transfers is signed); unfreeze (the certificate is then no longer "
           "valid); certificate, which writes DIR/siirtotodistus-CODE.json, its .sig and the "
           "public key, and prints the openssl command that checks them. The token needs "
           "transfers:admin.";
}

int CutoverCommand::run(const std::vector<std::string>& arguments) {
    const std::string verb = arguments.empty() ? "" : arguments[0];
    if (arguments.size() < 2) throw ConfigError("usage: " + usage());
    const std::string base = "/v1/municipalities/" + arguments[1];
    if (verb == "status" && arguments.size() == 2) {
        auto reply = api_.get(base + "/freeze");
        if (reply.status != 200) return failed(reply);
        std::cout << reply.body.dump(2) << std::endl;
        return kOk;
    }
    if ((verb == "freeze" || verb == "unfreeze") && arguments.size() == 2) {
        auto reply = api_.post(base + "/" + verb, nlohmann::json::object());
        if (reply.status != 200) return failed(reply);
        std::cout << reply.body.dump(2) << std::endl;
        return kOk;
    }
    if (verb == "certificate" && arguments.size() == 3) {
        const std::string stem = arguments[2] + "/siirtotodistus-" + arguments[1];
        auto certificate = api_.get(base + "/certificate");
        if (certificate.status != 200) return failed(certificate);
        auto signature = api_.get(base + "/certificate.sig");
        if (signature.status != 200) return failed(signature);
        auto key = api_.get("/v1/cutover/public-key");
        if (key.status != 200) return failed(key);
        for (const auto& [path, text] :
             {std::pair{stem + ".json", certificate.text}, std::pair{stem + ".sig", signature.text},
              std::pair{arguments[2] + "/gateway-public-key.pem", key.text}}) {
            std::ofstream out(path, std::ios::binary);
            if (!(out << text)) throw ConfigError("cannot write " + path);
        }
        std::cout << "openssl pkeyutl -verify -pubin -inkey " << arguments[2]
                  << "/gateway-public-key.pem -rawin -in " << stem << ".json -sigfile " << stem
                  << ".sig" << std::endl;
        return kOk;
    }
    throw ConfigError("usage: " + usage());
}

std::string ReprocessCommand::summary() const {
    return "Re-runs a finished transfer's input (--transfer ID), or every input a source still "
           "keeps (--source NAME), through the current mapping on the gatewayd at --url, as new "
           "transfers that name the ones they re-run; waits for them and prints what changed: "
           "source records newly stored, changed, unchanged, newly rejected and still rejected, "
           "the regional fields changed, and the mapping versions before and after. With "
           "--dry-run nothing is stored. The token needs transfers:admin.";
}

void ReprocessCommand::defineOptions(Poco::Util::OptionSet& options) {
    ApiCommand::defineOptions(options);
    options.addOption(Poco::Util::Option("transfer", "", "the transfer to re-run")
                          .argument("ID")
                          .repeatable(false));
    options.addOption(Poco::Util::Option("source", "", "re-run every input the source keeps")
                          .argument("NAME")
                          .repeatable(false));
    options.addOption(Poco::Util::Option("dry-run", "n", "report what would change; store nothing")
                          .repeatable(false));
    options.addOption(Poco::Util::Option("json", "", "print the report as JSON").repeatable(false));
}

void ReprocessCommand::handleOption(const std::string& name, const std::string& value) {
    ApiCommand::handleOption(name, value);
    if (name == "transfer") transfer_ = value;
    if (name == "source") source_ = value;
    if (name == "dry-run") dryRun_ = true;
    if (name == "json") json_ = true;
}

void ReprocessCommand::print(const nlohmann::json& report) const {
    if (json_) {
        std::cout << report.dump(2) << std::endl;
    } else {
        printChangeReport(report, std::cout);
        std::cout << std::endl;
    }
}

bool ReprocessCommand::waitAndReport(std::int64_t id) const {
    auto ended = waitFor(api_, id);
    if (!ended) return false;
    auto report = api_.get("/v1/transfers/" + std::to_string(id) + "/changes");
    if (report.status != 200) {
        failed(report);
        return false;
    }
    print(report.body);
    return (*ended)["state"] == "succeeded";
}

int ReprocessCommand::run(const std::vector<std::string>& arguments) {
    if (!arguments.empty() || transfer_.empty() == source_.empty())
        throw ConfigError("usage: " + usage());
    std::string query = dryRun_ ? "?dryRun=true" : "";
    if (!transfer_.empty()) {
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(transfer_, id))
            throw ConfigError("a transfer id is a number");
        auto reply = api_.post("/v1/transfers/" + transfer_ + "/reprocess" + query,
                               nlohmann::json::object());
        if (reply.status != (dryRun_ ? 200 : 202)) return failed(reply);
        if (dryRun_) {
            print(reply.body);
            return kOk;
        }
        std::cerr << "transfer " << reply.body["id"] << " re-runs transfer " << transfer_
                  << std::endl;
        return waitAndReport(reply.body["id"]) ? kOk : kRejected;
    }
    auto reply =
        api_.post("/v1/sources/" + source_ + "/reprocess" + query, nlohmann::json::object());
    if (reply.status != (dryRun_ ? 200 : 202)) return failed(reply);
    for (const auto& gone : reply.body["gone"])
        std::cerr << "transfer " << gone["transfer"]
                  << " is not re-run: " << gone["reason"].get<std::string>() << std::endl;
    if (dryRun_) {
        for (const auto& report : reply.body["reports"]) print(report);
        return kOk;
    }
    bool allSucceeded = true;
    for (const auto& transfer : reply.body["transfers"]) {
        std::cerr << "transfer " << transfer["id"] << " re-runs transfer "
                  << transfer["reprocessOf"] << std::endl;
        allSucceeded = waitAndReport(transfer["id"]) && allSucceeded;
    }
    return allSucceeded ? kOk : kRejected;
}

std::string SourceCommand::summary() const {
    return "Lists the sources of the gatewayd at --url (kind, municipality, schedule, paused, next "
           "run), or pauses or resumes one's schedule on that instance. The token needs "
           "transfers:admin.";
}

int SourceCommand::run(const std::vector<std::string>& arguments) {
    const std::string verb = arguments.empty() ? "" : arguments[0];
    if (verb == "list" && arguments.size() == 1) {
        auto reply = api_.get("/v1/sources");
        if (reply.status != 200) return failed(reply);
        std::vector<std::vector<std::string>> rows = {
            {"name", "kind", "municipality", "schedule", "paused", "next run"}};
        for (const auto& s : reply.body["sources"]) {
            rows.push_back({s["name"], s["kind"], s["municipality"], s.value("schedule", "-"),
                            s["paused"].get<bool>() ? "yes" : "no", s.value("nextRunAt", "-")});
        }
        printColumns(rows, std::cout);
        return kOk;
    }
    if ((verb == "pause" || verb == "resume") && arguments.size() == 2) {
        auto reply =
            api_.post("/v1/sources/" + arguments[1] + "/" + verb, nlohmann::json::object());
        if (reply.status != 200) return failed(reply);
        std::cout << arguments[1] << (verb == "pause" ? " paused" : " resumed") << std::endl;
        return kOk;
    }
    throw ConfigError("usage: " + usage());
}

}  // namespace gw
