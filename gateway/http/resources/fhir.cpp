#include "gateway/http/resources/fhir.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/StringTokenizer.h>

#include <fstream>
#include <regex>

#include "gateway/core/calendar.h"

namespace gw {

using Poco::Net::HTTPResponse;

namespace {

constexpr std::size_t kDefaultSearchCount = 100;
constexpr std::int64_t kMaxSearchCount = 1000;

void sendFhir(Call& call, HTTPResponse::HTTPStatus status, const nlohmann::json& resource) {
    sendJson(call.response, status, resource, "application/fhir+json");
}

/// The FHIR view the caller's token allows; null, with the call refused, when it allows none
/// (a token whose only feed scope is another view's).
const FhirView* viewOf(const HttpApiContext& context, Call& call) {
    const FhirView* view =
        context.fhir.viewFor([&](const std::string& s) { return call.grant->allows(s); });
    if (!view) refuse(call, HTTPResponse::HTTP_FORBIDDEN, "the token allows no FHIR view");
    return view;
}

/// Where this server is reached, as the client reached it: the base of the URLs it is given.
std::string serverBase(const HttpApiContext& context, const Call& call) {
    std::string scheme = context.settings.tlsCertificate.empty() ? "http" : "https";
    return scheme + "://" + call.request.getHost() + "/fhir";
}

/// A FHIR instant (with its time zone) as the store writes times: UTC, fractions of seconds.
std::string storeTime(const std::string& instant) {
    // Poco's parser takes much that is not a date; FHIR's instant is exactly this.
    static const std::regex shape(
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2}"
        ")");
    Poco::DateTime parsed;
    int zone = 0;
    if (!std::regex_match(instant, shape) ||
        !Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT, instant, parsed,
                                        zone))
        throw BadRequest("_since must be a FHIR instant, such as 2026-01-31T12:00:00Z");
    parsed.makeUTC(zone);
    return Poco::DateTimeFormatter::format(parsed, Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

/// The resource types a `_type` parameter names (every type when it is absent).
std::vector<std::string> typesOf(const std::string& parameter) {
    std::vector<std::string> types;
    if (parameter.empty()) {
        for (const auto& [type, entity] : FhirView::resourceTypes()) types.push_back(type);
        return types;
    }
    Poco::StringTokenizer names(
        parameter, ",", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& name : names) {
        if (FhirView::entityOf(name).empty())
            throw BadRequest("_type: this server exports no resources of type '" + name + "'");
        types.push_back(name);
    }
    return types;
}

/// The exports a reader owns are the token's: its name is who it is.
const std::string& ownerOf(const Call& call) {
    return call.grant->name;
}

}  // namespace

void sendCapabilityStatement(const HttpApiContext& context, Call& call) {
    nlohmann::json resources = nlohmann::json::array();
    for (const auto& [type, entity] : FhirView::resourceTypes()) {
        resources.push_back({{"type", type},
                             {"interaction", {{{"code", "read"}}, {{"code", "search-type"}}}},
                             {"searchParam",
                              {{{"name", "patient"},
                                {"type", "reference"},
                                {"documentation", "the patient the resource is about"}}}}});
    }
    resources.push_back({{"type", "CodeSystem"}, {"interaction", {{{"code", "read"}}}}});
    nlohmann::json export_ = {
        {"name", "export"},
        {"definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export"}};
    nlohmann::json patientExport = {
        {"name", "export"},
        {"definition", "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export"}};
    resources[0]["operation"] = {patientExport};
    nlohmann::json rest = {
        {"mode", "server"},
        {"security",
         {{"description",
           "A bearer token: feed:read reads everything, feed:pseudonymised the pseudonymised "
           "view."}}},
        {"resource", resources},
        {"operation", {export_}}};
    sendFhir(call, HTTPResponse::HTTP_OK,
             {{"resourceType", "CapabilityStatement"},
              {"status", "active"},
              {"date", todayIso()},
              {"kind", "instance"},
              {"software", {{"name", "gatewayd"}}},
              {"implementation",
               {{"description", "Regional records of employment-supporting social welfare"},
                {"url", serverBase(context, call)}}},
              {"fhirVersion", "4.0.1"},
              {"format", {"json"}},
              {"instantiates", {"http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"}},
              {"rest", {rest}}});
}

void readCodeSystem(const HttpApiContext& context, Call& call) {
    const FhirView* view = viewOf(context, call);
    if (!view) return;
    const auto& systems = view->codeSystems();
    auto system = systems.find(call.segments[2]);
    if (system == systems.end()) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no code system with that id");
        return;
    }
    sendFhir(call, HTTPResponse::HTTP_OK, system->second);
}

void readResource(const HttpApiContext& context, Call& call) {
    const std::string& type = call.segments[1];
    if (FhirView::entityOf(type).empty()) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "this server has no resources of that type");
        return;
    }
    const FhirView* found = viewOf(context, call);
    if (!found) return;
    const FhirView& view = *found;
    auto resource = context.fhir.read(view, type, call.segments[2]);
    if (!resource) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no " + type + " with that id");
        return;
    }
    call.response.setStatus(HTTPResponse::HTTP_OK);
    audit(context.store, call, whatWasRead(FhirView::entityOf(type), view.name(), 0, 0, 1));
    sendFhir(call, HTTPResponse::HTTP_OK, *resource);
}

