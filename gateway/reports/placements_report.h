#pragma once

#include "gateway/reports/report.h"

namespace gw {

/// Clients per municipality in each form of work activity: the table of the 2021 survey.
class PlacementsReport : public Report {
  public:
    std::string name() const override { return "placements"; }
    std::string description() const override {
        return "clients per municipality in each form of work activity (work placements)";
    }
    nlohmann::json compute(Store& store, const ReportContext& context) const override;
    void print(const nlohmann::json& rows, const ReportContext& context,
               std::ostream& out) const override;
};

}  // namespace gw
