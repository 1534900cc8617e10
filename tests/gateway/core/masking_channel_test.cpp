#include "gateway/core/masking_channel.h"

#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <gtest/gtest.h>

#include <vector>

namespace gw {
namespace {

class RecordingChannel : public Poco::Channel {
  public:
    void log(const Poco::Message& message) override { texts.push_back(message.getText()); }
    std::vector<std::string> texts;
};

TEST(MaskingChannel, NoIdentityCodeReachesTheNextChannel) {
    Poco::AutoPtr<RecordingChannel> recorder(new RecordingChannel);
    Poco::AutoPtr<MaskingChannel> masking(new MaskingChannel(recorder));
    Poco::Logger& logger = Poco::Logger::get("test.masking");
    logger.setChannel(masking);
    logger.setLevel(Poco::Message::PRIO_INFORMATION);

    logger.information("client 131052-308T moved to 010594Y9021");

    ASSERT_EQ(recorder->texts.size(), 1u);
    EXPECT_EQ(recorder->texts[0], "client 131052-**** moved to 010594Y****");
}

}  // namespace
}  // namespace gw
