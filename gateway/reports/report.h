#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "gateway/store/store.h"

namespace gw {

/// What every report needs besides the store.
struct ReportContext {
    std::string codeDirectory;  ///< schemas/v1/codes, for labels
    std::string asOf;           ///< the reference date (yyyy-mm-dd) for "active" and "overdue"
};

/// A question the county used to ask by survey, answered from the stored records
/// (`gatewayctl report NAME`).
class Report {
  public:
    virtual ~Report() = default;
    virtual std::string name() const = 0;
    virtual std::string description() const = 0;
    /// The answer, one JSON object per row.
    virtual nlohmann::json compute(Store& store, const ReportContext& context) const = 0;
    /// The same rows as a table for people.
    virtual void print(const nlohmann::json& rows, const ReportContext& context,
                       std::ostream& out) const = 0;
};

/// Every report, by name.
const std::vector<std::unique_ptr<Report>>& allReports();

/// A record's text field; empty when it is missing or not text.
std::string textAt(const nlohmann::json& record, const char* key);
/// part / whole, or null when whole is 0.
nlohmann::json share(long part, long whole);
/// The median, or null when there are no values.
nlohmann::json median(std::vector<long> values);

/// Prints rows of text as aligned columns (widths counted in characters, not bytes).
void printColumns(const std::vector<std::vector<std::string>>& rows, std::ostream& out);

}  // namespace gw
