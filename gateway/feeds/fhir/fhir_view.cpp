#include "gateway/feeds/fhir/fhir_view.h"

#include <Poco/URI.h>

#include "gateway/core/errors.h"

namespace gw {
namespace {

const char* const kFiBase = "https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/";
// Statistics Finland's municipality codes (kuntanumero), as fi-base names them.
const char* const kMunicipalitySystem = "urn:oid:1.2.246.537.6.21";
// The permanent personal identity code (henkilötunnus) issued by the Digital and Population
// Data Services Agency.
const char* const kIdentityCodeSystem = "urn:oid:1.2.246.21";

const std::vector<std::string> kCodeSets = {"follow-up",       "goal-status",    "municipality",
                                            "organiser-unit",  "placement-type", "producer-type",
                                            "referral-source", "service-type"};

/// The string at `path` (JSON Pointer tokens) of a record, or null.
const std::string* text(const nlohmann::json& record, std::initializer_list<const char*> path) {
    const nlohmann::json* node = &record;
    for (const char* token : path) {
        if (!node->is_object()) return nullptr;
        auto child = node->find(token);
        if (child == node->end()) return nullptr;
        node = &*child;
    }
    return node->is_string() ? &node->get_ref<const std::string&>() : nullptr;
}

std::string textOr(const nlohmann::json& record, std::initializer_list<const char*> path) {
    const std::string* value = text(record, path);
    return value ? *value : std::string();
}

/// A period of dates, with only the ends the record has.
nlohmann::json period(const nlohmann::json& record, const char* start, const char* end) {
    nlohmann::json p = nlohmann::json::object();
    if (const auto* value = text(record, {start})) p["start"] = *value;
    if (const auto* value = text(record, {end})) p["end"] = *value;
    return p;
}

/// How a regional goal status reads in FHIR's Goal: its lifecycle status and, where HL7's goal
/// achievement codes say the same thing, that code.
std::pair<const char*, const char*> goalStatus(const std::string& status) {
    if (status == "not_started") return {"accepted", nullptr};
    if (status == "in_progress") return {"active", "in-progress"};
    if (status == "achieved") return {"completed", "achieved"};
    if (status == "not_achieved") return {"completed", "not-achieved"};
    return {"completed", nullptr};  // partly_achieved: no HL7 code says "partly"
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& FhirView::resourceTypes() {
    static const std::vector<std::pair<std::string, std::string>> types = {
        {"Patient", "client"},           {"EpisodeOfCare", "service_episode"},
        {"Encounter", "work_placement"}, {"CarePlan", "client_plan"},
        {"Goal", "client_plan"},         {"QuestionnaireResponse", "feedback"},
    };
    return types;
}

std::string FhirView::entityOf(const std::string& resourceType) {
    for (const auto& [type, entity] : resourceTypes()) {
        if (type == resourceType) return entity;
    }
    return "";
}

FeedViewKind FhirView::fullKind() {
    return {"fhir", "feed:read", "every stored record as FHIR R4 resources",
            [](const FeedViewSetup& setup) { return std::make_unique<FhirView>(setup, false); }};
}

FeedViewKind FhirView::pseudonymisedKind() {
    return {"fhir-pseudonymised", "feed:pseudonymised",
            "the pseudonymised view as FHIR R4 resources, pseudonyms as resource ids",
            [](const FeedViewSetup& setup) { return std::make_unique<FhirView>(setup, true); }};
}

FhirView::FhirView(const FeedViewSetup& setup, bool pseudonymised) : base_(setup.fhirBase) {
    if (base_.empty() || base_.back() == '/')
        throw ConfigError("fhir.canonicalBase", "must be a URL without a trailing slash");
    if (pseudonymised) {
        pseudonymiser_ = std::make_unique<Pseudonymiser>(setup.pseudonymisedViewFile,
                                                         setup.pseudonymKey, setup.entities);
    } else {
        // A key of its own: the full view's ids never equal the pseudonymised view's.
        idKey_.emplace(KeyedHash(setup.pseudonymKey).derive("fhir resource ids"));
    }
    for (const auto& name : kCodeSets) {
        CodeSet set = CodeSet::load(setup.codeDirectory, name);
        nlohmann::json concepts = nlohmann::json::array();
        for (const auto& code : set.codes()) {
            concepts.push_back({{"code", code.code},
                                {"display", code.finnish},
                                {"designation", {{{"language", "en"}, {"value", code.english}}}}});
        }
        codeSystems_[name] = {{"resourceType", "CodeSystem"},
                              {"id", name},
                              {"url", base_ + "/CodeSystem/" + name},
                              {"name", name},
                              {"status", "active"},
                              {"content", "complete"},
                              {"caseSensitive", true},
                              {"language", "fi"},
                              {"count", set.codes().size()},
                              {"concept", concepts}};
        codeSets_.emplace(name, std::move(set));
    }
}

std::string FhirView::render(const FeedEntry& entry) const {
    std::string lines;
    for (const auto& resource : resources(entry)) {
        if (!lines.empty()) lines += '\n';
        lines += resource.dump();
    }
    return lines;
}

std::vector<nlohmann::json> FhirView::resources(const FeedEntry& entry) const {
    nlohmann::json record = nlohmann::json::parse(entry.body);
    if (pseudonymiser_) record = pseudonymiser_->apply(record);
    std::string source = base_ + "/source/" + textOr(record, {"provenance", "sourceMunicipality"});
    std::string system;
    Poco::URI::encode(textOr(record, {"provenance", "sourceSystem"}), "/?#&=+ ", system);
    source += "/" + system;
    const auto& transfer = record["provenance"].value("transferId", nlohmann::json());
    if (transfer.is_number_integer()) source += "#transfer-" + transfer.dump();
    nlohmann::json meta = {{"versionId", std::to_string(entry.seq)},
                           {"lastUpdated", entry.storedAt},
                           {"source", source}};
    std::string entity = record.value("entity", "");
    std::vector<nlohmann::json> out;
    if (entity == "client") {
        out.push_back(patient(record, meta));
    } else if (entity == "service_episode") {
        out.push_back(episodeOfCare(record, meta));
    } else if (entity == "work_placement") {
        out.push_back(encounter(record, meta));
    } else if (entity == "client_plan") {
        carePlan(record, meta, out);
    } else if (entity == "feedback") {
        out.push_back(questionnaireResponse(record, meta));
    }
    return out;
}

std::string FhirView::idOf(const std::string& kind, const nlohmann::json& record,
                           const std::string& value) const {
    if (!idKey_) return value;
    static const std::map<std::string, std::string> prefixes = {
        {"episode", "ep"}, {"placement", "wp"}, {"plan", "cp"}, {"feedback", "fb"}};
    // Each part ends with a newline, which no part holds, so that two lists never hash alike.
    return prefixes.at(kind) + "-" +
           idKey_
               ->hex({kind, "\n", textOr(record, {"provenance", "sourceMunicipality"}), "\n",
                      textOr(record, {"provenance", "sourceSystem"}), "\n", value})
               .substr(0, 32);
}

std::string FhirView::patientId(const nlohmann::json& record) const {
    return textOr(record, {"client", pseudonymiser_ ? "pseudonym" : "clientId"});
}

nlohmann::json FhirView::patientReference(const nlohmann::json& record) const {
    return {{"reference", "Patient/" + patientId(record)}};
}

void FhirView::addIdentifier(nlohmann::json& resource, const std::string& kind,
                             const nlohmann::json& record, const std::string& value,
                             bool many) const {
    if (pseudonymiser_ || value.empty()) return;
    std::string system;
    Poco::URI::encode(textOr(record, {"provenance", "sourceSystem"}), "/?#&=+ ", system);
    nlohmann::json identifier = {
        {"system", base_ + "/NamingSystem/" + kind + "/" +
                       textOr(record, {"provenance", "sourceMunicipality"}) + "/" + system},
        {"value", value}};
    if (many) {
        resource["identifier"] = nlohmann::json::array({identifier});
    } else {
        resource["identifier"] = identifier;
    }
}

nlohmann::json FhirView::coding(const std::string& codeSet, const std::string& code) const {
    return {{"system", base_ + "/CodeSystem/" + codeSet},
            {"code", code},
            {"display", codeSets_.at(codeSet).finnish(code)}};
}

nlohmann::json FhirView::concept(const std::string& codeSet, const std::string& code) const {
    nlohmann::json codings = nlohmann::json::array({coding(codeSet, code)});
    for (const auto& entry : codeSets_.at(codeSet).codes()) {
        if (entry.code == code && !entry.nationalSystem.empty()) {
            codings.push_back(
                {{"system", "urn:oid:" + entry.nationalSystem}, {"code", entry.nationalCode}});
        }
    }
    return {{"coding", codings}};
}

nlohmann::json FhirView::municipality(const std::string& code) const {
    return {{"system", kMunicipalitySystem},
            {"code", code},
            {"display", codeSets_.at("municipality").finnish(code)}};
}

nlohmann::json FhirView::extension(const std::string& name, const char* valueKey,
                                   nlohmann::json value) const {
    return {{"url", base_ + "/StructureDefinition/" + name}, {valueKey, std::move(value)}};
}

nlohmann::json FhirView::patient(const nlohmann::json& record, const nlohmann::json& meta) const {
    nlohmann::json p = {{"resourceType", "Patient"}, {"id", patientId(record)}, {"meta", meta}};
    p["meta"]["profile"] = {std::string(kFiBase) + "fi-base-patient"};
    nlohmann::json identifiers = nlohmann::json::array();
    if (pseudonymiser_) {
        identifiers.push_back({{"use", "secondary"},
                               {"system", base_ + "/NamingSystem/client-pseudonym"},
                               {"value", patientId(record)}});
    } else {
        const nlohmann::json& client = record["client"];
        std::string code = client.value("identityCode", "");
        if (client.value("temporaryIdentityCode", false)) {
            // A temporary or test code (individual number 900-999) is not a permanent identity
            // code, and must never be taken for one: it gets the gateway's own system.
            identifiers.push_back({{"use", "temp"},
                                   {"system", base_ + "/NamingSystem/temporary-identity-code"},
                                   {"value", code}});
        } else {
            identifiers.push_back({{"use", "official"},
                                   {"type",
                                    {{"coding",
                                      {{{"system", "http://terminology.hl7.org/CodeSystem/v2-0203"},
                                        {"code", "NNFIN"}}}}}},
                                   {"system", kIdentityCodeSystem},
                                   {"value", code}});
        }
        identifiers.push_back({{"use", "secondary"},
                               {"system", base_ + "/NamingSystem/regional-client-id"},
                               {"value", patientId(record)}});
    }
    p["identifier"] = identifiers;
    if (const auto* home = text(record, {"client", "homeMunicipality"})) {
        p["extension"] = {{{"url", std::string(kFiBase) + "municipality-code"},
                           {"valueCoding", municipality(*home)}}};
    }
    return p;
}

nlohmann::json FhirView::episodeOfCare(const nlohmann::json& record,
                                       const nlohmann::json& meta) const {
    std::string episodeId = textOr(record, {"episodeId"});
    nlohmann::json e = {{"resourceType", "EpisodeOfCare"},
                        {"id", idOf("episode", record, episodeId)},
                        {"meta", meta}};
    e["meta"]["profile"] = {std::string(kFiBase) + "fi-base-episode-of-care"};
    addIdentifier(e, "episode", record, episodeId, true);
    e["status"] = text(record, {"endDate"}) ? "finished" : "active";
    if (const auto* service = text(record, {"serviceType"}))
        e["type"] = {concept("service-type", *service)};
    e["patient"] = patientReference(record);
    if (const auto* organiser = text(record, {"organiserMunicipality"})) {
        e["managingOrganization"] = {
            {"identifier", {{"system", kMunicipalitySystem}, {"value", *organiser}}},
            {"display", codeSets_.at("municipality").finnish(*organiser)}};
    }
    e["period"] = period(record, "startDate", "endDate");
    nlohmann::json extensions = nlohmann::json::array();
    if (const auto* unit = text(record, {"organiserUnit"}))
        extensions.push_back(
            extension("organiser-unit", "valueCoding", coding("organiser-unit", *unit)));
    if (record.contains("producer")) {
        nlohmann::json parts = nlohmann::json::array();
        if (const auto* name = text(record, {"producer", "name"}))
            parts.push_back({{"url", "name"}, {"valueString", *name}});
        if (const auto* type = text(record, {"producer", "type"}))
            parts.push_back({{"url", "type"}, {"valueCoding", coding("producer-type", *type)}});
        if (!parts.empty())
            extensions.push_back(
                {{"url", base_ + "/StructureDefinition/producer"}, {"extension", parts}});
    }
    if (const auto* referral = text(record, {"referralSource"}))
        extensions.push_back(
            extension("referral-source", "valueCoding", coding("referral-source", *referral)));
    for (const auto& [field, name] :
         {std::pair{"goalsSet", "goals-set"}, std::pair{"feedbackWritten", "feedback-written"}}) {
        auto value = record.find(field);
        if (value != record.end() && value->is_boolean())
            extensions.push_back(extension(name, "valueBoolean", *value));
    }
    auto hours = record.find("hoursPerWeek");
    if (hours != record.end() && hours->is_number())
        extensions.push_back(extension("hours-per-week", "valueDecimal", *hours));
    if (!extensions.empty()) e["extension"] = extensions;
    return e;
}

nlohmann::json FhirView::encounter(const nlohmann::json& record, const nlohmann::json& meta) const {
    std::string placementId = textOr(record, {"placementId"});
    nlohmann::json e = {{"resourceType", "Encounter"},
                        {"id", idOf("placement", record, placementId)},
                        {"meta", meta}};
    addIdentifier(e, "placement", record, placementId, true);
    e["status"] = text(record, {"endDate"}) ? "finished" : "in-progress";
    // A work placement happens at a workplace or an activity centre, not where care is given.
    e["class"] = {{"system", "http://terminology.hl7.org/CodeSystem/v3-ActCode"},
                  {"code", "FLD"},
                  {"display", "field"}};
    if (const auto* type = text(record, {"placementType"}))
        e["type"] = {concept("placement-type", *type)};
    e["subject"] = patientReference(record);
    if (const auto* episode = text(record, {"episodeId"}))
        e["episodeOfCare"] = {
            {{"reference", "EpisodeOfCare/" + idOf("episode", record, *episode)}}};
    e["period"] = period(record, "startDate", "endDate");
    if (const auto* organiser = text(record, {"organiserMunicipality"})) {
        e["serviceProvider"] = {
            {"identifier", {{"system", kMunicipalitySystem}, {"value", *organiser}}},
            {"display", codeSets_.at("municipality").finnish(*organiser)}};
    }
    return e;
}

void FhirView::carePlan(const nlohmann::json& record, const nlohmann::json& meta,
                        std::vector<nlohmann::json>& out) const {
    std::string planId = textOr(record, {"planId"});
    std::string id = idOf("plan", record, planId);
    nlohmann::json c = {{"resourceType", "CarePlan"}, {"id", id}, {"meta", meta}};
    addIdentifier(c, "plan", record, planId, true);
    c["status"] = "active";
    c["intent"] = "plan";
    if (const auto* service = text(record, {"serviceType"}))
        c["category"] = {concept("service-type", *service)};
    c["subject"] = patientReference(record);
    if (const auto* drawnUp = text(record, {"drawnUpDate"})) c["created"] = *drawnUp;
    auto worker = [&](const char* field) -> std::optional<nlohmann::json> {
        const std::string* name = text(record, {field, "name"});
        if (!name) return std::nullopt;
        const std::string* title = text(record, {field, "title"});
        return nlohmann::json{{"display", title ? *name + " (" + *title + ")" : *name}};
    };
    if (auto coordinator = worker("coordinatingWorker")) c["author"] = *coordinator;
    if (auto producer = worker("producerWorker")) c["contributor"] = {*producer};
    nlohmann::json extensions = nlohmann::json::array();
    if (const auto* organiser = text(record, {"organiserMunicipality"}))
        extensions.push_back(
            extension("organiser-municipality", "valueCoding", municipality(*organiser)));
    for (const auto& [field, name] : {std::pair{"lastReviewDate", "last-review-date"},
                                      std::pair{"nextReviewDate", "next-review-date"}}) {
        if (const auto* date = text(record, {field}))
            extensions.push_back(extension(name, "valueDate", *date));
    }
    auto interval = record.find("reviewIntervalMonths");
    if (interval != record.end() && interval->is_number_integer())
        extensions.push_back(extension("review-interval-months", "valueInteger", *interval));
    if (!extensions.empty()) c["extension"] = extensions;

    nlohmann::json goalReferences = nlohmann::json::array();
    const auto goals = record.find("goals");
    if (goals != record.end() && goals->is_array()) {
        for (std::size_t i = 0; i < goals->size(); ++i) {
            const nlohmann::json& goal = (*goals)[i];
            std::string goalId = id + "-" + std::to_string(i + 1);
            std::string status = goal.value("status", "");
            auto [lifecycle, achievement] = goalStatus(status);
            nlohmann::json g = {{"resourceType", "Goal"},
                                {"id", goalId},
                                {"meta", meta},
                                {"lifecycleStatus", lifecycle}};
            nlohmann::json codings = nlohmann::json::array();
            if (achievement) {
                codings.push_back(
                    {{"system", "http://terminology.hl7.org/CodeSystem/goal-achievement"},
                     {"code", achievement}});
            }
            if (!status.empty()) codings.push_back(coding("goal-status", status));
            if (!codings.empty()) g["achievementStatus"] = {{"coding", codings}};
            if (const auto* goalText = text(goal, {"text"})) {
                g["description"] = {{"text", *goalText}};
            } else {
                // Goal.description is required; the pseudonymised view shows no free text.
                g["description"] = {
                    {"extension",
                     {{{"url", "http://hl7.org/fhir/StructureDefinition/data-absent-reason"},
                       {"valueCode", "masked"}}}}};
            }
            g["subject"] = patientReference(record);
            goalReferences.push_back({{"reference", "Goal/" + goalId}});
            out.push_back(std::move(g));
        }
    }
    if (!goalReferences.empty()) c["goal"] = goalReferences;
    out.insert(out.end() - static_cast<std::ptrdiff_t>(goalReferences.size()), std::move(c));
}

nlohmann::json FhirView::questionnaireResponse(const nlohmann::json& record,
                                               const nlohmann::json& meta) const {
    std::string feedbackId = textOr(record, {"feedbackId"});
    nlohmann::json q = {{"resourceType", "QuestionnaireResponse"},
                        {"id", idOf("feedback", record, feedbackId)},
                        {"meta", meta}};
    addIdentifier(q, "feedback", record, feedbackId, false);
    q["questionnaire"] = base_ + "/Questionnaire/rehabilitation-feedback";
    q["status"] = "completed";
    q["subject"] = patientReference(record);
    if (const auto* date = text(record, {"date"})) q["authored"] = *date;
    nlohmann::json extensions = nlohmann::json::array();
    if (const auto* episode = text(record, {"episodeId"})) {
        extensions.push_back(
            extension("episode-of-care", "valueReference",
                      {{"reference", "EpisodeOfCare/" + idOf("episode", record, *episode)}}));
    }
    if (const auto* organiser = text(record, {"organiserMunicipality"}))
        extensions.push_back(
            extension("organiser-municipality", "valueCoding", municipality(*organiser)));
    if (!extensions.empty()) q["extension"] = extensions;
    if (const auto* followUp = text(record, {"followUp"})) {
        q["item"] = {{{"linkId", "followUp"},
                      {"text", "Jatkosuositus"},
                      {"answer", {{{"valueCoding", coding("follow-up", *followUp)}}}}}};
    }
    return q;
}

}  // namespace gw
