#include "gateway/daemon/secrets_file.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <sstream>

#include "gateway/core/errors.h"
#include "gateway/core/keyed_hash.h"
#include "gateway/core/private_files.h"
#include "gateway/core/signing_key.h"

namespace gw {
namespace {

constexpr const char* kRegionalKey = "identity.key";
constexpr const char* kPseudonymKey = "feeds.pseudonymKey";
constexpr const char* kSigningKey = "cutover.signingKey";

}  // namespace

SecretsFile::SecretsFile(std::string path,
                         Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> properties)
    : path_(std::move(path)), properties_(std::move(properties)) {}

SecretsFile SecretsFile::open(const std::string& path) {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> properties(
        new Poco::Util::PropertyFileConfiguration);
    if (Poco::File(path).exists()) {
        refuseIfOpenToOthers(path, "the secrets file");
        try {
            properties->load(path);
        } catch (const Poco::Exception& e) {
            throw ConfigError("cannot read the secrets file " + path + ": " + e.displayText());
        }
    } else {
        createPrivateFolders(Poco::Path(path).makeAbsolute().parent().toString());
    }
    SecretsFile secrets(path, properties);
    bool added = false;
    for (const char* key : {kRegionalKey, kPseudonymKey}) {
        if (!properties->hasProperty(key)) {
            properties->setString(key, newSecretKey());
            added = true;
        }
    }
    if (!properties->hasProperty(kSigningKey)) {
        properties->setString(kSigningKey, SigningKey::generate());
        added = true;
    }
    if (added) secrets.save();
    secrets.signingKey_ = properties->getString(kSigningKey);
    try {
        SigningKey check(secrets.signingKey_);
    } catch (const ConfigError& e) {
        throw ConfigError("the secrets file " + path + ": " + kSigningKey + ": " + e.what());
    }
    secrets.regionalKey_ = properties->getString(kRegionalKey);
    secrets.pseudonymKey_ = properties->getString(kPseudonymKey);
    for (const std::string* key : {&secrets.regionalKey_, &secrets.pseudonymKey_}) {
        if (key->size() < 32)
            throw ConfigError("the secrets file " + path + ": " + kRegionalKey + " and " +
                              kPseudonymKey + " must be at least 32 characters long");
    }
    secrets.grants();  // refuses a bad entry now
    return secrets;
}

std::vector<TokenGrant> SecretsFile::grants() const {
    return AccessControl::readGrants(*properties_);
}

std::string SecretsFile::addToken(const std::string& name, const std::string& scopes) {
    if (properties_->hasProperty("token." + name + ".sha256"))
        throw ConfigError("a token named '" + name + "' exists already");
    std::string token = newSecretKey();
    properties_->setString("token." + name + ".sha256", AccessControl::hash(token));
    properties_->setString("token." + name + ".scopes", scopes);
    grants();  // refuses what gatewayd would refuse
    save();
    return token;
}

void SecretsFile::save() const {
    std::ostringstream text;
    properties_->save(text);
    // A crash while saving must never lose a key: every id in the store depends on it.
    writeFileAtomically(path_, text.str());
}

}  // namespace gw
