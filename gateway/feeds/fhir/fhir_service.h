#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/feeds/fhir/bulk_export.h"
#include "gateway/feeds/fhir/fhir_view.h"
#include "gateway/store/record_store.h"

namespace gw {

/// What the FHIR API reads, in the view a reader's scopes allow: resources of a type (all, or
/// those stored since a time), one resource by id, a patient's resources, and Bulk Data exports
/// of them. Resources are made from the current stored records one page at a time, so that
/// memory stays flat whatever the store's size.
class FhirService {
  public:
    FhirService(RecordStore& records, const FeedViewSetup& setup, BulkExportSettings exports);

    /// The full view with feed:read, else the pseudonymised one with feed:pseudonymised; null
    /// when the reader has neither.
    const FhirView* viewFor(const std::function<bool(const std::string&)>& holds) const;
    /// Calls `visit` with every resource of the `types` (each a type FhirView makes) made from
    /// the current records stored after `since` (empty for all); each regional client makes
    /// one Patient. Throws PersonalDataLeak as the view does.
    void scan(const FhirView& view, const std::vector<std::string>& types, const std::string& since,
              const std::function<void(const nlohmann::json& resource)>& visit);
    /// The resource of `type` whose id is `id`, if there is one.
    std::optional<nlohmann::json> read(const FhirView& view, const std::string& type,
                                       const std::string& id);
    /// The resources of `type` about the patient `patientId`, at most `limit`.
    std::vector<nlohmann::json> searchByPatient(const FhirView& view, const std::string& type,
                                                const std::string& patientId, std::size_t limit);

    BulkExports& exports() { return exports_; }

  private:
    RecordStore& records_;
    FhirView full_;
    FhirView pseudonymised_;
    BulkExports exports_;
};

}  // namespace gw
