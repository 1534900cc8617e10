#include "adapters/counting_buffer.h"

#include <algorithm>

namespace gw {

CountingBuffer::CountingBuffer(std::istream& source, std::size_t size)
    : source_(source), buffer_(size) {
    setg(buffer_.data(), buffer_.data(), buffer_.data());
    counted_ = buffer_.data();
}

std::uint64_t CountingBuffer::offset() const {
    return bufferStart_ + static_cast<std::uint64_t>(gptr() - eback());
}

std::uint64_t CountingBuffer::line() {
    lines_ +=
        static_cast<std::uint64_t>(std::count(counted_, static_cast<const char*>(gptr()), '\n'));
    counted_ = gptr();
    return lines_;
}

CountingBuffer::int_type CountingBuffer::underflow() {
    line();  // count what is left of the old buffer before it is replaced
    bufferStart_ += static_cast<std::uint64_t>(egptr() - eback());
    source_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    std::streamsize got = source_.gcount();
    setg(buffer_.data(), buffer_.data(), buffer_.data() + got);
    counted_ = buffer_.data();
    return got > 0 ? traits_type::to_int_type(buffer_[0]) : traits_type::eof();
}

}  // namespace gw
