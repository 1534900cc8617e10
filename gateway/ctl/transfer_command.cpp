#include "gateway/ctl/transfer_command.h"

#include <Poco/NumberParser.h>
#include <Poco/Util/Option.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "gateway/core/errors.h"
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
        return wait_ ? waitFor(id) : kOk;
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

int TransferCommand::waitFor(std::int64_t id) const {
    // A bar that moves while records come in: the total is not known until the end.
    const bool terminal = ::isatty(STDERR_FILENO) != 0;
    int tick = 0;
    nlohmann::json transfer;
    for (;;) {
        auto reply = api_.get("/v1/transfers/" + std::to_string(id));
        if (reply.status != 200) return failed(reply);
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
    return transfer["state"] == "succeeded" ? kOk : kRejected;
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
