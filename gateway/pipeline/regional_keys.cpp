#include "gateway/pipeline/regional_keys.h"

namespace gw {

RegionalKeys::RegionalKeys(std::string_view regionalKey)
    : root_(regionalKey),
      clientIds_(root_.derive("regional client id")),
      contents_(root_.derive("record content hash")) {}

RegionalKeys RegionalKeys::throwaway() {
    return RegionalKeys(newSecretKey());
}

std::string RegionalKeys::clientId(std::string_view person) const {
    return "c-" + clientIds_.hex({person}).substr(0, 32);
}

std::string RegionalKeys::contentHash(std::string_view content) const {
    return contents_.hex({content});
}

std::string RegionalKeys::fingerprint() const {
    return root_.derive("key fingerprint").substr(0, 16);
}

void sealRecord(RegionalRecord& record, nlohmann::json provenance, const RegionalKeys& keys) {
    record.body.erase("provenance");  // the gateway's to write, whatever a mapping made
    // The hash covers the content alone, so an unchanged record delivered again hashes the same.
    std::string content = record.body.dump();
    provenance["contentHash"] = keys.contentHash(content);
    // The stored text is the hashed text with the provenance as its last member: each record is
    // serialised once.
    record.text = std::move(content);
    record.text.pop_back();
    if (record.text.size() > 1) record.text += ',';
    record.text += "\"provenance\":";
    record.text += provenance.dump();
    record.text += '}';
    record.body["provenance"] = std::move(provenance);
}

}  // namespace gw
