#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The console resource: the web console's files, and its sign-in sessions (ConsoleSessions).
/// POST /v1/session: signs in with a token ({"token": ...}) and sets the session cookie.
void startSession(const HttpApiContext& context, Call& call);
/// GET /v1/session: who is signed in, with which scopes, and the session's CSRF token.
void showSession(const HttpApiContext& context, Call& call);
/// DELETE /v1/session: signs out: the session ends and its cookie is cleared.
void endSession(const HttpApiContext& context, Call& call);
/// GET /console/...: a file of the console, with a Content-Security-Policy of its own origin.
void sendConsoleFile(const HttpApiContext& context, Call& call);

/// The session cookie's value in a request; empty when there is none.
std::string sessionCookie(const Poco::Net::HTTPServerRequest& request);
/// The header that carries a session's CSRF token on every request that changes something.
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

}  // namespace gw
