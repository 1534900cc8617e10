#include "gateway/core/masking_channel.h"

#include <Poco/Message.h>

#include "gateway/core/identity_code.h"

namespace gw {

MaskingChannel::MaskingChannel(Poco::AutoPtr<Poco::Channel> next) : next_(std::move(next)) {}

void MaskingChannel::open() {
    next_->open();
}

void MaskingChannel::close() {
    next_->close();
}

void MaskingChannel::log(const Poco::Message& message) {
    Poco::Message masked(message);
    masked.setText(maskIdentityCodesIn(message.getText()));
    next_->log(masked);
}

}  // namespace gw
