#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <istream>
#include <vector>

namespace gw {

/// Reads a stream in large chunks for RapidJSON's reader (its input stream concept: Peek, Take,
/// Tell), while knowing the offset and line it is at. A UTF-8 byte order mark at the start is
/// skipped. With a run limit, the stream ends early once that many bytes follow the last mark():
/// the parser buffers a string whole, so this is what keeps a hostile 2 GB string out of memory.
class ChunkedSource {
  public:
    using Ch = char;

    /// `maxRun` 0: no run limit.
    explicit ChunkedSource(std::istream& input, std::uint64_t maxRun = 0)
        : input_(input), buffer_(256 * 1024), maxRun_(maxRun), runEnd_(maxRun) {
        refill();
        static const char bom[] = "\xEF\xBB\xBF";
        if (limit_ - position_ >= 3 && std::equal(bom, bom + 3, position_)) position_ += 3;
        mark();
    }

    /// The next byte, or '\0' at the end of the stream.
    Ch Peek() const { return position_ < limit_ ? *position_ : '\0'; }
    Ch Take() {
        Ch c = Peek();
        if (position_ < limit_ && ++position_ == limit_) advance();
        return c;
    }

    /// Starts a new run here (the parser has just handed over a token).
    void mark() {
        if (!maxRun_ || overran_) return;
        runEnd_ = Tell() + maxRun_;
        limit_ = readableEnd();
    }
    /// True when the stream ended early because a run grew longer than the limit.
    bool overran() const { return overran_; }
    /// Bytes consumed so far.
    std::size_t Tell() const {
        return chunkStart_ + static_cast<std::size_t>(position_ - buffer_.data());
    }
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

    /// The 1-based line the next byte is on.
    std::uint64_t line() {
        lines_ += static_cast<std::uint64_t>(std::count(counted_, position_, '\n'));
        counted_ = position_;
        return lines_;
    }

  private:
    // The end of the readable bytes: the end of the data, or sooner where the run limit falls.
    const char* readableEnd() const {
        if (!maxRun_) return dataEnd_;
        std::uint64_t room = runEnd_ - chunkStart_;
        return room < static_cast<std::uint64_t>(dataEnd_ - buffer_.data()) ? buffer_.data() + room
                                                                            : dataEnd_;
    }

    void advance() {
        if (limit_ < dataEnd_) {
            overran_ = true;  // stays at its end: Peek() gives '\0' from here on
        } else {
            refill();
        }
    }

    void refill() {
        line();
        chunkStart_ += static_cast<std::uint64_t>(dataEnd_ - buffer_.data());
        input_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        position_ = counted_ = buffer_.data();
        dataEnd_ = buffer_.data() + input_.gcount();
        limit_ = readableEnd();
        if (position_ == limit_ && limit_ < dataEnd_) overran_ = true;
    }

    std::istream& input_;
    std::vector<char> buffer_;
    const char* position_ = buffer_.data();
    const char* limit_ = buffer_.data();    // Peek() and Take() stop here
    const char* dataEnd_ = buffer_.data();  // the bytes read end here
    const char* counted_ = buffer_.data();
    std::uint64_t chunkStart_ = 0;
    std::uint64_t lines_ = 1;
    const std::uint64_t maxRun_;
    std::uint64_t runEnd_;  // offset at which the current run overruns
    bool overran_ = false;
};

}  // namespace gw
