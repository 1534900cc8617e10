#include "gateway/pipeline/regional_keys.h"

namespace gw {

RegionalKeys::RegionalKeys(std::string_view regionalKey)
    : root_(regionalKey),
      clientIds_(root_.derive("regional client id")),
      contents_(root_.derive("record content hash")) {}

RegionalKeys RegionalKeys::throwaway() {
    return RegionalKeys(newSecretKey());
}

std::string RegionalKeys::clientId(std::initializer_list<std::string_view> person) const {
    return hexOf(clientIds_.digest(person), 16, "c-");
}

std::string RegionalKeys::contentHash(std::string_view content) const {
    return contents_.hex({content});
}

std::string RegionalKeys::fingerprint() const {
    return root_.derive("key fingerprint").substr(0, 16);
}

void sealRecord(RegionalRecord& record, Provenance provenance, const RegionalKeys& keys,
                std::optional<SharedProvenance>& shared) {
    // The hash covers the content alone, so an unchanged record delivered again hashes the same;
    // a "provenance" a mapping made is no content: the gateway writes its own.
    record.text.clear();
    record.text.reserve(record.body.textBytes() + 1024);  // and quotes, commas, provenance
    record.body.writeRoot(record.text, "provenance");
    provenance.contentHash = keys.contentHash(record.text);
    if (!shared || !shared->matches(provenance)) shared.emplace(provenance);
    shared->addTo(provenance, record.body);
    // The stored text is the hashed text with the provenance as its last member.
    record.text.pop_back();
    if (record.text.size() > 1) record.text += ',';
    record.text += "\"provenance\":";
    shared->writeTo(provenance, record.text);
    record.text += '}';
    record.provenance = std::move(provenance);
}

}  // namespace gw
