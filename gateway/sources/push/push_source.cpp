#include "gateway/sources/push/push_source.h"

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "gateway/core/folder_files.h"
#include "gateway/core/private_files.h"

namespace gw {
namespace {

const char* const kNoSpace = "the push spool cannot take it now; nothing was accepted";

/// Writes `body` to `path` and makes it durable: the data, the name, and the folder entry.
PushReceipt spool(std::istream& body, std::optional<std::uint64_t> declaredLength,
                  const PushLimits& limits, const std::string& path) {
    using Outcome = PushReceipt::Outcome;
    std::string incoming =
        Poco::Path(path).parent().toString() + "." + Poco::Path(path).getFileName() + ".incoming";
    int fd = ::open(incoming.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        Poco::Logger::get("gateway.push")
            .error("cannot spool a push to " + incoming + ": " + std::strerror(errno));
        return {Outcome::NoSpace, kNoSpace, ""};
    }
    std::vector<char> buffer(1 << 16);
    std::uint64_t total = 0;
    PushReceipt receipt{Outcome::Spooled, "", ""};
    auto started = std::chrono::steady_clock::now();
    while (receipt.spooled() && body) {
        body.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        auto got = static_cast<std::size_t>(body.gcount());
        total += got;
        if (total > limits.maxBytes) {
            receipt = {Outcome::TooLarge,
                       "the body is larger than " + std::to_string(limits.maxBytes) + " bytes", ""};
        }
        auto seconds = std::chrono::duration_cast<std::chrono::seconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
        if (receipt.spooled() && seconds >= limits.graceSeconds &&
            total < limits.minBytesPerSecond * static_cast<std::uint64_t>(seconds)) {
            receipt = {Outcome::TooSlow,
                       "the body came slower than " + std::to_string(limits.minBytesPerSecond) +
                           " bytes a second",
                       ""};
        }
        for (std::size_t written = 0; receipt.spooled() && written < got;) {
            ssize_t n = ::write(fd, buffer.data() + written, got - written);
            if (n < 0) {
                Poco::Logger::get("gateway.push")
                    .error("cannot spool a push to " + incoming + ": " + std::strerror(errno));
                receipt = {Outcome::NoSpace, kNoSpace, ""};
            } else {
                written += static_cast<std::size_t>(n);
            }
        }
    }
    if (receipt.spooled() && declaredLength && total != *declaredLength) {
        receipt = {Outcome::Truncated,
                   "the body ended before its Content-Length, or stalled for longer than the "
                   "read timeout",
                   ""};
    }
    if (receipt.spooled() && ::fsync(fd) != 0) receipt = {Outcome::NoSpace, kNoSpace, ""};
    ::close(fd);
    if (receipt.spooled() && ::rename(incoming.c_str(), path.c_str()) != 0)
        receipt = {Outcome::NoSpace, kNoSpace, ""};
    if (!receipt.spooled()) {
        ::unlink(incoming.c_str());
        return receipt;
    }
    int folder = ::open(Poco::Path(path).parent().toString().c_str(), O_RDONLY | O_DIRECTORY);
    if (folder >= 0) {
        ::fsync(folder);
        ::close(folder);
    }
    receipt.input = Poco::Path(path).getFileName();
    return receipt;
}

}  // namespace

PushSource::PushSource(SourceSettings settings, Mapping mapping, const SourceOptions& options)
    : ReceivedSource(std::move(settings), std::move(mapping), options.spoolDirectory(),
                     options.spoolDirectory()),
      dataset_(options.text("dataset")) {}

SourceKind PushSource::kind() {
    return {"push",
            "exports pushed to POST /v1/push/{municipality}/{dataset}, spooled to disk first",
            {{"dataset", "", true, false, "the dataset name in the push URL"}},
            "",
            factoryOf<PushSource>()};
}

bool PushSource::receives(const std::string& municipality, const std::string& dataset) const {
    return dataset == dataset_ && mapping().municipality() == municipality;
}

PushReceipt PushSource::accept(std::istream& body, std::optional<std::uint64_t> declaredLength,
                               const PushLimits& limits) const {
    // <source>-<uuid>.<format>, which waitingInputs() recognises.
    std::string input = name() + "-" +
                        Poco::UUIDGenerator::defaultGenerator().createRandom().toString() + "." +
                        mapping().format();
    try {
        createPrivateFolders(waitingFolder());
        return spool(body, declaredLength, limits, waitingFolder() + "/" + input);
    } catch (const std::exception& e) {
        Poco::Logger::get("gateway.push").error(std::string("cannot spool a push: ") + e.what());
        return {PushReceipt::Outcome::NoSpace, kNoSpace, ""};
    }
}

std::vector<std::string> PushSource::waitingInputs() const {
    std::vector<std::string> waiting;
    // A push is spooled as <source>-<uuid>.<format>: 36 characters between. Hidden files are
    // partial uploads, never inputs.
    std::string prefix = name() + "-", suffix = "." + mapping().format();
    for (const auto& file : regularFilesIn(waitingFolder())) {
        std::string input = Poco::Path(file.path()).getFileName();
        if (input.size() == prefix.size() + 36 + suffix.size() &&
            input.compare(0, prefix.size(), prefix) == 0 && Poco::endsWith(input, suffix))
            waiting.push_back(input);
    }
    return waiting;
}

}  // namespace gw
