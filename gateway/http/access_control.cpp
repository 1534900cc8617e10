#include "gateway/http/access_control.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include "gateway/core/errors.h"
#include "gateway/core/sha256.h"

namespace gw {

bool AccessControl::equalInConstantTime(const std::string& a, const std::string& b) {
    if (a.size() != b.size()) return false;
    unsigned char difference = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

std::vector<TokenGrant> AccessControl::readGrants(
    const Poco::Util::AbstractConfiguration& secrets) {
    std::vector<TokenGrant> grants;
    Poco::Util::AbstractConfiguration::Keys names;
    secrets.keys("token", names);
    for (const auto& name : names) {
        std::string prefix = "token." + name + ".";
        TokenGrant grant;
        grant.name = name;
        grant.sha256 = secrets.getString(prefix + "sha256", "");
        if (grant.sha256.size() != 64)
            throw ConfigError("secrets: " + prefix + "sha256 must be 64 hex digits");
        Poco::StringTokenizer scopes(
            secrets.getString(prefix + "scopes", ""), ",",
            Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        grant.scopes.insert(scopes.begin(), scopes.end());
        grants.push_back(std::move(grant));
    }
    return grants;
}

std::optional<TokenGrant> AccessControl::authenticate(const std::string& authorization) const {
    // The scheme's name is case-insensitive (RFC 9110, 11.1).
    static const std::string kScheme = "bearer ";
    if (authorization.size() < kScheme.size() ||
        Poco::icompare(authorization.substr(0, kScheme.size()), kScheme) != 0)
        return std::nullopt;
    return grantOf(hash(authorization.substr(kScheme.size())));
}

std::optional<TokenGrant> AccessControl::grantOf(const std::string& presented) const {
    std::optional<TokenGrant> found;
    // Every grant is compared, so that the time taken does not tell which one matched.
    for (const auto& grant : *current()) {
        if (equalInConstantTime(grant.sha256, presented)) found = grant;
    }
    return found;
}

void AccessControl::replace(std::vector<TokenGrant> grants) {
    auto replacement = std::make_shared<const std::vector<TokenGrant>>(std::move(grants));
    std::lock_guard<std::mutex> lock(mutex_);
    grants_ = std::move(replacement);
}

std::shared_ptr<const std::vector<TokenGrant>> AccessControl::current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return grants_;
}

std::string AccessControl::hash(const std::string& token) {
    return sha256Hex(token);
}

}  // namespace gw
