#pragma once

#include <filesystem>

#include "gateway/sources/input_archive.h"
#include "gateway/sources/source_registry.h"

namespace gw {

/// A source whose exports are left in a folder (`folder`), each with a `.done` marker beside it
/// once complete. The schedule claims every ready file by moving it into processing/ (the move
/// is the claim: of instances sharing the folder, one wins); after its transfer it goes to
/// archive/ or failed/.
class DropSource final : public Source {
  public:
    DropSource(SourceSettings settings, Mapping mapping, const SourceOptions& options);

    static SourceKind kind();

    std::optional<std::string> requestedInput() const override { return std::nullopt; }
    std::vector<std::string> collectArrived() override;
    std::vector<std::string> waitingInputs() const override;
    std::string inputPath(std::int64_t transferId, const std::string& input) const override;
    void settle(const TransferInfo& transfer, const OpenedInput& input,
                TransferLog& log) const override;
    std::optional<std::string> rerunInput(const std::string& input) const override;
    std::optional<std::string> exclusiveClaim() const override {
        return "the drop folder " + std::filesystem::path(folder_).lexically_normal().string();
    }
    std::vector<std::string> keptFolders() const override { return {folder_}; }

    const std::string& folder() const { return folder_; }

  private:
    std::string folder_;
    InputArchive archive_;
};

}  // namespace gw
