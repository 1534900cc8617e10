#pragma once

#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/pipeline/pipeline.h"

namespace gw {

/// The dry run's report, which IT staff read before scheduling a cut-over (`gatewayctl check`,
/// the console's dry run): maps an export through `pipeline` and stores nothing, and tells what
/// would pass, the rejects by rule and field with example positions, unmapped code values per
/// code table (most frequent first), the arrays seen and how the mapping reads them, source
/// fields never used and regional fields (of `schemaDirectory`, the v1 folder) never filled.
nlohmann::json checkExport(Pipeline& pipeline, const Mapping& mapping, std::istream& input,
                           const std::string& inputName, const std::string& schemaDirectory);

}  // namespace gw
