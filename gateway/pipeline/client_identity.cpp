#include "gateway/pipeline/client_identity.h"

#include "gateway/core/identity_code.h"

namespace gw {

void ClientIdentity::assign(RegionalRecord& record, const std::string& municipality,
                            const std::string& sourceSystem) const {
    RecordBody& body = record.body;
    RecordBody::Node client = body.find(body.root(), "client");
    if (client == RecordBody::kNone) return;
    std::optional<std::string_view> code = body.textAt(client, "identityCode");
    if (!code) return;
    IdentityCodeCheck check = checkIdentityCode(*code);
    if (!check.valid()) return;

    // Taken before the body grows: `code` points into it.
    std::string person = normalisedIdentityCode(*code);
    bool ownId = check.temporary && !linkTemporaryCodes_;
    std::string id = ownId ? keys_.clientId({"fi-temporary-identity-code:", municipality, ":",
                                             sourceSystem, ":", person})
                           : keys_.clientId({"fi-identity-code:", person});
    body.setText(body.member(client, "clientId"), id);
    body.set(body.member(client, "temporaryIdentityCode"),
             Scalar(std::in_place_type<bool>, check.temporary));
    // A client record stands for the person, whichever row of the export mentioned them.
    if (record.entity == "client") record.sourceRecordId = id;
}

}  // namespace gw
