#include "gateway/daemon/transfer_runner.h"

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <chrono>
#include <fstream>

#include "gateway/core/errors.h"
#include "gateway/core/folder_files.h"
#include "gateway/core/identity_code.h"
#include "gateway/core/private_files.h"
#include "gateway/daemon/http_puller.h"
#include "gateway/pipeline/pipeline.h"

namespace gw {

TransferRunner::TransferRunner(const GatewaySettings& settings, Store& store,
                               const RegionalKeys& keys)
    : settings_(settings),
      store_(store),
      validator_(settings.schemaDirectory),
      clients_(settings.linkTemporaryIdentityCodes, keys) {
    for (const auto& source : settings.sources) {
        Mapping mapping = Mapping::load(source.mapping, settings.mappingSchema);
        // Throws ConfigError for bad input options and unknown entities.
        Pipeline check(mapping, validator_, clients_);
        mappings_.emplace(source.name, std::move(mapping));
    }
}

const SourceSettings* TransferRunner::findSource(const std::string& name) const {
    for (const auto& source : settings_.sources) {
        if (source.name == name) return &source;
    }
    return nullptr;
}

const Mapping& TransferRunner::mappingOf(const SourceSettings& source) const {
    return mappings_.at(source.name);
}

std::string TransferRunner::inputName(const SourceSettings& source) {
    if (source.kind == "pull") return Poco::URI(source.url).getPath();
    return Poco::Path(source.path).getFileName();
}

std::string TransferRunner::inputPath(std::int64_t id, const SourceSettings& source,
                                      const std::string& input) const {
    if (source.kind == "pull") {
        return settings_.pushSpoolDirectory + "/" + source.name + "-" + std::to_string(id) + "." +
               mappingOf(source).format();
    }
    if (source.kind == "push") return settings_.pushSpoolDirectory + "/" + input;
    if (source.kind == "drop") return source.folder + "/processing/" + input;
    return source.path;
}

bool TransferRunner::restoreInput(const SourceSettings& source, const std::string& input) const {
    if (source.kind == "pull") return false;
    std::string path = inputPath(0, source, input);
    if (source.kind == "file" || Poco::File(path).exists()) return Poco::File(path).exists();
    std::string base = source.kind == "push" ? settings_.pushSpoolDirectory : source.folder;
    for (const char* kept : {"/archive/", "/failed/"}) {
        Poco::File filed(base + kept + input);
        if (!filed.exists()) continue;
        filed.renameTo(path);
        Poco::File reason(base + kept + input + ".reason.txt");
        if (reason.exists()) reason.remove();
        return true;
    }
    return false;
}

void TransferRunner::fileAwayFinished(const SourceSettings& source,
                                      const TransferInfo& transfer) const {
    fileAway(source, inputPath(transfer.id, source, transfer.input), transfer);
}

std::vector<std::pair<std::string, std::string>> TransferRunner::waitingInputs() const {
    std::vector<std::pair<std::string, std::string>> waiting;
    // Hidden files are partial uploads, never inputs.
    auto filesOf = [](const std::string& folder) {
        std::vector<std::string> names;
        for (const auto& file : regularFilesIn(folder)) {
            std::string name = Poco::Path(file.path()).getFileName();
            if (name.front() != '.') names.push_back(name);
        }
        return names;
    };
    std::vector<std::string> spooled = filesOf(settings_.pushSpoolDirectory);
    for (const auto& source : settings_.sources) {
        if (source.kind == "drop") {
            for (const auto& input : filesOf(source.folder + "/processing"))
                waiting.emplace_back(source.name, input);
        } else if (source.kind == "push") {
            // A push is spooled as <source>-<uuid>.<format>: 36 characters between.
            std::string prefix = source.name + "-", suffix = "." + mappingOf(source).format();
            for (const auto& input : spooled) {
                if (input.size() == prefix.size() + 36 + suffix.size() &&
                    input.compare(0, prefix.size(), prefix) == 0 && Poco::endsWith(input, suffix))
                    waiting.emplace_back(source.name, input);
            }
        }
    }
    return waiting;
}

const SourceSettings* TransferRunner::findPushSource(const std::string& municipality,
                                                     const std::string& dataset) const {
    for (const auto& source : settings_.sources) {
        if (source.kind == "push" && source.dataset == dataset &&
            mappingOf(source).municipality() == municipality)
            return &source;
    }
    return nullptr;
}

TransferInfo TransferRunner::run(const SourceSettings& source, const std::atomic<bool>* stop) {
    std::int64_t id = store_.beginTransfer(source.name, mappingOf(source).municipality(),
                                           inputName(source), settings_.instanceName);
    return execute(id, source, inputName(source), stop);
}

TransferInfo TransferRunner::runClaimed(const TransferInfo& claimed,
                                        const std::atomic<bool>* stop) {
    const SourceSettings* source = findSource(claimed.source);
    if (!source) {
        TransferResult result;
        result.error = "source '" + claimed.source + "' is not configured on instance " +
                       settings_.instanceName;
        store_.finishTransfer(claimed.id, result);
        return *store_.findTransfer(claimed.id);
    }
    return execute(claimed.id, *source, claimed.input, stop);
}

TransferInfo TransferRunner::execute(std::int64_t id, const SourceSettings& source,
                                     const std::string& inputName, const std::atomic<bool>* stop) {
    auto& log = Poco::Logger::get("gateway.transfer");
    auto began = std::chrono::steady_clock::now();
    std::string path = inputPath(id, source, inputName);
    log.information("transfer " + std::to_string(id) + " of source '" + source.name +
                    "' started: " + (source.kind == "pull" ? inputName : path));

    TransferResult result;
    std::string newWatermark;
    try {
        if (source.kind == "pull") {
            createPrivateFolders(settings_.pushSpoolDirectory);
            newWatermark = HttpPuller::pull(source, store_.watermark(source.name), path, stop);
        }
        std::ifstream input(path, std::ios::binary);
        if (!input) {
            result.error = "cannot open " + path;
        } else {
            auto sink = store_.openSink(id);
            result = Pipeline(mappingOf(source), validator_, clients_, Pipeline::defaultThreads(),
                              settings_.pipelineMaxBytesInFlight)
                         .run(input, Poco::Path(path).getFileName(), id, *sink, stop);
            if (!result.error && !result.interrupted && result.counts.read == 0)
                result.warning = "the input held no records: was the export empty?";
        }
    } catch (const InputError& e) {
        result.error = e.what();
    } catch (const std::exception& e) {
        // The sink rolled back its open batch; what it committed before stays, with its counts.
        result.error = std::string("transfer failed: ") + e.what();
    }
    store_.finishTransfer(id, result);

    auto info = *store_.findTransfer(id);
    std::string summary = "transfer " + std::to_string(id) + " of source '" + source.name + "' " +
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
    if (source.kind == "pull" && info.state == "succeeded")
        store_.setWatermark(source.name, newWatermark);
    noteOutcome(source, info,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count());
    // An interrupted one stays where it is: its next run reads it again.
    if (source.kind != "file" && info.state != "interrupted" && Poco::File(path).exists())
        fileAway(source, path, info);
    return info;
}

void TransferRunner::noteOutcome(const SourceSettings& source, const TransferInfo& transfer,
                                 double seconds) {
    std::lock_guard<std::mutex> lock(mutex_);
    Durations& took = durations_[source.name];
    for (std::size_t i = 0; i < kDurationBuckets.size(); ++i) {
        if (seconds <= kDurationBuckets[i]) {
            ++took.counts[i];
            break;
        }
    }
    ++took.count;
    took.sum += seconds;
    int& failures = consecutiveFailures_[source.name];
    failures = transfer.state == "failed" ? failures + 1 : 0;
    if (failures >= kUnhealthyAfter) {
        Poco::Logger::get("gateway.transfer")
            .error("source '" + source.name + "' is unhealthy: its last " +
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

void TransferRunner::fileAway(const SourceSettings& source, const std::string& path,
                              const TransferInfo& transfer) const {
    try {
        bool ok = transfer.state == "succeeded";
        std::string base = source.kind == "push" ? settings_.pushSpoolDirectory : source.folder;
        std::string folder = base + (ok ? "/archive" : "/failed");
        createPrivateFolders(folder);
        std::string target = folder + "/" + Poco::Path(path).getFileName();
        Poco::File(path).renameTo(target);
        if (!ok) {
            std::ofstream reason(target + ".reason.txt");
            reason << maskIdentityCodesIn("transfer " + std::to_string(transfer.id) +
                                          " failed: " + transfer.error)
                   << "\n";
        }
    } catch (const Poco::Exception& e) {
        Poco::Logger::get("gateway.transfer")
            .error("cannot file away " + path + ": " + e.displayText());
    }
}

}  // namespace gw
