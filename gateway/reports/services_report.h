#pragma once

#include "gateway/reports/report.h"

namespace gw {

/// Per municipality and service: episodes active on the reference date, median episode length,
/// goals set, feedback written, client plans overdue for review, referral routes and producers.
class ServicesReport : public Report {
  public:
    std::string name() const override { return "services"; }
    std::string description() const override {
        return "per municipality and service: active episodes, median length, goals, feedback, "
               "overdue plan "
               "reviews, referral sources and producer types";
    }
    nlohmann::json compute(Store& store, const ReportContext& context) const override;
    void print(const nlohmann::json& rows, const ReportContext& context,
               std::ostream& out) const override;
};

}  // namespace gw
