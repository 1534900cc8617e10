#pragma once

#include "gateway/sources/source_registry.h"

namespace gw {

/// A source that reads one export file where it lies (`path`), whenever a run is asked for: at
/// start, by its schedule, or by request. The file is the municipality's; it is never moved.
class FileSource final : public Source {
  public:
    FileSource(SourceSettings settings, Mapping mapping, const SourceOptions& options);

    static SourceKind kind();

    std::optional<std::string> requestedInput() const override;
    std::string inputPath(std::int64_t transferId, const std::string& input) const override;
    void settle(const TransferInfo&, const OpenedInput&, TransferLog&) const override {}
    std::vector<std::string> keptPaths(const TransferInfo&) const override { return {path_}; }

  private:
    std::string path_;
};

}  // namespace gw
