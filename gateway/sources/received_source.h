#pragma once

#include "gateway/sources/input_archive.h"
#include "gateway/sources/source.h"

namespace gw {

/// What the kinds whose inputs arrive by themselves (a drop, a push) share: each input waits in
/// a folder where its transfer reads it, and is filed away after the transfer.
class ReceivedSource : public Source {
  public:
    std::optional<std::string> requestedInput() const override { return std::nullopt; }
    std::string inputPath(std::int64_t transferId, const std::string& input) const override;
    void settle(const TransferInfo& transfer, const OpenedInput& input,
                TransferLog& log) const override;
    std::vector<std::string> keptPaths(const TransferInfo& transfer) const override {
        return archive_.keptPaths(transfer.input);
    }
    std::vector<std::string> keptFolders() const override { return {archive_.base()}; }

  protected:
    /// Inputs wait in `waitingFolder` and are kept under `keptBase` (archive/, failed/).
    ReceivedSource(SourceSettings settings, Mapping mapping, std::string waitingFolder,
                   std::string keptBase);

    const std::string& waitingFolder() const { return waitingFolder_; }

  private:
    std::string waitingFolder_;
    InputArchive archive_;
};

}  // namespace gw
