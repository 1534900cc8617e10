#include "gateway/core/keyed_hash.h"

#include <gtest/gtest.h>

#include "gateway/core/errors.h"
#include "gateway/core/identity_code.h"

namespace gw {
namespace {

TEST(KeyedHash, IsHmacSha256) {
    // RFC 4231, test cases 6 and 7: a key longer than a block is hashed first.
    KeyedHash longKey(std::string(131, '\xaa'));
    EXPECT_EQ(longKey.hex({"Test Using Larger Than Block-Size Key - Hash Key First"}),
              "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    EXPECT_EQ(longKey.hex({"This is a test using a larger than block-size key and a larger than "
                           "block-size data. The key needs to be hashed before being used by the "
                           "HMAC algorithm."}),
              "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    // Python's hmac.new(b'k' * 40, b'abc', hashlib.sha256).
    KeyedHash shortKey(std::string(40, 'k'));
    EXPECT_EQ(shortKey.hex({"abc"}),
              "be385da548ba7f72b0fd2467107712978a5bfa23eda6ae6efeb97c1a11f01450");
    EXPECT_EQ(shortKey.hex({"ab", "", "c"}), shortKey.hex({"abc"})) << "parts hash as if joined";
}

TEST(KeyedHash, RefusesAShortKeyAndDerivesKeysThatDiffer) {
    EXPECT_THROW(KeyedHash(std::string(31, 'k')), ConfigError);
    KeyedHash key(std::string(40, 'k'));
    EXPECT_NE(key.derive("one"), key.derive("two"));
    EXPECT_EQ(key.derive("one").size(), 64u);
    EXPECT_NE(newSecretKey(), newSecretKey());
}

TEST(KeyedHash, NoPseudonymPassesForAnIdentityCode) {
    // The pseudonymised feed's guard refuses any value shaped like a code: its own pseudonyms
    // must never trip it.
    KeyedHash key(std::string(40, 'k'));
    for (int i = 0; i < 200000; ++i) {
        std::string pseudonym = "p-" + key.hex({std::to_string(i)}).substr(0, 32);
        ASSERT_FALSE(holdsIdentityCode(pseudonym)) << pseudonym;
    }
}

}  // namespace
}  // namespace gw
