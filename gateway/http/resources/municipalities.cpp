#include "gateway/http/resources/municipalities.h"

#include <Poco/Base64Decoder.h>

#include <map>
#include <sstream>

#include "gateway/validation/code_set.h"

namespace gw {

using Poco::Net::HTTPResponse;

namespace {

/// The municipality the path names, if a configured source is of it; else the call is answered
/// 404.
std::optional<std::string> municipalityOf(const HttpApiContext& context, Call& call) {
    const std::string& code = call.segments[2];
    for (const auto& source : context.transfers.runner().sources().all()) {
        if (source->mapping().municipality() == code) return code;
    }
    sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source of that municipality");
    return std::nullopt;
}

/// The freeze that holds for the municipality the path names; else the call is answered 404
/// (never frozen) or 410 (unfrozen since: the certificate is no longer valid).
std::optional<Freeze> holdingFreeze(const HttpApiContext& context, Call& call) {
    auto code = municipalityOf(context, call);
    if (!code) return std::nullopt;
    auto freezes = context.cutover.history(*code);
    if (freezes.empty()) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND,
                  "municipality " + *code + " has never been frozen");
        return std::nullopt;
    }
    if (!freezes.front().holds()) {
        sendError(call.response, HTTPResponse::HTTP_GONE,
                  "municipality " + *code + " was unfrozen at " + freezes.front().unfrozenAt +
                      " by " + freezes.front().unfrozenBy + ": its certificate is no longer valid");
        return std::nullopt;
    }
    return freezes.front();
}

void sendText(Call& call, const std::string& contentType, const std::string& body) {
    call.response.setStatus(HTTPResponse::HTTP_OK);
    call.response.setContentType(contentType);
    call.response.setContentLength(static_cast<std::streamsize>(body.size()));
    call.response.send() << body;
}

}  // namespace

void listMunicipalities(const HttpApiContext& context, Call& call) {
    // The municipalities of the configured sources, in code order, with their sources.
    std::map<std::string, std::vector<std::string>> sourcesOf;
    for (const auto& source : context.transfers.runner().sources().all())
        sourcesOf[source->mapping().municipality()].push_back(source->name());
    CodeSet names = CodeSet::load(context.settings.schemaDirectory + "/codes", "municipality");
    auto counts = context.store.currentRecordCounts();
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [code, sources] : sourcesOf) {
        nlohmann::json row{{"code", code},
                           {"name", names.finnish(code)},
                           {"sources", sources},
                           {"currentRecords", nlohmann::json::object()}};
        for (const auto& [entity, count] : counts[code]) row["currentRecords"][entity] = count;
        TransferFilter newest;
        newest.municipalities = {code};
        newest.limit = 1;
        auto last = context.store.listTransfers(newest);
        if (!last.empty()) row["lastTransfer"] = last.front().toJson();
        auto freezes = context.cutover.history(code);
        row["frozen"] = !freezes.empty() && freezes.front().holds();
        if (row["frozen"].get<bool>()) row["freeze"] = freezes.front().toJson();
        list.push_back(row);
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"municipalities", list}});
}

void reconcileMunicipality(const HttpApiContext& context, Call& call) {
    auto code = municipalityOf(context, call);
    if (!code) return;
    sendJson(call.response, HTTPResponse::HTTP_OK,
             context.store.reconcileMunicipality(*code).toJson());
}

void showFreeze(const HttpApiContext& context, Call& call) {
    auto code = municipalityOf(context, call);
    if (!code) return;
    nlohmann::json freezes = nlohmann::json::array();
    auto history = context.cutover.history(*code);
    for (const auto& freeze : history) freezes.push_back(freeze.toJson());
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"municipality", *code},
              {"frozen", !history.empty() && history.front().holds()},
              {"freezes", freezes}});
}

void freezeMunicipality(const HttpApiContext& context, Call& call) {
    auto code = municipalityOf(context, call);
    if (!code) return;
    auto outcome = context.cutover.freeze(*code, call.grant->name);
    if (auto* refusal = std::get_if<std::string>(&outcome)) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT, *refusal);
        return;
    }
    const Freeze& freeze = std::get<Freeze>(outcome);
    nlohmann::json answer = freeze.toJson();
    answer["certificate"] = nlohmann::json::parse(freeze.certificate);
    sendJson(call.response, HTTPResponse::HTTP_OK, answer);
}

void unfreezeMunicipality(const HttpApiContext& context, Call& call) {
    auto code = municipalityOf(context, call);
    if (!code) return;
    if (!context.cutover.unfreeze(*code, call.grant->name)) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT,
                  "municipality " + *code + " is not frozen");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, context.cutover.history(*code).front().toJson());
}

void sendCertificate(const HttpApiContext& context, Call& call) {
    if (auto freeze = holdingFreeze(context, call)) {
        call.response.set("Content-Disposition", "attachment; filename=\"siirtotodistus-" +
                                                     freeze->municipality + ".json\"");
        sendText(call, "application/json", freeze->certificate);
    }
}

void sendCertificateSignature(const HttpApiContext& context, Call& call) {
    auto freeze = holdingFreeze(context, call);
    if (!freeze) return;
    std::istringstream text(freeze->signature);
    Poco::Base64Decoder decoder(text);
    std::string signature((std::istreambuf_iterator<char>(decoder)),
                          std::istreambuf_iterator<char>());
    call.response.set("Content-Disposition",
                      "attachment; filename=\"siirtotodistus-" + freeze->municipality + ".sig\"");
    sendText(call, "application/octet-stream", signature);
}

void sendPublicKey(const HttpApiContext& context, Call& call) {
    sendText(call, "application/x-pem-file", context.cutover.publicKeyPem());
}

}  // namespace gw
