#pragma once

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>

namespace gw {

/// A logging channel that masks every identity code in a message before passing it on, so that
/// no code reaches a log file in clear even if a message was built carelessly.
class MaskingChannel : public Poco::Channel {
  public:
    explicit MaskingChannel(Poco::AutoPtr<Poco::Channel> next);

    void open() override;
    void close() override;
    void log(const Poco::Message& message) override;

  private:
    Poco::AutoPtr<Poco::Channel> next_;
};

}  // namespace gw
