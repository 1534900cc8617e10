#include "gateway/model/source_record.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

SourceRecord recordOf(std::vector<std::pair<std::string, std::string>> fields) {
    SourceRecord record;
    record.fields = std::move(fields);
    return record;
}

TEST(SourceRecord, AHintedLookUpFindsTheFieldWhereverTheNextRecordHasIt) {
    // As JSON records may: the same fields in other orders, or some of them missing.
    FieldHint hint;
    SourceRecord first = recordOf({{"id", "1"}, {"hetu", "131052-308T"}, {"kunta", "536"}});
    SourceRecord reordered = recordOf({{"kunta", "837"}, {"id", "2"}, {"hetu", "010190Y999K"}});
    SourceRecord without = recordOf({{"id", "3"}});
    SourceRecord sameNameElsewhere = recordOf({{"hetux", "x"}, {"het", "y"}, {"kunta", "091"}});

    ASSERT_NE(first.field("kunta", hint), nullptr);
    EXPECT_EQ(*first.field("kunta", hint), "536");
    ASSERT_NE(reordered.field("kunta", hint), nullptr);
    EXPECT_EQ(*reordered.field("kunta", hint), "837");
    EXPECT_EQ(without.field("kunta", hint), nullptr);
    EXPECT_EQ(*sameNameElsewhere.field("kunta", hint), "091");
    EXPECT_EQ(*first.field("kunta", hint), "536");
    EXPECT_EQ(*reordered.field("hetu", hint), "010190Y999K");
    EXPECT_EQ(sameNameElsewhere.field("hetu", hint), nullptr);
    EXPECT_EQ(*first.field("hetu"), "131052-308T");
}

}  // namespace
}  // namespace gw
