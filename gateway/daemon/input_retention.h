#pragma once

#include <chrono>
#include <string>

#include "gateway/daemon/gateway_settings.h"

namespace gw {

/// Deletes the inputs the gateway keeps after their transfers: archived and failed exports (and
/// their reasons) older than `archive.keepDays`, in the push spool and in every drop folder, and
/// partial uploads a crash left in the spool. They hold raw exports with identity codes, so
/// none is kept for ever; each deletion is logged.
class InputRetention {
  public:
    explicit InputRetention(const GatewaySettings& settings) : settings_(settings) {}

    /// Removes the partial uploads (`.NAME.incoming` in the spool): nothing acknowledged them.
    /// For the start, before the HTTP API accepts a push. Returns how many.
    int removePartialUploads() const;
    /// Deletes archived and failed inputs last changed before `now` less the kept days. Returns
    /// how many files.
    int deleteExpired(std::chrono::system_clock::time_point now) const;

  private:
    const GatewaySettings& settings_;
};

}  // namespace gw
