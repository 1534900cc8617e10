#include "gateway/store/record_digest.h"

#include <Poco/DigestEngine.h>

#include "gateway/core/errors.h"
#include "gateway/core/sha256.h"

namespace gw {

RecordDigest RecordDigest::fromHex(const std::string& hex) {
    RecordDigest digest;
    if (hex.empty()) return digest;
    if (hex.size() != 64) throw InputError("a record digest has 64 hex digits");
    auto bytes = Poco::DigestEngine::digestFromHex(hex);
    digest.addBigEndian(bytes.data());
    return digest;
}

void RecordDigest::add(const std::string& entity, const std::string& sourceRecordId,
                       const std::string& contentHash) {
    addBigEndian(sha256({entity, "\t", sourceRecordId, "\t", contentHash}).data());
}

void RecordDigest::add(const RecordDigest& other) {
    addBigEndian(other.sum_.data());
}

void RecordDigest::addBigEndian(const unsigned char* bytes) {
    unsigned carry = 0;
    for (std::size_t i = sum_.size(); i-- > 0;) {
        unsigned total = sum_[i] + bytes[i] + carry;
        sum_[i] = static_cast<unsigned char>(total & 0xff);
        carry = total >> 8;
    }
}

std::string RecordDigest::hex() const {
    return Poco::DigestEngine::digestToHex(Poco::DigestEngine::Digest(sum_.begin(), sum_.end()));
}

}  // namespace gw
