#pragma once

#include <chrono>
#include <string>

#include "gateway/settings/gateway_settings.h"
#include "gateway/sources/configured_sources.h"

namespace gw {

/// Deletes the inputs the gateway keeps after their transfers: archived and failed exports (and
/// their reasons) older than `archive.keepDays`, wherever a source keeps them (the push spool, a
/// drop folder), and partial uploads a crash left in the spool. They hold raw exports with identity
/// codes, so none is kept for ever; each deletion is logged, and an expired input's deletion is
/// also recorded in the transfer log, where a re-run refused for it finds when and why.
class InputRetention {
  public:
    InputRetention(const GatewaySettings& settings, const ConfiguredSources& sources,
                   TransferLog& log)
        : settings_(settings), sources_(sources), log_(log) {}

    /// Removes the partial uploads (`.NAME.incoming` in the spool): nothing acknowledged them.
    /// For the start, before the HTTP API accepts a push. Returns how many.
    int removePartialUploads() const;
    /// Deletes archived and failed inputs last changed before `now` less the kept days. Returns
    /// how many files.
    int deleteExpired(std::chrono::system_clock::time_point now) const;

  private:
    const GatewaySettings& settings_;
    const ConfiguredSources& sources_;
    TransferLog& log_;
};

}  // namespace gw