void searchResources(const HttpApiContext& context, Call& call) {
    const std::string& type = call.segments[1];
    if (FhirView::entityOf(type).empty()) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "this server has no resources of that type");
        return;
    }
    std::string patient = textParameter(call.query, "patient");
    if (patient.empty()) patient = textParameter(call.query, "subject");
    if (patient.rfind("Patient/", 0) == 0) patient = patient.substr(8);
    if (patient.empty())
        throw BadRequest("search by patient (?patient=ID); for everything, use $export");
    auto count = numberParameter(call.query, "_count", kDefaultSearchCount, kMaxSearchCount);
    const FhirView* found = viewOf(context, call);
    if (!found) return;
    const FhirView& view = *found;
    auto matches =
        context.fhir.searchByPatient(view, type, patient, static_cast<std::size_t>(count));
    std::string base = serverBase(context, call);
    nlohmann::json entries = nlohmann::json::array();
    for (auto& resource : matches) {
        std::string url = base + "/" + type + "/" + resource.value("id", "");
        entries.push_back(
            {{"fullUrl", url}, {"resource", std::move(resource)}, {"search", {{"mode", "match"}}}});
    }
    call.response.setStatus(HTTPResponse::HTTP_OK);
    audit(context.store, call,
          whatWasRead(FhirView::entityOf(type), view.name(), 0, 0,
                      static_cast<std::int64_t>(entries.size())));
    sendFhir(call, HTTPResponse::HTTP_OK,
             {{"resourceType", "Bundle"},
              {"type", "searchset"},
              {"total", entries.size()},
              {"entry", entries}});
}

void kickOffExport(const HttpApiContext& context, Call& call) {
    std::string format = textParameter(call.query, "_outputFormat");
    if (!format.empty() && format != "application/fhir+ndjson" && format != "application/ndjson" &&
        format != "ndjson")
        throw BadRequest("_outputFormat: this server writes application/fhir+ndjson only");
    std::vector<std::string> types = typesOf(textParameter(call.query, "_type"));
    std::string sinceParameter = textParameter(call.query, "_since");
    std::string since = sinceParameter.empty() ? "" : storeTime(sinceParameter);
    const FhirView* found = viewOf(context, call);
    if (!found) return;
    const FhirView& view = *found;
    FhirService& fhir = context.fhir;
    std::string id;
    try {
        id = fhir.exports().start(
            ownerOf(call), view.name(), utcNow(),
            serverBase(context, call) + call.request.getURI().substr(5),
            [&fhir, &view, types, since](const auto& write) {
                fhir.scan(view, types, since, [&](const nlohmann::json& resource) {
                    write(resource["resourceType"].get<std::string>(), resource.dump());
                });
            });
    } catch (const TooManyExports& e) {
        call.response.set("Retry-After", "60");
        refuse(call, HTTPResponse::HTTP_TOO_MANY_REQUESTS, e.what());
        return;
    }
    call.response.setStatus(HTTPResponse::HTTP_ACCEPTED);
    audit(context.store, call, whatWasRead("", view.name() + " export"));
    call.response.set("Content-Location", serverBase(context, call) + "/bulkstatus/" + id);
    call.response.setContentLength(0);
    call.response.send() << std::flush;
}

void sendExportStatus(const HttpApiContext& context, Call& call) {
    auto status = context.fhir.exports().status(call.segments[2], ownerOf(call));
    if (!status) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no export with that id");
        return;
    }
    using State = BulkExports::Status::State;
    if (status->state == State::running) {
        call.response.set("X-Progress", std::to_string(status->written) + " resources written");
        call.response.set("Retry-After", "2");
        call.response.setStatus(HTTPResponse::HTTP_ACCEPTED);
        call.response.setContentLength(0);
        call.response.send() << std::flush;
        return;
    }
    if (status->state == State::failed) {
        refuse(call, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
               "the export failed: " + status->error);
        return;
    }
    std::string files = serverBase(context, call) + "/bulkfiles/" + call.segments[2] + "/";
    nlohmann::json output = nlohmann::json::array();
    for (const auto& [type, count] : status->outputs)
        output.push_back({{"type", type}, {"url", files + type + ".ndjson"}, {"count", count}});
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"transactionTime", status->transactionTime},
              {"request", status->request},
              {"requiresAccessToken", true},
              {"output", output},
              {"error", nlohmann::json::array()}});
}

void deleteExport(const HttpApiContext& context, Call& call) {
    if (!context.fhir.exports().remove(call.segments[2], ownerOf(call))) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no export with that id");
        return;
    }
    call.response.setStatus(HTTPResponse::HTTP_ACCEPTED);
    call.response.setContentLength(0);
    call.response.send() << std::flush;
}

void sendExportFile(const HttpApiContext& context, Call& call) {
    const std::string& name = call.segments[3];
    const std::string suffix = ".ndjson";
    std::string type = name.size() > suffix.size() &&
                               name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0
                           ? name.substr(0, name.size() - suffix.size())
                           : "";
    const std::string& id = call.segments[2];
    std::string path = context.fhir.exports().file(id, ownerOf(call), type);
    auto status = context.fhir.exports().status(id, ownerOf(call));
    if (path.empty() || !status) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no export file with that name");
        return;
    }
    std::int64_t count = 0;
    for (const auto& [output, resources] : status->outputs) {
        if (output == type) count = resources;
    }
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "the export file is gone");
        return;
    }
    call.response.setStatus(HTTPResponse::HTTP_OK);
    // Audited before anything is sent: a read that cannot be audited is not served.
    audit(context.store, call,
          whatWasRead(FhirView::entityOf(type), status->view + " export", 0, 0, count));
    call.response.setContentType("application/fhir+ndjson");
    call.response.setChunkedTransferEncoding(true);
    Poco::StreamCopier::copyStream(file, call.response.send());
}

}  // namespace gw
