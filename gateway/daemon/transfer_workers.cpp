#include "gateway/daemon/transfer_workers.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>

#include <boost/asio/post.hpp>
#include <chrono>
#include <cstdio>

#include "gateway/core/folder_files.h"
#include "gateway/core/private_files.h"

namespace gw {

TransferWorkers::TransferWorkers(TransferRunner& runner, Store& store, std::string instance,
                                 int threads)
    : runner_(runner), store_(store), instance_(std::move(instance)), threads_(threads) {}

TransferWorkers::~TransferWorkers() {
    stop();
}

std::optional<TransferInfo> TransferWorkers::queue(const std::string& name,
                                                   const std::string& input) {
    const SourceSettings* source = runner_.findSource(name);
    // A file or pull source knows its input; a drop or push source needs the one it was given.
    bool ownInput = source && (source->kind == "file" || source->kind == "pull");
    if (!source || ownInput != input.empty()) return std::nullopt;
    auto id = store_.queueTransfer(source->name, runner_.mappingOf(*source).municipality(),
                                   input.empty() ? TransferRunner::inputName(*source) : input);
    wake_.notify_one();
    return store_.findTransfer(id);
}

int TransferWorkers::claimDropped(const std::string& name) {
    const SourceSettings* source = runner_.findSource(name);
    if (!source || source->kind != "drop") return 0;
    createPrivateFolders(source->folder + "/processing");
    int claimed = 0;
    // A file listed may be gone by now (claimed by another instance): it is left out, and the
    // rest of the folder is still looked at.
    for (const auto& listed : regularFilesIn(source->folder)) {
        const std::string path = listed.path(), file = Poco::Path(path).getFileName();
        if (file.front() == '.' || Poco::endsWith(file, std::string(".done"))) continue;
        Poco::File marker(path + ".done");
        if (!marker.exists()) continue;  // still being written
        std::string input =
            file + "." + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        // The rename is the claim: of two instances looking at one folder, one wins.
        if (::rename(path.c_str(), (source->folder + "/processing/" + input).c_str()) != 0)
            continue;
        marker.remove();
        queue(source->name, input);
        ++claimed;
    }
    return claimed;
}

int TransferWorkers::resumeUnfinished() {
    auto& log = Poco::Logger::get("gateway.transfer");
    int queued = 0;
    auto requeue = [&](const std::string& source, const std::string& input,
                       const std::optional<TransferInfo>& latest) {
        auto transfer = queue(source, input);
        if (!transfer) return;
        ++queued;
        log.warning("source '" + source + "': " +
                    (latest ? "transfer " + std::to_string(latest->id) + " (" + latest->state +
                                  ") did not finish its input; queued again"
                            : "an input " + input + " waits with no transfer; queued") +
                    " as transfer " + std::to_string(transfer->id));
    };
    for (const auto& [source, input] : runner_.waitingInputs()) {
        auto latest = store_.latestTransferOf(source, input);
        if (!latest || latest->state == "interrupted") {
            requeue(source, input, latest);
        } else if (latest->state == "succeeded" || latest->state == "failed") {
            // Stopped between the transfer's end and its filing: filed now, not run again.
            runner_.fileAwayFinished(*runner_.findSource(source), *latest);
        }
    }
    for (const auto& source : runner_.sources()) {
        if (source.kind != "file" && source.kind != "pull") continue;
        auto latest = store_.latestTransferOf(source.name, TransferRunner::inputName(source));
        if (latest && latest->state == "interrupted") requeue(source.name, "", latest);
    }
    return queued;
}

std::optional<TransferInfo> TransferWorkers::rerun(const TransferInfo& transfer) {
    const SourceSettings* source = runner_.findSource(transfer.source);
    if (!source) return std::nullopt;
    if (source->kind == "pull") return queue(source->name);  // its input is fetched anew
    if (!runner_.restoreInput(*source, transfer.input)) return std::nullopt;
    return queue(source->name, source->kind == "file" ? "" : transfer.input);
}

void TransferWorkers::start() {
    pool_.emplace(static_cast<std::size_t>(threads_));
    for (int i = 0; i < threads_; ++i) boost::asio::post(*pool_, [this] { work(); });
}

void TransferWorkers::stop() {
    stop_ = true;
    wake_.notify_all();
    if (pool_) pool_->join();
    pool_.reset();
}

void TransferWorkers::work() {
    auto& log = Poco::Logger::get("gateway.transfer");
    while (!stop_) {
        std::optional<TransferInfo> claimed;
        try {
            claimed = store_.claimTransfer(instance_);
        } catch (const std::exception& e) {
            log.error(std::string("cannot claim a queued transfer: ") + e.what());
        }
        if (claimed) {
            // Nothing a transfer throws may end the daemon: the runner logs a failing store as
            // the transfer's failure; what still gets here is logged, and the transfer is taken
            // up again at the next start.
            try {
                runner_.runClaimed(*claimed, &stop_);
            } catch (const std::exception& e) {
                log.error("transfer " + std::to_string(claimed->id) +
                          " could not be recorded: " + e.what());
            }
            continue;
        }
        // Another instance may queue work too: look again within a second.
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_.load(); });
    }
}

}  // namespace gw
