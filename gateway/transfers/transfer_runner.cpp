#include "gateway/transfers/transfer_runner.h"

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>

#include <chrono>
#include <fstream>

#include "gateway/core/errors.h"
#include "gateway/pipeline/pipeline.h"
#include "gateway/transfers/cutover.h"

namespace gw {

TransferRunner::TransferRunner(const GatewaySettings& settings, Store& store,
                               const RegionalKeys& keys, const SourceRegistry& registry)
    : settings_(settings),
      store_(store),
      validator_(settings.schemaDirectory),
      clients_(settings.linkTemporaryIdentityCodes, keys),
      // Throws ConfigError for bad input options and unknown entities.
      sources_(settings, registry,
               [this](const Mapping& mapping) { Pipeline check(mapping, validator_, clients_); }) {}

TransferInfo TransferRunner::run(const Source& source, const std::atomic<bool>* stop) {
    std::string input = source.requestedInput().value_or("");
    std::int64_t id = store_.beginTransfer(source.name(), source.mapping().municipality(), input,
                                           settings_.instanceName);
    return execute(id, source, input, 0, stop);
}

TransferInfo TransferRunner::runClaimed(const TransferInfo& claimed,
                                        const std::atomic<bool>* stop) {
    const Source* source = sources_.find(claimed.source);
    if (!source) {
        TransferResult result;
        result.error = "source '" + claimed.source + "' is not configured on instance " +
                       settings_.instanceName;
        store_.finishTransfer(claimed.id, result);
        return *store_.findTransfer(claimed.id);
    }
    return execute(claimed.id, *source, claimed.input, claimed.reprocessOf, stop);
}

std::string TransferRunner::keptInputOf(const TransferInfo& original) const {
    const Source* source = sources_.find(original.source);
    if (!source) throw InputError("source '" + original.source + "' is no longer configured");
    auto paths = source->keptPaths(original);
    for (const auto& path : paths) {
        if (Poco::File(path).exists()) return path;
    }
    for (const auto& path : paths) {
        if (auto deletion = store_.inputDeletion(path)) {
            throw InputError("the input of transfer " + std::to_string(original.id) +
                             " is no longer kept: it was deleted at " + deletion->first + " (" +
                             deletion->second + ")");
        }
    }
    throw InputError("the input of transfer " + std::to_string(original.id) +
                     " is no longer kept where the gateway keeps it");
}

TransferInfo TransferRunner::execute(std::int64_t id, const Source& source,
                                     const std::string& inputName, std::int64_t reprocessOf,
                                     const std::atomic<bool>* stop) {
    auto& log = Poco::Logger::get("gateway.transfer");
    auto began = std::chrono::steady_clock::now();
    std::optional<TransferInfo> original;
    if (reprocessOf != 0) original = store_.findTransfer(reprocessOf);
    OpenedInput opened{source.inputPath(id, inputName), ""};
    log.information(
        "transfer " + std::to_string(id) + " of source '" + source.name() + "' " +
        (original ? "re-runs transfer " + std::to_string(reprocessOf) : "started: " + opened.path));

    TransferResult result;
    try {
        // A transfer queued before its municipality was frozen does not change what the
        // certificate covers; its input is filed away under failed/, to be re-run once unfrozen.
        if (auto frozen = frozenReason(store_, source.mapping().municipality()))
            throw InputError(*frozen);
        if (reprocessOf == 0) {
            opened.watermark = source.fetch(opened.path, store_, stop);
        } else if (!original) {
            throw InputError("transfer " + std::to_string(reprocessOf) + " is not in the log");
        } else {
            opened.path = keptInputOf(*original);
        }
        std::ifstream input(opened.path, std::ios::binary);
        if (!input) {
            result.error = "cannot open " + opened.path;
        } else {
            auto sink = store_.openSink(id);
            result = Pipeline(source.mapping(), validator_, clients_, Pipeline::defaultThreads(),
                              settings_.pipelineMaxBytesInFlight)
                         .run(input, Poco::Path(opened.path).getFileName(), id, *sink, stop);
            if (!result.error && !result.interrupted && result.counts.read == 0)
                result.warning = "the input held no records: was the export empty?";
        }
    } catch (const InputError& e) {
        result.error = e.what();
    } catch (const std::exception& e) {
        // The sink rolled back its open batch; what it committed before stays, with its counts.
        result.error = std::string("transfer failed: ") + e.what();
    }
    result.mappingVersion = source.mapping().version();
    store_.finishTransfer(id, result);

    auto info = *store_.findTransfer(id);
    std::string summary = "transfer " + std::to_string(id) + " of source '" + source.name() + "' " +
                          info.state + ": " + info.counts.toJson().dump();
    if (info.state == "failed") {
        log.error(summary + ": " + info.error);
    } else if (!info.warning.empty()) {
        log.warning(summary + ": " + info.warning);
    } else if (info.state == "interrupted") {
        log.warning(summary +
                    ": stopped before the end of its input; it runs again at the next "
                    "start");
    } else {
        log.information(summary);
    }
    noteOutcome(source, info,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    // An interrupted one stays where it is: its next run reads it again. A re-run's input stays
    // where it is kept.
    if (info.state != "interrupted" && reprocessOf == 0) source.settle(info, opened, store_);
    return info;
}

void TransferRunner::noteOutcome(const Source& source, const TransferInfo& transfer,
                                 double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    Durations& took = durations_[source.name()];
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
        if (seconds <= kDurationBuckets[i]) {
            ++took.counts[i];
            break;
        }
    }
    ++took.count;
    took.sum += seconds;
    int& failures = consecutiveFailures_[source.name()];
    failures = transfer.state == "failed" ? failures + 1 : 0;
    if (failures >= kUnhealthyAfter) {
        Poco::Logger::get("gateway.transfer")
            .error("source '" + source.name() + "' is unhealthy: its last " +
                   std::to_string(failures) + " transfers failed");
    }
}

std::map<std::string, TransferRunner::Durations> TransferRunner::durations() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return durations_;
}

std::map<std::string, int> TransferRunner::consecutiveFailures() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return consecutiveFailures_;
}

}  // namespace gw
