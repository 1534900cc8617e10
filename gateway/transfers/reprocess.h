#pragma once

// Re-runs' change reports: from what a re-run stored, or, for a dry run, from the mapping alone.

#include <nlohmann/json.hpp>

#include "gateway/store/store.h"
#include "gateway/transfers/transfer_runner.h"

namespace gw {

/// The change report of re-run `rerun` (a transfer with reprocessOf set) once it ended: what
/// became of each source record, from the versions it stored (each with the one it replaced) and
/// the rejects of both runs (ChangeReport::toJson).
nlohmann::json reportReprocess(Store& store, const TransferRunner& runner,
                               const TransferInfo& rerun);

/// What a re-run of the finished transfer `original` through its source's current mapping would
/// change, compared with the store's current records, with nothing stored. Throws InputError
/// when its input is no longer kept.
nlohmann::json previewReprocess(Store& store, const TransferRunner& runner,
                                const TransferInfo& original);

}  // namespace gw
