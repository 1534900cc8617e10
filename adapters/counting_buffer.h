#pragma once

#include <cstdint>
#include <istream>
#include <streambuf>
#include <vector>

namespace gw {

/// A read buffer over another stream that knows how many bytes and lines its reader has consumed,
/// for parsers (nlohmann's SAX) that report no positions of their own.
class CountingBuffer : public std::streambuf {
  public:
    explicit CountingBuffer(std::istream& source, std::size_t size = 64 * 1024);

    /// Bytes consumed so far.
    std::uint64_t offset() const;
    /// The 1-based line the next byte to consume is on.
    std::uint64_t line();

  protected:
    int_type underflow() override;

  private:
    std::istream& source_;
    std::vector<char> buffer_;
    std::uint64_t bufferStart_ = 0;  // offset of buffer_[0] in the input
    std::uint64_t lines_ = 1;        // lines begun before counted_
    const char* counted_ = nullptr;  // newlines before this point are in lines_
};

}  // namespace gw
