#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace gw {

/// A bearer token's name and what it may do. The token itself is never kept, only its SHA-256.
struct TokenGrant {
    std::string name;
    std::string sha256;
    std::set<std::string> scopes;  ///< push:<municipality>, transfers:admin, feed:read, ...

    bool allows(const std::string& scope) const { return scopes.count(scope) != 0; }
};

/// Decides who a request comes from by its bearer token. Tokens live in the secrets file
/// (`secrets.file`) as `token.<name>.sha256` and `token.<name>.scopes`; `gatewayctl token add`
/// makes them.
class AccessControl {
  public:
    explicit AccessControl(std::vector<TokenGrant> grants)
        : grants_(std::make_shared<const std::vector<TokenGrant>>(std::move(grants))) {}

    /// Puts `grants` in place of the ones in force (the secrets file read again, on SIGHUP):
    /// a revoked token is refused from the next request on.
    void replace(std::vector<TokenGrant> grants);

    /// Reads the grants of a secrets file; throws ConfigError naming a bad entry.
    static std::vector<TokenGrant> readGrants(const Poco::Util::AbstractConfiguration& secrets);

    /// The grant of the token in an `Authorization: Bearer ...` header; nothing when the header
    /// is missing or names no token. Compares in constant time.
    std::optional<TokenGrant> authenticate(const std::string& authorization) const;

    /// The grant of the token with this SHA-256 (a console session's token), if it is still
    /// in force.
    std::optional<TokenGrant> grantOf(const std::string& tokenSha256) const;

    /// The SHA-256 of a token, in hex, as the secrets file keeps it. Unkeyed: a token is 32
    /// random bytes, not personal data, and cannot be guessed.
    static std::string hash(const std::string& token);

    /// Whether two secrets are equal, in a time that does not tell where they differ.
    static bool equalInConstantTime(const std::string& a, const std::string& b);

  private:
    std::shared_ptr<const std::vector<TokenGrant>> current() const;

    mutable std::mutex mutex_;
    std::shared_ptr<const std::vector<TokenGrant>> grants_;
};

}  // namespace gw
