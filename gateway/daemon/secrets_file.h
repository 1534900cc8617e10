#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <string>
#include <vector>

#include "gateway/http/access_control.h"

namespace gw {

/// The secrets file (`secrets.file`): the regional key (`identity.key`, under which client ids and
/// content hashes are made), the pseudonymised feed's key (`feeds.pseudonymKey`), the Ed25519 key
/// that signs cut-over certificates (`cutover.signingKey`) and the bearer tokens' hashes. Only its
/// owner may read it, and it is only ever replaced whole.
class SecretsFile {
  public:
    /// Reads `path`. A missing file is made (0600, its folder 0700) with new keys; a file without
    /// one of the keys gets a new one, written back. Throws ConfigError naming the path when the
    /// file is open to other users or cannot be read.
    static SecretsFile open(const std::string& path);

    const std::string& regionalKey() const { return regionalKey_; }
    const std::string& pseudonymKey() const { return pseudonymKey_; }
    /// The base64 of the signing key's 32 raw bytes (SigningKey).
    const std::string& signingKey() const { return signingKey_; }
    /// The tokens' grants; throws ConfigError naming a bad entry.
    std::vector<TokenGrant> grants() const;

    /// Adds a token with `scopes`, writes the file and returns the token (kept nowhere else).
    /// Throws ConfigError when a token of that name exists or the entry would be refused.
    std::string addToken(const std::string& name, const std::string& scopes);

  private:
    SecretsFile(std::string path, Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> properties);
    void save() const;

    std::string path_;
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> properties_;
    std::string regionalKey_, pseudonymKey_, signingKey_;
};

}  // namespace gw
