#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/store/transfer_log.h"

namespace gw {

/// Where a kind that receives its inputs (a drop folder, the push spool) keeps each one after
/// its transfer: archive/ when it succeeded, failed/ with a reason file when it did not, both
/// under one base folder, until archive.keepDays have passed.
class InputArchive {
  public:
    explicit InputArchive(std::string base) : base_(std::move(base)) {}

    const std::string& base() const { return base_; }
    /// Moves the input at `path` of a finished transfer away. Never throws: a failure is logged
    /// and the file stays where it is.
    void fileAway(const std::string& path, const TransferInfo& transfer) const;
    /// Where an input filed away as `fileName` is kept: archive/ first, then failed/.
    std::vector<std::string> keptPaths(const std::string& fileName) const {
        return {base_ + "/archive/" + fileName, base_ + "/failed/" + fileName};
    }

  private:
    std::string base_;
};

}  // namespace gw
