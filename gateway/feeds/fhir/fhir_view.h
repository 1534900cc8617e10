#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/keyed_hash.h"
#include "gateway/feeds/feed_view.h"
#include "gateway/feeds/pseudonymised/pseudonymiser.h"
#include "gateway/store/record_store.h"
#include "gateway/validation/code_set.h"

namespace gw {

/// Shows stored regional records as FHIR R4 resources under HL7 Finland's base profiles
/// (docs/fhir.md has the mapping table): a client as a Patient, a service episode as an
/// EpisodeOfCare, a work placement as an Encounter, a client plan as a CarePlan with its Goals,
/// and feedback as a QuestionnaireResponse. The pseudonymised variant first applies the
/// pseudonymised view (schemas/v1/pseudonymised-view.json), so that it shows exactly what that
/// view shows, with its pseudonyms as resource ids. Made once at start; used from any thread.
class FhirView final : public FeedView {
  public:
    /// The "fhir" view, granted by feed:read.
    static FeedViewKind fullKind();
    /// The "fhir-pseudonymised" view, granted by feed:pseudonymised.
    static FeedViewKind pseudonymisedKind();

    /// The resource types the view makes, each with the regional entity it is made from.
    static const std::vector<std::pair<std::string, std::string>>& resourceTypes();
    /// The entity a resource type is made from; empty for a type the view does not make.
    static std::string entityOf(const std::string& resourceType);

    /// Throws ConfigError for unreadable code sets or (pseudonymised) view.
    FhirView(const FeedViewSetup& setup, bool pseudonymised);

    /// The resources one stored record makes (a plan makes its CarePlan and one Goal per goal).
    /// Throws PersonalDataLeak as the pseudonymised view does.
    std::vector<nlohmann::json> resources(const FeedEntry& entry) const;
    /// Each resource of resources() as one line of NDJSON, joined by newlines.
    std::string render(const FeedEntry& entry) const override;

    /// The regional code sets as FHIR CodeSystem resources, by id.
    const std::map<std::string, nlohmann::json>& codeSystems() const { return codeSystems_; }
    const std::string& canonicalBase() const { return base_; }
    bool pseudonymised() const { return pseudonymiser_ != nullptr; }
    /// The view's name, as the feeds API and the audit log call it.
    std::string name() const { return pseudonymised() ? "fhir-pseudonymised" : "fhir"; }

  private:
    nlohmann::json patient(const nlohmann::json& record, const nlohmann::json& meta) const;
    nlohmann::json episodeOfCare(const nlohmann::json& record, const nlohmann::json& meta) const;
    nlohmann::json encounter(const nlohmann::json& record, const nlohmann::json& meta) const;
    void carePlan(const nlohmann::json& record, const nlohmann::json& meta,
                  std::vector<nlohmann::json>& out) const;
    nlohmann::json questionnaireResponse(const nlohmann::json& record,
                                         const nlohmann::json& meta) const;

    /// The resource id of the thing a source system calls `value`, of `kind` (episode, plan...):
    /// in the pseudonymised view the value is its pseudonym already; in the full view, a keyed
    /// hash of the source and the value, so that no source's own id (which may hold personal
    /// data) becomes a URL.
    std::string idOf(const std::string& kind, const nlohmann::json& record,
                     const std::string& value) const;
    std::string patientId(const nlohmann::json& record) const;
    nlohmann::json patientReference(const nlohmann::json& record) const;
    /// A source system's own id as an identifier; in the full view only.
    void addIdentifier(nlohmann::json& resource, const std::string& kind,
                       const nlohmann::json& record, const std::string& value, bool many) const;
    nlohmann::json coding(const std::string& codeSet, const std::string& code) const;
    nlohmann::json concept(const std::string& codeSet, const std::string& code) const;
    nlohmann::json municipality(const std::string& code) const;
    nlohmann::json extension(const std::string& name, const char* valueKey,
                             nlohmann::json value) const;

    std::string base_;
    std::map<std::string, CodeSet> codeSets_;
    std::map<std::string, nlohmann::json> codeSystems_;
    std::unique_ptr<Pseudonymiser> pseudonymiser_;  ///< only in the pseudonymised view
    std::optional<KeyedHash> idKey_;                ///< only in the full view
};

}  // namespace gw
