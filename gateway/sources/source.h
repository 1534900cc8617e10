#pragma once

// Source: the interface every source kind implements.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gateway/mapping/mapping.h"
#include "gateway/settings/gateway_settings.h"
#include "gateway/store/transfer_log.h"

namespace gw {

/// An input as its transfer read it: the file the pipeline read, and for a pull the watermark to
/// keep once the transfer succeeded.
struct OpenedInput {
    std::string path;
    std::string watermark;
};

/// One configured source, of one kind: where its inputs wait, how one is made ready for its
/// transfer, and how it is settled afterwards. Each kind is a folder under gateway/sources/ with
/// a factory registered by name in gateway/sources/builtin.cpp (docs/architecture.md). Every
/// method may be called from any thread.
class Source {
  public:
    virtual ~Source() = default;
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    const SourceSettings& settings() const { return settings_; }
    const std::string& name() const { return settings_.name; }
    const std::string& kind() const { return settings_.kind; }
    const Mapping& mapping() const { return mapping_; }

    /// The input a run reads when one is asked for (at start, by the schedule, or by
    /// POST /v1/transfers); empty for a kind whose inputs arrive by themselves and cannot be
    /// asked for (a drop, a push).
    virtual std::optional<std::string> requestedInput() const = 0;
    /// The inputs that arrived since the last look and are now this instance's to run (a drop
    /// folder's ready files, claimed): called by the schedule. Most kinds have none.
    virtual std::vector<std::string> collectArrived() { return {}; }
    /// The inputs that wait where their transfer reads them: acknowledged or claimed, and not
    /// filed away yet.
    virtual std::vector<std::string> waitingInputs() const { return {}; }
    /// The file transfer `transferId` over `input` reads.
    virtual std::string inputPath(std::int64_t transferId, const std::string& input) const = 0;
    /// Fetches the input into `path` before its transfer reads it, and returns the watermark to
    /// keep once the transfer succeeded; most kinds' inputs are there already. Throws
    /// InputError when it cannot be had.
    virtual std::string fetch(const std::string& /*path*/, TransferLog& /*log*/,
                              const std::atomic<bool>* /*stop*/) const {
        return "";
    }
    /// What follows a transfer's end: its input filed away (archive/ or failed/), a pull's
    /// watermark kept. Not called for an interrupted transfer, which runs again.
    virtual void settle(const TransferInfo& transfer, const OpenedInput& input,
                        TransferLog& log) const = 0;
    /// Where the input of the finished transfer `transfer` may still be kept, in the order a
    /// re-run looks: the export file itself, or its place in archive/ or failed/. A re-run reads
    /// it there and leaves it there.
    virtual std::vector<std::string> keptPaths(const TransferInfo& transfer) const = 0;
    /// The folders where inputs are kept after their transfers, for archive.keepDays.
    virtual std::vector<std::string> keptFolders() const { return {}; }
    /// What no other source may take as well (a drop folder; a municipality's pushed dataset),
    /// described for messages; empty when the kind takes nothing exclusively.
    virtual std::optional<std::string> exclusiveClaim() const { return std::nullopt; }

  protected:
    Source(SourceSettings settings, Mapping mapping)
        : settings_(std::move(settings)), mapping_(std::move(mapping)) {}

  private:
    SourceSettings settings_;
    Mapping mapping_;
};

}  // namespace gw
