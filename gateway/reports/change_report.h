#pragma once

// ChangeReport: what a re-run of a transfer changed, by source record and by regional field.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <string>

#include "gateway/model/rejection.h"

namespace gw {

/// The fields of each regional entity whose values are codes of a regional code set (`x-codeSet`
/// in its schema), as paths without the leading slash and with `*` for an array index
/// (`serviceType`, `producer/type`, `goals/*/status`). Reads schemas/v1; throws ConfigError.
std::map<std::string, std::set<std::string>> codeSetFields(const std::string& schemaDirectory);

/// What a re-run of a transfer's input through the current mapping changed: the change report of
/// `gatewayctl reprocess` and POST /v1/transfers/{id}/reprocess. Source records are counted by
/// what became of them; changed records field by field, with the value transitions of code-set
/// fields only, since any other value may be personal data.
class ChangeReport {
  public:
    /// What became of one source record in the re-run.
    enum class Outcome { NewlyStored, Changed, Unchanged, NewlyRejected, StillRejected };

    /// `about` heads the report (transfers, source, mapping versions); `codeSets` as
    /// codeSetFields() gives them.
    ChangeReport(nlohmann::json about, std::map<std::string, std::set<std::string>> codeSets)
        : about_(std::move(about)), codeSets_(std::move(codeSets)) {}

    void count(Outcome outcome, std::int64_t records = 1) { outcomes_[outcome] += records; }
    /// Counts a source record the re-run turned away; `before` says whether the last run of the
    /// same input turned it away too.
    void countRejected(const Rejection& rejection, bool before);
    /// Counts the fields in which the version `after` of a record of `entity` differs from the
    /// version `before` it replaced; the provenance is not compared.
    void compare(const std::string& entity, const nlohmann::json& before,
                 const nlohmann::json& after);

    nlohmann::json toJson() const;

  private:
    struct FieldChanges {
        std::int64_t records = 0;
        std::map<std::pair<std::string, std::string>, std::int64_t> transitions;
    };
    struct RejectCounts {
        std::int64_t newly = 0, still = 0;
    };

    nlohmann::json about_;
    std::map<std::string, std::set<std::string>> codeSets_;
    std::map<Outcome, std::int64_t> outcomes_;
    std::map<std::pair<std::string, std::string>, FieldChanges> fields_;   ///< by entity, field
    std::map<std::pair<std::string, std::string>, RejectCounts> rejects_;  ///< by rule, field
};

/// A change report (ChangeReport::toJson) as plain text for people.
void printChangeReport(const nlohmann::json& report, std::ostream& out);

}  // namespace gw
