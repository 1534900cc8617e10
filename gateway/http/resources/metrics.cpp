#include "gateway/http/resources/metrics.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/DirectoryIterator.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>

namespace gw {
namespace {

std::string label(const std::string& value) {
    std::string escaped;
    for (char c : value) {
        if (c == '"' || c == '\\') escaped += '\\';
        escaped += c == '\n' ? 'n' : c;
    }
    return escaped;
}

/// One metric's HELP and TYPE lines.
std::string family(const std::string& name, const std::string& type, const std::string& help) {
    return "# HELP " + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

std::string number(double value) {
    std::string text = std::to_string(value);
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
    return text;
}

// When the process started, for process_start_time_seconds: taken when the metrics are first
// rendered would be late, so at static initialisation.
const double kStartedAt =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

std::string processMetrics() {
    std::string text;
    long pageSize = ::sysconf(_SC_PAGESIZE);
    std::ifstream statm("/proc/self/statm");
    long pages = 0, resident = 0;
    statm >> pages >> resident;
    text += family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.") +
            "process_resident_memory_bytes " + std::to_string(resident * pageSize) + "\n";
    text += family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.") +
            "process_virtual_memory_bytes " + std::to_string(pages * pageSize) + "\n";
    rusage usage{};
    ::getrusage(RUSAGE_SELF, &usage);
    double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                 static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    text += family("process_cpu_seconds_total", "counter",
                   "Total user and system CPU time spent in seconds.") +
            "process_cpu_seconds_total " + number(cpu) + "\n";
    long open = 0;
    for (Poco::DirectoryIterator it(std::string("/proc/self/fd")), end; it != end; ++it) ++open;
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    text += family("process_open_fds", "gauge", "Number of open file descriptors.") +
            "process_open_fds " + std::to_string(open) + "\n";
    text += family("process_max_fds", "gauge", "Maximum number of open file descriptors.") +
            "process_max_fds " + std::to_string(files.rlim_cur) + "\n";
    text += family("process_start_time_seconds", "gauge",
                   "Start time of the process since unix epoch in seconds.") +
            "process_start_time_seconds " + number(kStartedAt) + "\n";
    return text;
}

}  // namespace

std::string renderMetrics(Store& store, const TransferRunner& runner, const Scheduler& scheduler) {
    auto stats = store.sourceStats();
    std::string text = family("gateway_records_total", "counter",
                              "Source records by municipality, source and outcome, from the "
                              "transfer log.");
    std::map<std::pair<std::string, std::string>, TransferCounts> records;
    std::int64_t queued = 0, running = 0;
    for (const auto& s : stats) {
        auto& counts = records[{s.municipality, s.source}];
        counts.read += s.counts.read;
        counts.stored += s.counts.stored;
        counts.unchanged += s.counts.unchanged;
        counts.rejected += s.counts.rejected;
        if (s.state == "queued") queued += s.transfers;
        if (s.state == "running") running += s.transfers;
    }
    for (const auto& [key, counts] : records) {
        std::string labels =
            "municipality=\"" + label(key.first) + "\",source=\"" + label(key.second) + "\",";
        for (const auto& [outcome, n] : {std::pair<const char*, std::uint64_t>{"read", counts.read},
                                         {"stored", counts.stored},
                                         {"unchanged", counts.unchanged},
                                         {"rejected", counts.rejected}}) {
            text += "gateway_records_total{" + labels + "outcome=\"" + outcome + "\"} " +
                    std::to_string(n) + "\n";
        }
    }
    text += family("gateway_transfers", "gauge", "Transfers in the log by source and state.");
    for (const auto& s : stats) {
        text += "gateway_transfers{source=\"" + label(s.source) + "\",state=\"" + s.state + "\"} " +
                std::to_string(s.transfers) + "\n";
    }
    text += family("gateway_transfers_interrupted_total", "counter",
                   "Transfers cut off by a stop or a crash before the end of their input (each "
                   "is queued again at the next start), by source.");
    for (const auto& s : stats) {
        if (s.state == "interrupted") {
            text += "gateway_transfers_interrupted_total{source=\"" + label(s.source) + "\"} " +
                    std::to_string(s.transfers) + "\n";
        }
    }
    text += family("gateway_queue_depth", "gauge", "Transfers waiting for a worker.") +
            "gateway_queue_depth " + std::to_string(queued) + "\n";
    text += family("gateway_transfers_running", "gauge", "Transfers running now.") +
            "gateway_transfers_running " + std::to_string(running) + "\n";

    text += family("gateway_transfer_duration_seconds", "histogram",
                   "How long this instance's transfers took, by source, since it started.");
    for (const auto& [source, histogram] : runner.durations()) {
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < TransferRunner::kDurationBuckets.size(); ++i) {
            cumulative += histogram.counts[i];
            text += "gateway_transfer_duration_seconds_bucket{source=\"" + label(source) +
                    "\",le=\"" + number(TransferRunner::kDurationBuckets[i]) + "\"} " +
                    std::to_string(cumulative) + "\n";
        }
        text += "gateway_transfer_duration_seconds_bucket{source=\"" + label(source) +
                "\",le=\"+Inf\"} " + std::to_string(histogram.count) + "\n";
        text += "gateway_transfer_duration_seconds_sum{source=\"" + label(source) + "\"} " +
                number(histogram.sum) + "\n";
        text += "gateway_transfer_duration_seconds_count{source=\"" + label(source) + "\"} " +
                std::to_string(histogram.count) + "\n";
    }

