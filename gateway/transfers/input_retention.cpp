#include "gateway/transfers/input_retention.h"

#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/String.h>

#include <set>
#include <vector>

#include "gateway/core/folder_files.h"

namespace gw {
namespace {

/// The files of `folder` for which `pick` holds.
template <typename Pick>
std::vector<Poco::File> filesOf(const std::string& folder, Pick pick) {
    std::vector<Poco::File> files;
    for (auto& file : regularFilesIn(folder)) {
        if (pick(Poco::Path(file.path()).getFileName(), file)) files.push_back(file);
    }
    return files;
}

/// Deletes `files`, logging each; `removed` is told of each one deleted.
template <typename Removed>
int removeLogged(const std::vector<Poco::File>& files, const std::string& why, Removed removed) {
    auto& log = Poco::Logger::get("gateway.retention");
    int count = 0;
    for (auto file : files) {
        try {
            file.remove();
            ++count;
            log.information("deleted " + file.path() + ": " + why);
            removed(file.path());
        } catch (const Poco::Exception& e) {
            log.error("cannot delete " + file.path() + " (" + why + "): " + e.displayText());
        }
    }
    return count;
}

}  // namespace

int InputRetention::removePartialUploads() const {
    return removeLogged(filesOf(settings_.pushSpoolDirectory,
                                [](const std::string& name, const Poco::File&) {
                                    return name.front() == '.' &&
                                           Poco::endsWith(name, std::string(".incoming"));
                                }),
                        "a partial upload left when the gateway stopped; it was never acknowledged",
                        [](const std::string&) {});
}

int InputRetention::deleteExpired(std::chrono::system_clock::time_point now) const {
    std::set<std::string> folders = {settings_.pushSpoolDirectory + "/archive",
                                     settings_.pushSpoolDirectory + "/failed"};
    for (const auto& source : sources_.all()) {
        for (const auto& kept : source->keptFolders()) {
            folders.insert(kept + "/archive");
            folders.insert(kept + "/failed");
        }
    }
    auto limit = now - std::chrono::hours(24) * settings_.archiveKeepDays;
    Poco::Timestamp before(
        std::chrono::duration_cast<std::chrono::microseconds>(limit.time_since_epoch()).count());
    std::string why =
        "kept for archive.keepDays = " + std::to_string(settings_.archiveKeepDays) + " days";
    int removed = 0;
    for (const auto& folder : folders) {
        removed += removeLogged(filesOf(folder,
                                        [&](const std::string&, const Poco::File& file) {
                                            return file.getLastModified() < before;
                                        }),
                                why, [&](const std::string& path) {
                                    try {
                                        log_.recordInputDeletion(path, why);
                                    } catch (const std::exception& e) {
                                        Poco::Logger::get("gateway.retention")
                                            .error("cannot record the deletion of " + path +
                                                   " in the transfer log: " + e.what());
                                    }
                                });
    }
    return removed;
}

}  // namespace gw
