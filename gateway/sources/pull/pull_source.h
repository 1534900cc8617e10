#pragma once

#include "gateway/sources/input_archive.h"
#include "gateway/sources/pull/http_puller.h"
#include "gateway/sources/source_registry.h"

namespace gw {

/// A source that fetches its export over HTTP(S) (`url`) whenever a run is asked for, changed
/// since the last successful pull (the watermark, kept in the store once the transfer
/// succeeded). The download is the transfer's own file in the spool, filed away after it.
class PullSource final : public Source {
  public:
    PullSource(SourceSettings settings, Mapping mapping, const SourceOptions& options);

    static SourceKind kind();

    std::optional<std::string> requestedInput() const override;
    std::string inputPath(std::int64_t transferId, const std::string& input) const override;
    std::string fetch(const std::string& path, TransferLog& log,
                      const std::atomic<bool>* stop) const override;
    void settle(const TransferInfo& transfer, const OpenedInput& input,
                TransferLog& log) const override;
    /// Each pull is kept under its transfer's own file name.
    std::vector<std::string> keptPaths(const TransferInfo& transfer) const override;
    std::vector<std::string> keptFolders() const override { return {spool_}; }

  private:
    PullSettings pull_;
    std::string spool_;
    InputArchive archive_;
};

}  // namespace gw
