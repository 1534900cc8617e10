#pragma once

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

#include "gateway/transfers/transfer_runner.h"

namespace gw {

/// Runs queued transfers: a Boost.Asio thread pool whose threads each claim the oldest queued
/// transfer from the store and run it. The queue is in the database, so several instances on one
/// database share the work and no transfer runs twice.
class TransferWorkers {
  public:
    TransferWorkers(TransferRunner& runner, TransferLog& log, std::string instance, int threads);
    ~TransferWorkers();

    /// Queues a run of a configured source over `input` (empty: the input it reads when asked,
    /// see Source::requestedInput; one already queued is reused) and wakes a worker. Nothing
    /// when no source has that name, or when `input` is not what the source's kind takes.
    std::optional<TransferInfo> queue(const std::string& source, const std::string& input = "");
    /// What a source's schedule does: queues a run when the kind reads an input of its own, and
    /// one for each input that arrived (a drop folder's ready files, claimed). Returns how many.
    int queueDue(const std::string& source);
    /// Queues again, at start, every input that waits where its transfer reads it with no
    /// transfer, or an interrupted one, over it (a push acknowledged, a drop claimed, and then cut
    /// off by a stop or a crash), and every file or pull source whose newest transfer was cut
    /// off; one whose transfer ended is settled (filed away). Running again is safe: the store
    /// keeps each version once. Returns how many were queued.
    int resumeUnfinished();
    /// Queues a new run of a finished transfer over the same input. Empty when its input is no
    /// longer kept (or its source no longer configured).
    std::optional<TransferInfo> rerun(const TransferInfo& transfer);
    const TransferRunner& runner() const { return runner_; }

    void start();
    /// Stops claiming; running transfers stop at the next record and commit what they have.
    void stop();

  private:
    void work();

    TransferRunner& runner_;
    TransferLog& log_;
    std::string instance_;
    int threads_;
    std::optional<boost::asio::thread_pool> pool_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
};

}  // namespace gw
