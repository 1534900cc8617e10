#include "gateway/sources/pull/pull_source.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/URI.h>

#include "gateway/core/private_files.h"

namespace gw {

PullSource::PullSource(SourceSettings settings, Mapping mapping, const SourceOptions& options)
    : Source(std::move(settings), std::move(mapping)),
      pull_{options.text("url"), options.text("watermarkParameter"),
            options.number("timeoutSeconds", 1), options.number("attempts", 1),
            options.number("retryBaseMillis", 0)},
      spool_(options.spoolDirectory()),
      archive_(spool_) {}

SourceKind PullSource::kind() {
    return {"pull",
            "an HTTP(S) GET of an export, changed since the last successful pull",
            {{"url", "", true, false, "where the export is fetched from"},
             {"watermarkParameter", "changedSince", false, false,
              "the query parameter that carries the start of the last successful pull"},
             {"timeoutSeconds", "30", false, false, "connect and read timeout"},
             {"attempts", "5", false, false, "tries before the transfer fails"},
             {"retryBaseMillis", "1000", false, false,
              "the first backoff; doubles per try, plus jitter"}},
            "",
            factoryOf<PullSource>()};
}

std::optional<std::string> PullSource::requestedInput() const {
    return Poco::URI(pull_.url).getPath();
}

std::string PullSource::inputPath(std::int64_t transferId, const std::string&) const {
    return spool_ + "/" + name() + "-" + std::to_string(transferId) + "." + mapping().format();
}

std::string PullSource::fetch(const std::string& path, TransferLog& log,
                              const std::atomic<bool>* stop) const {
    createPrivateFolders(spool_);
    return HttpPuller::pull(pull_, log.watermark(name()), path, stop);
}

std::vector<std::string> PullSource::keptPaths(const TransferInfo& transfer) const {
    return archive_.keptPaths(Poco::Path(inputPath(transfer.id, transfer.input)).getFileName());
}

void PullSource::settle(const TransferInfo& transfer, const OpenedInput& input,
                        TransferLog& log) const {
    if (transfer.state == "succeeded") log.setWatermark(name(), input.watermark);
    if (Poco::File(input.path).exists()) archive_.fileAway(input.path, transfer);
}

}  // namespace gw
