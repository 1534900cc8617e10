#pragma once

#include <filesystem>

#include "gateway/sources/received_source.h"
#include "gateway/sources/source_registry.h"

namespace gw {

/// A source whose exports are left in a folder (`folder`), each with a `.done` marker beside it
/// once complete. The schedule claims every ready file by moving it into processing/ (the move
/// is the claim: of instances sharing the folder, one wins); after its transfer it goes to
/// archive/ or failed/.
class DropSource final : public ReceivedSource {
  public:
    DropSource(SourceSettings settings, Mapping mapping, const SourceOptions& options);

    static SourceKind kind();

    std::vector<std::string> collectArrived() override;
    std::vector<std::string> waitingInputs() const override;
    std::optional<std::string> exclusiveClaim() const override {
        return "the drop folder " + std::filesystem::path(folder_).lexically_normal().string();
    }

  private:
    std::string folder_;
};

}  // namespace gw
