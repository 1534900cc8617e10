#include "gateway/feeds/fhir/bulk_export.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <cctype>
#include <fstream>

#include "gateway/core/keyed_hash.h"
#include "gateway/core/private_files.h"

namespace gw {

struct BulkExports::Job {
    std::string id;
    std::string owner;
    Status status;
    std::atomic<std::int64_t> written{0};
    std::atomic<bool> cancelled{false};
    std::chrono::steady_clock::time_point ended;
    std::thread thread;
};

namespace {

/// Thrown inside an export's scan to stop it when the export was deleted.
struct Cancelled {};

bool isExportId(const std::string& name) {
    if (name.size() != 32) return false;
    for (char c : name) {
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    }
    return true;
}

}  // namespace

BulkExports::BulkExports(BulkExportSettings settings) : settings_(std::move(settings)) {
    createPrivateFolders(settings_.directory);
    sweep();
    sweeper_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            wake_.wait_for(
                lock, std::min<std::chrono::seconds>(settings_.keep / 2 + std::chrono::seconds(1),
                                                     std::chrono::seconds(30)));
            if (stopping_) break;
            lock.unlock();
            sweep();
            lock.lock();
        }
    });
}

BulkExports::~BulkExports() {
    std::map<std::string, std::shared_ptr<Job>> jobs;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        jobs.swap(jobs_);
    }
    wake_.notify_all();
    sweeper_.join();
    for (auto& [id, job] : jobs) {
        job->cancelled = true;
        if (job->thread.joinable()) job->thread.join();
    }
}

std::string BulkExports::folderOf(const std::string& id) const {
    return settings_.directory + "/" + id;
}

std::string BulkExports::start(const std::string& owner, const std::string& view,
                               const std::string& transactionTime, const std::string& request,
                               Producer produce) {
    auto job = std::make_shared<Job>();
    // 128 random bits: an export's id is all that names its files.
    job->id = newSecretKey().substr(0, 32);
    job->owner = owner;
    job->status.view = view;
    job->status.transactionTime = transactionTime;
    job->status.request = request;
    std::lock_guard lock(mutex_);
    std::size_t running = 0;
    for (const auto& [id, other] : jobs_) {
        if (other->status.state == Status::State::running) ++running;
    }
    if (running >= settings_.maxRunning)
        throw TooManyExports("as many exports as allowed (" + std::to_string(settings_.maxRunning) +
                             ") are running");
    createPrivateFolders(folderOf(job->id));
    jobs_[job->id] = job;
    job->thread = std::thread([this, job, produce = std::move(produce)] { run(job, produce); });
    return job->id;
}

void BulkExports::run(const std::shared_ptr<Job>& job, const Producer& produce) {
    std::map<std::string, std::pair<std::ofstream, std::int64_t>> files;
    Status::State state = Status::State::done;
    std::string error;
    try {
        produce([&](const std::string& type, const std::string& line) {
            if (job->cancelled) throw Cancelled{};
            auto file = files.find(type);
            if (file == files.end()) {
                file = files.emplace(type, std::pair{std::ofstream(), 0}).first;
                file->second.first.open(folderOf(job->id) + "/" + type + ".ndjson",
                                        std::ios::binary);
                if (!file->second.first) throw std::runtime_error("cannot write " + type);
            }
            file->second.first << line << '\n';
            ++file->second.second;
            ++job->written;
        });
        for (auto& [type, file] : files) {
            file.first.flush();
            if (!file.first) throw std::runtime_error("cannot write " + type);
        }
    } catch (const Cancelled&) {
        state = Status::State::failed;
        error = "deleted";
    } catch (const std::exception& e) {
        state = Status::State::failed;
        error = e.what();
        Poco::Logger::get("gateway.fhir").error("a Bulk Data export failed: " + error);
    }
    std::lock_guard lock(mutex_);
    job->status.written = job->written;
    job->status.error = error;
    if (state == Status::State::done) {
        for (auto& [type, file] : files) job->status.outputs.emplace_back(type, file.second);
    }
    job->status.state = state;
    job->ended = std::chrono::steady_clock::now();
}

std::optional<BulkExports::Status> BulkExports::status(const std::string& id,
                                                       const std::string& owner) const {
    std::lock_guard lock(mutex_);
    auto job = jobs_.find(id);
    if (job == jobs_.end() || job->second->owner != owner) return std::nullopt;
    Status status = job->second->status;
    status.written = job->second->written;
    return status;
}

bool BulkExports::remove(const std::string& id, const std::string& owner) {
    std::shared_ptr<Job> job;
    {
        std::lock_guard lock(mutex_);
        auto found = jobs_.find(id);
        if (found == jobs_.end() || found->second->owner != owner) return false;
        job = found->second;
        jobs_.erase(found);
    }
    job->cancelled = true;
    if (job->thread.joinable()) job->thread.join();
    Poco::File(folderOf(id)).remove(true);
    return true;
}

std::string BulkExports::file(const std::string& id, const std::string& owner,
                              const std::string& type) const {
    std::lock_guard lock(mutex_);
    auto job = jobs_.find(id);
    if (job == jobs_.end() || job->second->owner != owner ||
        job->second->status.state != Status::State::done)
        return "";
    for (const auto& [name, count] : job->second->status.outputs) {
        if (name == type) return folderOf(id) + "/" + type + ".ndjson";
    }
    return "";
}

void BulkExports::sweep() {
    auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<Job>> expired;
    std::vector<std::string> known;
    {
        std::lock_guard lock(mutex_);
        for (auto it = jobs_.begin(); it != jobs_.end();) {
            const auto& job = it->second;
            if (job->status.state != Status::State::running && now - job->ended > settings_.keep) {
                expired.push_back(job);
                it = jobs_.erase(it);
            } else {
                known.push_back(it->first);
                ++it;
            }
        }
    }
    for (auto& job : expired) {
        if (job->thread.joinable()) job->thread.join();
    }
    // Folders of no export this daemon knows (left by an earlier run) expire by their age.
    Poco::Timestamp oldest;
    oldest -= std::chrono::duration_cast<std::chrono::microseconds>(settings_.keep).count();
    auto& log = Poco::Logger::get("gateway.fhir");
    for (Poco::DirectoryIterator it(settings_.directory), end; it != end; ++it) {
        const std::string name = it.name();
        if (!isExportId(name) || std::find(known.begin(), known.end(), name) != known.end())
            continue;
        bool ownExpired = std::any_of(expired.begin(), expired.end(),
                                      [&](const auto& job) { return job->id == name; });
        if (!ownExpired && it->getLastModified() > oldest) continue;
        try {
            it->remove(true);
            log.information("deleted the expired Bulk Data export " + name);
        } catch (const Poco::Exception& e) {
            log.error("cannot delete the expired Bulk Data export " + name + ": " +
                      e.displayText());
        }
    }
}

}  // namespace gw
