#include "gateway/core/signing_key.h"

#include <gtest/gtest.h>

#include "gateway/core/errors.h"

namespace gw {
namespace {

TEST(SigningKey, SignsWithEd25519AndGivesItsPublicKeyAsPem) {
    // RFC 8032, section 7.1, test 1: the empty message under this key has this signature.
    SigningKey key("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=");
    const std::string expected =
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
        "f9"
        "b46bd25bf5f0595bbe24655141438e7a100b";
    std::string hex;
    for (unsigned char c : key.sign("")) {
        static const char* digits = "0123456789abcdef";
        hex += digits[c >> 4];
        hex += digits[c & 15];
    }
    EXPECT_EQ(hex, expected);
    EXPECT_EQ(key.publicKeyPem().rfind("-----BEGIN PUBLIC KEY-----", 0), 0u);
    EXPECT_NE(key.sign("a"), key.sign("b"));
}

TEST(SigningKey, ANewKeyIsUsableAndABadOneIsRefused) {
    SigningKey fresh(SigningKey::generate());
    EXPECT_EQ(fresh.sign("certificate").size(), 64u);
    EXPECT_NE(SigningKey::generate(), SigningKey::generate());
    EXPECT_THROW(SigningKey("not base64"), ConfigError);
    EXPECT_THROW(SigningKey("AAAA"), ConfigError) << "3 bytes, not 32";
}

}  // namespace
}  // namespace gw
