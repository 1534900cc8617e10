#include "gateway/transfers/transfer_workers.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <set>

#include "gateway/core/errors.h"
#include "gateway/transfers/cutover.h"

namespace gw {

TransferWorkers::TransferWorkers(TransferRunner& runner, TransferLog& log, std::string instance,
                                 int threads)
    : runner_(runner), log_(log), instance_(std::move(instance)), threads_(threads) {}

TransferWorkers::~TransferWorkers() {
    stop();
}

std::optional<TransferInfo> TransferWorkers::queue(const std::string& name,
                                                   const std::string& input) {
    const Source* source = runner_.sources().find(name);
    if (!source) return std::nullopt;
    // A kind that reads an input of its own is asked for a run; the others run over what came.
    auto own = source->requestedInput();
    if (own.has_value() != input.empty()) return std::nullopt;
    auto id =
        log_.queueTransfer(source->name(), source->mapping().municipality(), own.value_or(input));
    wake_.notify_one();
    return log_.findTransfer(id);
}

int TransferWorkers::queueDue(const std::string& name) {
    Source* source = runner_.sources().find(name);
    if (!source || frozenReason(log_, source->mapping().municipality())) return 0;
    int queued = 0;
    if (source->requestedInput() && queue(name)) ++queued;
    for (const auto& input : source->collectArrived()) {
        if (queue(name, input)) ++queued;
    }
    return queued;
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
    for (const auto& source : runner_.sources().all()) {
        for (const auto& input : source->waitingInputs()) {
            auto latest = log_.latestTransferOf(source->name(), input);
            if (!latest || latest->state == "interrupted") {
                requeue(source->name(), input, latest);
            } else if (latest->state == "succeeded" || latest->state == "failed") {
                // Stopped between the transfer's end and its settling: settled now, not run
                // again. A waiting input was there before its transfer: nothing to fetch.
                source->settle(*latest, {source->inputPath(latest->id, input), ""}, log_);
            }
        }
        auto own = source->requestedInput();
        if (!own) continue;
        auto latest = log_.latestTransferOf(source->name(), *own);
        if (latest && latest->state == "interrupted") requeue(source->name(), "", latest);
    }
    for (const auto& cutOff : log_.interruptedReprocesses()) {
        try {
            auto again = reprocess(cutOff);
            ++queued;
            log.warning("re-run " + std::to_string(cutOff.id) + " of transfer " +
                        std::to_string(cutOff.reprocessOf) + " did not finish; queued again as " +
                        std::to_string(again.id));
        } catch (const InputError& e) {
            log.error("re-run " + std::to_string(cutOff.id) +
                      " did not finish and cannot run again: " + e.what());
        }
    }
    return queued;
}

TransferInfo TransferWorkers::originalOf(const TransferInfo& transfer) {
    if (transfer.reprocessOf == 0) return transfer;
    auto original = log_.findTransfer(transfer.reprocessOf);
    if (!original) {
        throw InputError("transfer " + std::to_string(transfer.reprocessOf) + ", which transfer " +
                         std::to_string(transfer.id) + " re-ran, is not in the log");
    }
    return *original;
}

TransferInfo TransferWorkers::reprocess(const TransferInfo& transfer) {
    TransferInfo original = originalOf(transfer);
    runner_.keptInputOf(original);  // throws when it is gone
    auto id = log_.queueReprocess(original);
    wake_.notify_one();
    return *log_.findTransfer(id);
}

TransferWorkers::SourceReprocessPlan TransferWorkers::planReprocess(const Source& source) {
    SourceReprocessPlan plan;
    std::set<std::string> seen;
    for (const auto& transfer : log_.transfersOf(source.name())) {  // newest first
        if (transfer.reprocessOf != 0 ||
            (transfer.state != "succeeded" && transfer.state != "failed"))
            continue;
        auto paths = source.keptPaths(transfer);
        if (paths.empty() || !seen.insert(paths.front()).second) continue;
        try {
            runner_.keptInputOf(transfer);
            plan.kept.push_back(transfer);
        } catch (const InputError& e) {
            plan.gone.emplace_back(transfer, e.what());
        }
    }
    std::reverse(plan.kept.begin(), plan.kept.end());
    std::reverse(plan.gone.begin(), plan.gone.end());
    return plan;
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
            claimed = log_.claimTransfer(instance_);
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
