#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <istream>
#include <vector>

namespace gw {

/// Reads a stream in large chunks for RapidJSON's reader (its input stream concept: Peek, Take,
/// Tell), while knowing the offset and line it is at. A UTF-8 byte order mark at the start is
/// skipped.
class ChunkedSource {
  public:
    using Ch = char;

    explicit ChunkedSource(std::istream& input, std::size_t chunkSize = 256 * 1024)
        : input_(input), buffer_(chunkSize) {
        refill();
        static const char bom[] = "\xEF\xBB\xBF";
        if (limit_ - position_ >= 3 && std::equal(bom, bom + 3, position_)) position_ += 3;
    }

    /// The next byte, or '\0' at the end of the stream.
    Ch Peek() const { return position_ < limit_ ? *position_ : '\0'; }
    Ch Take() {
        Ch c = Peek();
        if (position_ < limit_ && ++position_ == limit_) refill();
        return c;
    }
    /// Bytes consumed so far.
    std::size_t Tell() const { return offset(); }
    /// True once every byte has been taken.
    bool atEnd() const { return position_ >= limit_; }

    // The writing half of the concept, used only by in-situ parsing, which this stream is not for.
    Ch* PutBegin() {
        assert(false);
        return nullptr;
    }
    void Put(Ch) { assert(false); }
    void Flush() { assert(false); }
    std::size_t PutEnd(Ch*) {
        assert(false);
        return 0;
    }

    /// Bytes consumed so far.
    std::uint64_t offset() const {
        return chunkStart_ + static_cast<std::uint64_t>(position_ - buffer_.data());
    }
    /// The 1-based line the next byte is on.
    std::uint64_t line() {
        lines_ += static_cast<std::uint64_t>(std::count(counted_, position_, '\n'));
        counted_ = position_;
        return lines_;
    }

  private:
    void refill() {
        line();
        chunkStart_ += static_cast<std::uint64_t>(limit_ - buffer_.data());
        input_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        position_ = counted_ = buffer_.data();
        limit_ = buffer_.data() + input_.gcount();
    }

    std::istream& input_;
    std::vector<char> buffer_;
    const char* position_ = buffer_.data();
    const char* limit_ = buffer_.data();
    const char* counted_ = buffer_.data();
    std::uint64_t chunkStart_ = 0;
    std::uint64_t lines_ = 1;
};

}  // namespace gw