    text += family("gateway_transfer_records_per_second", "gauge",
                   "Source records read per second by each running transfer, by source.");
    auto now = std::chrono::system_clock::now();
    TransferFilter runningNow;
    runningNow.state = "running";
    runningNow.limit = kMaxPage;
    for (const auto& transfer : store.listTransfers(runningNow)) {
        Poco::DateTime started;
        int zone = 0;
        if (!Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT,
                                            transfer.startedAt, started, zone))
            continue;
        double seconds = std::chrono::duration<double>(
                             now - std::chrono::system_clock::time_point(std::chrono::microseconds(
                                       started.timestamp().epochMicroseconds())))
                             .count();
        if (seconds <= 0) continue;
        text += "gateway_transfer_records_per_second{source=\"" + label(transfer.source) +
                "\",transfer=\"" + std::to_string(transfer.id) + "\"} " +
                number(static_cast<double>(transfer.counts.read) / seconds) + "\n";
    }

    text += family("gateway_last_success_timestamp_seconds", "gauge",
                   "When each source's last successful transfer ended.");
    for (const auto& [source, finished] : lastSuccesses(stats)) {
        text += "gateway_last_success_timestamp_seconds{source=\"" + label(source) + "\"} " +
                std::to_string(std::chrono::system_clock::to_time_t(finished)) + "\n";
    }
    text += family("gateway_source_consecutive_failures", "gauge",
                   "Transfers in a row that failed, by source (this instance's; from 3 on the "
                   "source is logged as unhealthy).");
    for (const auto& [source, failures] : runner.consecutiveFailures()) {
        text += "gateway_source_consecutive_failures{source=\"" + label(source) + "\"} " +
                std::to_string(failures) + "\n";
    }
    text += family("gateway_source_delivery_late", "gauge",
                   "1 when a source with an expected delivery interval has had no successful "
                   "transfer for longer.");
    for (const auto& [source, late] : scheduler.lateness()) {
        text += "gateway_source_delivery_late{source=\"" + label(source) + "\"} " +
                (late ? "1" : "0") + "\n";
    }
    text += family("gateway_build_info", "gauge", "The gateway's version; always 1.") +
            "gateway_build_info{version=\"" GATEWAY_VERSION "\"} 1\n";
    return text + processMetrics();
}

void sendMetrics(const HttpApiContext& context, Call& call) {
    std::string text = renderMetrics(context.store, context.transfers.runner(), context.scheduler);
    call.response.setStatus(Poco::Net::HTTPResponse::HTTP_OK);
    call.response.setContentType("text/plain; version=0.0.4");
    call.response.setContentLength(static_cast<std::streamsize>(text.size()));
    call.response.send() << text;
}

}  // namespace gw
