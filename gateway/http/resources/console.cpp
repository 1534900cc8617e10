#include "gateway/http/resources/console.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPCookie.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <cctype>
#include <map>

namespace gw {
namespace {

using Poco::Net::HTTPResponse;

const std::string kCookieName = "gateway_session";
/// A sign-in body is a token in a small JSON object; anything longer is not one.
constexpr std::streamsize kMaxSignInBytes = 4096;

/// The cookie that carries a session id (empty value and max-age 0: the one that clears it).
Poco::Net::HTTPCookie cookieFor(const HttpApiContext& context, const std::string& value) {
    Poco::Net::HTTPCookie cookie(kCookieName, value);
    cookie.setPath("/");
    cookie.setHttpOnly(true);
    cookie.setSameSite(Poco::Net::HTTPCookie::SAME_SITE_STRICT);
    cookie.setSecure(!context.settings.tlsCertificate.empty());
    if (value.empty()) cookie.setMaxAge(0);
    return cookie;
}

nlohmann::json describe(const HttpApiContext& context, const TokenGrant& grant) {
    return {{"name", grant.name},
            {"scopes", grant.scopes},
            {"idleMinutes", context.settings.consoleSessionIdleMinutes}};
}

/// The content type of a console file by its extension; empty for a kind the console does not
/// serve.
std::string contentTypeOf(const std::string& name) {
    static const std::map<std::string, std::string> types = {
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"json", "application/json"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
    };
    auto dot = name.rfind('.');
    if (dot == std::string::npos) return "";
    auto found = types.find(name.substr(dot + 1));
    return found == types.end() ? "" : found->second;
}

/// A name of letters, digits, '-', '_' and '.' that does not begin with a dot: nothing outside
/// the console's folder, and nothing hidden in it.
bool safeFileName(const std::string& name) {
    if (name.empty() || name[0] == '.') return false;
    for (unsigned char c : name) {
        if (!std::isalnum(c) && c != '.' && c != '-' && c != '_') return false;
    }
    return true;
}

}  // namespace

std::string sessionCookie(const Poco::Net::HTTPServerRequest& request) {
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get(kCookieName, "");
}

void startSession(const HttpApiContext& context, Call& call) {
    // Only a script of the console's own origin can send JSON here: a cross-site form cannot, so
    // no other site can sign a browser in under a token of its choosing.
    if (Poco::icompare(call.request.getContentType().substr(0, 16), "application/json") != 0)
        throw BadRequest("the body must be JSON: {\"token\": \"...\"}");
    std::string text;
    char buffer[1024];
    while (call.request.stream().read(buffer, sizeof buffer) || call.request.stream().gcount()) {
        text.append(buffer, static_cast<std::size_t>(call.request.stream().gcount()));
        if (static_cast<std::streamsize>(text.size()) > kMaxSignInBytes)
            throw BadRequest("the body must be JSON: {\"token\": \"...\"}");
    }
    nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
    if (!body.is_object() || !body.contains("token") || !body["token"].is_string())
        throw BadRequest("the body must be JSON: {\"token\": \"...\"}");
    auto grant = context.access.grantOf(AccessControl::hash(body["token"].get<std::string>()));
    if (!grant) {
        sendError(call.response, HTTPResponse::HTTP_UNAUTHORIZED, "the token is not valid");
        return;
    }
    auto started = context.sessions.start(grant->sha256);
    Poco::Logger::get("gateway.http")
        .information("console: token '" + grant->name + "' signed in from " +
                     call.request.clientAddress().host().toString());
    call.response.addCookie(cookieFor(context, started.id));
    call.response.set("Cache-Control", "no-store");
    nlohmann::json answer = describe(context, *grant);
    answer["csrfToken"] = started.csrfToken;
    sendJson(call.response, HTTPResponse::HTTP_CREATED, answer);
}

void showSession(const HttpApiContext& context, Call& call) {
    nlohmann::json answer = describe(context, *call.grant);
    if (auto session = context.sessions.find(sessionCookie(call.request)))
        answer["csrfToken"] = session->csrfToken;
    call.response.set("Cache-Control", "no-store");
    sendJson(call.response, HTTPResponse::HTTP_OK, answer);
}

void endSession(const HttpApiContext& context, Call& call) {
    context.sessions.end(sessionCookie(call.request));
    Poco::Logger::get("gateway.http")
        .information("console: token '" + call.grant->name + "' signed out");
    call.response.addCookie(cookieFor(context, ""));
    call.response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
    call.response.setContentLength(0);
    call.response.send();
}

void sendConsoleFile(const HttpApiContext& context, Call& call) {
    // /console itself: to the folder, so that the page's relative addresses resolve in it.
    if (call.segments.size() == 1 && call.request.getURI().rfind("/console/", 0) != 0) {
        call.response.redirect("/console/", HTTPResponse::HTTP_MOVED_PERMANENTLY);
        return;
    }
    std::string path = context.settings.consoleDirectory;
    for (std::size_t i = 1; i < call.segments.size(); ++i) {
        if (!safeFileName(call.segments[i])) {
            sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no such file");
            return;
        }
        path += "/" + call.segments[i];
    }
    if (call.segments.size() == 1) path += "/index.html";
    std::string type = contentTypeOf(path);
    Poco::File file(path);
    if (type.empty() || !file.exists() || !file.isFile()) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no such file");
        return;
    }
    auto& response = call.response;
    response.set("Content-Security-Policy",
                 "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                 "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
                 "frame-ancestors 'none'");
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Referrer-Policy", "no-referrer");
    response.set("Cache-Control", "no-cache");
    response.setContentType(type);
    response.setContentLength(static_cast<std::streamsize>(file.getSize()));
    Poco::FileInputStream in(path);
    Poco::StreamCopier::copyStream(in, response.send());
}

}  // namespace gw
