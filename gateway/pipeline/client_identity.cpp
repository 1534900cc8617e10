#include "gateway/pipeline/client_identity.h"

#include "gateway/core/identity_code.h"

namespace gw {

void ClientIdentity::assign(RegionalRecord& record, const std::string& municipality,
                            const std::string& sourceSystem) const {
    auto client = record.body.find("client");
    if (client == record.body.end() || !client->is_object()) return;
    auto code = client->find("identityCode");
    if (code == client->end() || !code->is_string()) return;
    IdentityCodeCheck check = checkIdentityCode(code->get_ref<const std::string&>());
    if (!check.valid()) return;

    std::string person = normalisedIdentityCode(code->get_ref<const std::string&>());
    bool ownId = check.temporary && !linkTemporaryCodes_;
    std::string id = ownId ? keys_.clientId("fi-temporary-identity-code:" + municipality + ":" +
                                            sourceSystem + ":" + person)
                           : keys_.clientId("fi-identity-code:" + person);
    (*client)["clientId"] = id;
    (*client)["temporaryIdentityCode"] = check.temporary;
    // A client record stands for the person, whichever row of the export mentioned them.
    if (record.entity == "client") record.sourceRecordId = id;
}

}  // namespace gw
