#pragma once

#include <string>

#include "gateway/http/call.h"

namespace gw {

/// The metrics resource, open as Prometheus scrapes it (counts and times, no names or records):
/// GET /metrics in Prometheus's text format 0.0.4, records and transfers from the
/// transfer log, this instance's transfer durations and running rates, the sources' health, and
/// the process's own figures (memory, CPU, open files, start time) and build.
std::string renderMetrics(Store& store, const TransferRunner& runner, const Scheduler& scheduler);

/// GET /metrics.
void sendMetrics(const HttpApiContext& context, Call& call);

}  // namespace gw
