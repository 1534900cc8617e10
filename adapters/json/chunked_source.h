#pragma once

#include <algorithm>
#include <cstdint>
#include <istream>
#include <iterator>
#include <vector>

namespace gw {

/// Reads a stream in large chunks and lets a parser walk it byte by byte through a plain
/// iterator (what nlohmann/json parses fastest), while knowing the offset and line it is at.
class ChunkedSource {
  public:
    explicit ChunkedSource(std::istream& input, std::size_t chunkSize = 256 * 1024)
        : input_(input), buffer_(chunkSize) {}

    /// An input iterator over the bytes; compares equal to end() once the stream is exhausted.
    class Iterator {
      public:
        using iterator_category = std::input_iterator_tag;
        using value_type = char;
        using difference_type = std::ptrdiff_t;
        using pointer = const char*;
        using reference = const char&;

        explicit Iterator(ChunkedSource* source) : source_(source) {}
        reference operator*() const { return *source_->position_; }
        Iterator& operator++() {
            ++source_->position_;
            return *this;
        }
        // Only ever compared with end(): equal when no byte is left.
        bool operator==(const Iterator&) const { return !source_->available(); }
        bool operator!=(const Iterator& other) const { return !(*this == other); }

      private:
        ChunkedSource* source_;
    };

    Iterator begin() { return Iterator(this); }
    Iterator end() { return Iterator(this); }

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
    bool available() { return position_ < limit_ || refill(); }

    bool refill() {
        line();
        chunkStart_ += static_cast<std::uint64_t>(limit_ - buffer_.data());
        input_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
        position_ = counted_ = buffer_.data();
        limit_ = buffer_.data() + input_.gcount();
        return position_ < limit_;
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
