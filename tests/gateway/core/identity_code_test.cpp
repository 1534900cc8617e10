#include "gateway/core/identity_code.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

struct Vector {
    const char* code;
    IdentityCodeFault fault;
};

// The vectors of shared/domain/identity-code.md, with the fault each invalid one must have.
class IdentityCodeVectors : public ::testing::TestWithParam<Vector> {};

TEST_P(IdentityCodeVectors, ChecksAsDocumented) {
    EXPECT_EQ(checkIdentityCode(GetParam().code).fault, GetParam().fault) << GetParam().code;
}

INSTANTIATE_TEST_SUITE_P(Domain, IdentityCodeVectors,
                         ::testing::Values(Vector{"131052-308T", IdentityCodeFault::None},
                                           Vector{"010594Y9021", IdentityCodeFault::None},
                                           Vector{"010594-9021", IdentityCodeFault::None},
                                           Vector{"100105A123H", IdentityCodeFault::None},
                                           Vector{"010123B002E", IdentityCodeFault::None},
                                           Vector{"311299-456X", IdentityCodeFault::None},
                                           Vector{"290200A234V", IdentityCodeFault::None},
                                           Vector{"131052-308U", IdentityCodeFault::Control},
                                           Vector{"290201A234?", IdentityCodeFault::Date},
                                           Vector{"131052G308T", IdentityCodeFault::Format},
                                           Vector{"131052-30T", IdentityCodeFault::Format}));

TEST(IdentityCode, EveryCenturySignOfOneCenturyIsAccepted) {
    for (char sign : std::string("-YXWVU")) {
        std::string code = std::string("010594") + sign + "9021";
        EXPECT_TRUE(checkIdentityCode(code).valid()) << code;
    }
    for (char sign : std::string("ABCDEF")) {
        std::string code = std::string("010123") + sign + "002E";
        EXPECT_TRUE(checkIdentityCode(code).valid()) << code;
    }
}

TEST(IdentityCode, IndividualNumbers900To999AreTemporary) {
    EXPECT_TRUE(checkIdentityCode("010594Y9021").temporary);
    EXPECT_FALSE(checkIdentityCode("131052-308T").temporary);
}

TEST(IdentityCode, IndividualNumbersBelow002AreNotUsed) {
    // 010100-001 with its correct control character: 010100001 % 31 = 19 -> 'K'
    EXPECT_EQ(checkIdentityCode("010100-001K").fault, IdentityCodeFault::Format);
}

TEST(IdentityCode, RejectsADateThatDoesNotExist) {
    EXPECT_EQ(checkIdentityCode("310422-9001").fault, IdentityCodeFault::Date);
}

TEST(IdentityCode, RuleIdsNameTheFault) {
    EXPECT_STREQ(checkIdentityCode("131052-308U").rule(), "identity-code.control");
    EXPECT_STREQ(checkIdentityCode("290201A234H").rule(), "identity-code.date");
    EXPECT_STREQ(checkIdentityCode("13105").rule(), "identity-code.format");
}

TEST(IdentityCode, MaskKeepsOnlyTheDateAndCenturySign) {
    EXPECT_EQ(maskIdentityCode("131052-308T"), "131052-****");
    EXPECT_EQ(maskIdentityCode("13105"), "****");
}

TEST(IdentityCode, MasksEveryCodeInAText) {
    EXPECT_EQ(maskIdentityCodesIn("a 131052-308T and 010123B002E, 12345"),
              "a 131052-**** and 010123B****, 12345");
    EXPECT_EQ(maskIdentityCodesIn("no codes: 2021-05-28"), "no codes: 2021-05-28");
    EXPECT_EQ(maskIdentityCodesIn("Entity 'h131052-308T' not defined"),
              "Entity 'h131052-****' not defined");
}

TEST(IdentityCode, MasksTheShapesACarelessExportGivesACode) {
    EXPECT_EQ(maskIdentityCodesIn("code '131052-308t'"), "code '131052-****'");
    EXPECT_EQ(maskIdentityCodesIn("code '010594y9021'"), "code '010594y****'");
    EXPECT_EQ(maskIdentityCodesIn("code '131052 - 308T'"), "code '131052 - ****'");
    EXPECT_EQ(maskIdentityCodesIn("code '131052 -308T'"), "code '131052 -****'");
    EXPECT_EQ(maskIdentityCodesIn("code '131052308T'"), "code '131052****'");
    EXPECT_EQ(maskIdentityCodesIn("code '131052308t'"), "code '131052****'");
    // Without a sign only a matching control character makes ten characters a code.
    EXPECT_EQ(maskIdentityCodesIn("order 1310523089 and 131052308U"),
              "order 1310523089 and 131052308U");
}

TEST(IdentityCode, AWordHoldingACodeIsFoundButAPseudonymsHexDigitsAreNot) {
    EXPECT_TRUE(holdsIdentityCode("131052-308T"));
    EXPECT_TRUE(holdsIdentityCode("131052-308U")) << "a mistyped code is still personal";
    EXPECT_TRUE(holdsIdentityCode("id: 131052 - 308t."));
    EXPECT_TRUE(holdsIdentityCode("131052308T"));
    EXPECT_FALSE(holdsIdentityCode("2021-05-28"));
    EXPECT_FALSE(holdsIdentityCode("p-00131052a308e7f1c2d3e4f5a6b7c8d9"));
    EXPECT_TRUE(holdsIdentityCode("J131052-308T")) << "a code behind a prefix";
    EXPECT_FALSE(holdsIdentityCode("131052-308T7")) << "part of a longer number";
    EXPECT_FALSE(holdsIdentityCode("p-0123456b789c")) << "hex digits";
}

}  // namespace
}  // namespace gw
