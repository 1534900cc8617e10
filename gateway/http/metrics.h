#pragma once

#include <string>

#include "gateway/store/store.h"
#include "gateway/transfers/scheduler.h"
#include "gateway/transfers/transfer_runner.h"

namespace gw {

/// Renders GET /metrics in Prometheus's text format 0.0.4: records and transfers from the
/// transfer log, this instance's transfer durations and running rates, the sources' health, and
/// the process's own figures (memory, CPU, open files, start time) and build.
std::string renderMetrics(Store& store, const TransferRunner& runner, const Scheduler& scheduler);

}  // namespace gw
