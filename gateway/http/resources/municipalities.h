#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The municipalities resource: a municipality's cut-over, frozen and unfrozen, and its signed
/// certificate (Cutover); and the public key that checks it.
/// GET /v1/municipalities: the cut-over board: per municipality of a configured source, its last
/// transfer, current records per entity, and whether it is frozen.
void listMunicipalities(const HttpApiContext& context, Call& call);
/// GET /v1/municipalities/{code}/reconciliation: whether its figures add up, and the digest of
/// its current records per entity (reads every one of them).
void reconcileMunicipality(const HttpApiContext& context, Call& call);
/// GET /v1/municipalities/{code}/freeze: whether it is frozen, and every freeze with who and when.
void showFreeze(const HttpApiContext& context, Call& call);
/// POST /v1/municipalities/{code}/freeze: freezes it and signs its certificate.
void freezeMunicipality(const HttpApiContext& context, Call& call);
/// POST /v1/municipalities/{code}/unfreeze: ends the freeze; the certificate is then invalid.
void unfreezeMunicipality(const HttpApiContext& context, Call& call);
/// GET /v1/municipalities/{code}/certificate: the certificate of the freeze that holds, exactly
/// as signed.
void sendCertificate(const HttpApiContext& context, Call& call);
/// GET /v1/municipalities/{code}/certificate.sig: its raw 64-byte Ed25519 signature.
void sendCertificateSignature(const HttpApiContext& context, Call& call);
/// GET /v1/cutover/public-key: the public key (PEM) that checks every certificate.
void sendPublicKey(const HttpApiContext& context, Call& call);

}  // namespace gw
