#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace gw {

/// What became of the source records of one input. read == stored + unchanged + rejected holds
/// for every transfer that reconciles.
struct TransferCounts {
    std::uint64_t read = 0;
    std::uint64_t stored = 0;     ///< at least one regional record made from it was new or changed
    std::uint64_t unchanged = 0;  ///< every regional record made from it was already stored
    std::uint64_t rejected = 0;

    bool addsUp() const { return read == stored + unchanged + rejected; }
    nlohmann::json toJson() const;
};

/// The end of one run of a pipeline over one input.
struct TransferResult {
    TransferCounts counts;  ///< records read by the pipeline; the rest as the sink made durable
    std::optional<std::string> error;    ///< set when the input could not be read to its end
    bool interrupted = false;            ///< a stop was requested before the end
    std::optional<std::string> warning;  ///< set when the transfer succeeded but looks wrong
    std::string mappingVersion;          ///< the version of the mapping it ran with
};

}  // namespace gw
