#include "gateway/daemon/transfer_workers.h"

#include <Poco/Logger.h>

#include <chrono>

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
    if (!source || (source->kind == "push") == input.empty()) return std::nullopt;
    auto id = store_.queueTransfer(source->name, runner_.mappingOf(*source).municipality(),
                                   input.empty() ? TransferRunner::inputName(*source) : input);
    wake_.notify_one();
    return store_.findTransfer(id);
}

void TransferWorkers::start() {
    for (int i = 0; i < threads_; ++i) workers_.emplace_back([this] { work(); });
}

void TransferWorkers::stop() {
    stop_ = true;
    wake_.notify_all();
    for (auto& worker : workers_) worker.join();
    workers_.clear();
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
            runner_.runClaimed(*claimed, &stop_);
            continue;
        }
        // Another instance may queue work too: look again within a second.
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_.load(); });
    }
}

}  // namespace gw
