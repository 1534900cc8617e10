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
    /// one for each input that arrived (a drop folder's ready files, claimed). Returns how many;
    /// none while the source's municipality is frozen (a drop's files wait where they are).
    int queueDue(const std::string& source);
    /// Queues again, at start, every input that waits where its transfer reads it with no
    /// transfer, or an interrupted one, over it (a push acknowledged, a drop claimed, and then cut
    /// off by a stop or a crash), and every file or pull source whose newest transfer was cut
    /// off; one whose transfer ended is settled (filed away); and every re-run cut off. Running
    /// again is safe: the store keeps each version once. Returns how many were queued.
    int resumeUnfinished();
    /// Queues a re-run of a finished transfer: its input read again, where it is kept, through its
    /// source's current mapping, as a new transfer that names it (for a re-run, the transfer that
    /// one re-ran). Throws InputError saying why when its input is no longer kept.
    TransferInfo reprocess(const TransferInfo& transfer);
    /// The transfer whose input a re-run of `transfer` reads: itself, or the one it re-ran.
    TransferInfo originalOf(const TransferInfo& transfer);
    /// What a re-run of a whole source reads again, oldest first: for each input of the source,
    /// the newest transfer that read it as it arrived and ended (succeeded or failed); and the
    /// inputs no longer kept, each with its newest transfer and why.
    struct SourceReprocessPlan {
        std::vector<TransferInfo> kept;
        std::vector<std::pair<TransferInfo, std::string>> gone;
    };
    SourceReprocessPlan planReprocess(const Source& source);
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
