#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gw {

/// Where and for how long Bulk Data exports keep their files (fhir.export* settings).
struct BulkExportSettings {
    std::string directory;
    std::chrono::seconds keep{3600};  ///< after an export ends, its files are kept this long
    std::size_t maxRunning = 2;       ///< exports running at once; more are refused
};

/// An export asked for while as many as allowed already run.
class TooManyExports : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Runs FHIR Bulk Data exports in the background, one thread each: every export writes one
/// NDJSON file per resource type into a private folder of its own, from a scan that holds only
/// a page of records at a time, and keeps the files until the client deletes them or they
/// expire. Exports belong to the reader who asked for them; nobody else sees them. Every method
/// may be called from any thread.
class BulkExports {
  public:
    /// Writes every resource an export holds, through `write(type, resource line)`; throws when
    /// the export fails.
    using Producer = std::function<void(
        const std::function<void(const std::string& type, const std::string& line)>& write)>;

    /// What the client is told of an export.
    struct Status {
        enum class State { running, done, failed } state = State::running;
        std::string view;             ///< the name of the view it shows
        std::string transactionTime;  ///< when the export began: the next `_since`
        std::string request;          ///< the kick-off's URL
        std::int64_t written = 0;     ///< resources written so far
        std::vector<std::pair<std::string, std::int64_t>> outputs;  ///< type, resources (done)
        std::string error;                                          ///< failed
    };

    /// Deletes what earlier runs left behind that has expired, and starts the expiry sweep.
    explicit BulkExports(BulkExportSettings settings);
    /// Stops running exports (their files are deleted) and the sweep.
    ~BulkExports();

    /// Starts an export owned by `owner`; returns its id. Throws TooManyExports.
    std::string start(const std::string& owner, const std::string& view,
                      const std::string& transactionTime, const std::string& request,
                      Producer produce);
    /// The export's status, if it exists and belongs to `owner`.
    std::optional<Status> status(const std::string& id, const std::string& owner) const;
    /// Stops the export if it runs and deletes its files; false when `owner` has no such export.
    bool remove(const std::string& id, const std::string& owner);
    /// The path of a finished export's file of `type`; empty when there is none for `owner`.
    std::string file(const std::string& id, const std::string& owner,
                     const std::string& type) const;

  private:
    struct Job;
    void run(const std::shared_ptr<Job>& job, const Producer& produce);
    void sweep();
    std::string folderOf(const std::string& id) const;

    BulkExportSettings settings_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Job>> jobs_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread sweeper_;
};

}  // namespace gw
