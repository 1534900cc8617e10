#pragma once

#include "gateway/reports/report.h"

namespace gw {

/// Per municipality and service, what the services led to ("identify, coach, employ"): clients
/// whose episodes led to paid work or a work trial (a placement of that type in the episode, or
/// feedback recommending employment), the median days from an episode's start to its first
/// paid-work placement, episode lengths in bands, and the client plans' review intervals, also by
/// the type of the producer of the client's episode (the organiser and the producer review it).
class OutcomesReport : public Report {
  public:
    std::string name() const override { return "outcomes"; }
    std::string description() const override {
        return "per municipality and service: clients into paid work or a work trial, days to the "
               "first paid-work placement, episode lengths in bands, plan review intervals";
    }
    nlohmann::json compute(Store& store, const ReportContext& context) const override;
    void print(const nlohmann::json& rows, const ReportContext& context,
               std::ostream& out) const override;
};

}  // namespace gw
