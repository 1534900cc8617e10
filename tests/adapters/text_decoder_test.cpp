#include "adapters/text_decoder.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

TEST(TextDecoder, CompletesAUtf8SequenceCutBetweenPieces) {
    TextDecoder decoder("utf-8");
    bool invalid = false;
    std::string out(decoder.decode("P\xC3", invalid));
    EXPECT_FALSE(invalid);
    out += decoder.decode("\xA4ivi", invalid);
    EXPECT_FALSE(invalid);
    EXPECT_EQ(out, "P\xC3\xA4ivi");
    EXPECT_FALSE(decoder.endsInsideSequence());
}

TEST(TextDecoder, FlagsOverlongFormsSurrogatesAndStrayBytes) {
    for (const char* bad : {"\xC0\xAF", "\xED\xA0\x80", "\x80", "\xF5\x80\x80\x80", "\xE2\x82"}) {
        TextDecoder decoder("utf-8");
        bool invalid = false;
        std::string piece = std::string(bad) + "x";
        decoder.decode(piece, invalid);
        EXPECT_TRUE(invalid) << "bytes " << ::testing::PrintToString(std::string(bad));
    }
}

TEST(TextDecoder, ALineBreakIsNeverSwallowedByABrokenSequence) {
    TextDecoder decoder("utf-8");
    bool invalid = false;
    decoder.decode("x", invalid);
    std::string out(decoder.decode("\xF4\x80\n", invalid));
    EXPECT_TRUE(invalid);
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n');
    EXPECT_FALSE(decoder.endsInsideSequence());
}

TEST(TextDecoder, AnInputEndingInsideASequenceIsNoticed) {
    TextDecoder decoder("utf-8");
    bool invalid = false;
    decoder.decode("ok \xE2\x82", invalid);
    EXPECT_TRUE(decoder.endsInsideSequence());
}

TEST(TextDecoder, DropsTheByteOrderMarkOnlyAtTheStart) {
    TextDecoder decoder("utf-8");
    bool invalid = false;
    EXPECT_EQ(decoder.decode("\xEF\xBB\xBFX", invalid), "X");
    EXPECT_EQ(decoder.decode("\xEF\xBB\xBFY", invalid), "\xEF\xBB\xBFY");
}

}  // namespace
}  // namespace gw
