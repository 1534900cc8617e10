#include "gateway/feeds/fhir/fhir_service.h"

#include <algorithm>
#include <set>

namespace gw {
namespace {

/// Thrown from inside a scan to end it early once what was looked for is found.
struct Found {};

/// The subject or patient a resource is about, as "Patient/<id>".
std::string patientOf(const nlohmann::json& resource) {
    if (resource["resourceType"] == "Patient") return "Patient/" + resource.value("id", "");
    for (const char* field : {"patient", "subject"}) {
        auto reference = resource.find(field);
        if (reference != resource.end()) return reference->value("reference", "");
    }
    return "";
}

}  // namespace

FhirService::FhirService(RecordStore& records, const FeedViewSetup& setup,
                         BulkExportSettings exports)
    : records_(records),
      full_(setup, false),
      pseudonymised_(setup, true),
      exports_(std::move(exports)) {}

const FhirView* FhirService::viewFor(const std::function<bool(const std::string&)>& holds) const {
    if (holds("feed:read")) return &full_;
    if (holds("feed:pseudonymised")) return &pseudonymised_;
    return nullptr;
}

void FhirService::scan(const FhirView& view, const std::vector<std::string>& types,
                       const std::string& since,
                       const std::function<void(const nlohmann::json& resource)>& visit) {
    // Each entity is read once, however many of the types it makes (a plan's CarePlan, Goals).
    std::set<std::string> entities;
    for (const auto& type : types) entities.insert(FhirView::entityOf(type));
    for (const auto& entity : entities) {
        auto each = [&](const FeedEntry& entry) {
            for (const auto& resource : view.resources(entry)) {
                if (std::find(types.begin(), types.end(), resource["resourceType"]) != types.end())
                    visit(resource);
            }
        };
        if (entity == "client") {
            records_.scanCurrentClients(since, each);
        } else {
            records_.scanCurrentVersions(entity, since, each);
        }
    }
}

std::optional<nlohmann::json> FhirService::read(const FhirView& view, const std::string& type,
                                                const std::string& id) {
    std::optional<nlohmann::json> found;
    try {
        scan(view, {type}, "", [&](const nlohmann::json& resource) {
            if (resource["id"] == id) {
                found = resource;
                throw Found{};
            }
        });
    } catch (const Found&) {
    }
    return found;
}

std::vector<nlohmann::json> FhirService::searchByPatient(const FhirView& view,
                                                         const std::string& type,
                                                         const std::string& patientId,
                                                         std::size_t limit) {
    std::vector<nlohmann::json> matches;
    std::string reference = "Patient/" + patientId;
    try {
        scan(view, {type}, "", [&](const nlohmann::json& resource) {
            if (patientOf(resource) != reference) return;
            matches.push_back(resource);
            if (matches.size() >= limit) throw Found{};
        });
    } catch (const Found&) {
    }
    return matches;
}

}  // namespace gw
