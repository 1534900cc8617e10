#include "gateway/ctl/map_command.h"

#include <Poco/Util/Option.h>

#include <fstream>
#include <iostream>

#include "gateway/core/errors.h"
#include "gateway/pipeline/pipeline.h"

namespace gw {
namespace {

/// Writes regional records to one stream and rejections to another, both as NDJSON.
class NdjsonSink : public RecordSink {
  public:
    NdjsonSink(std::ostream& records, std::ostream* rejects)
        : records_(records), rejects_(rejects) {}

    /// A batch's records as NDJSON lines, and where each source record's lines end.
    class Lines final : public Batch {
      public:
        void add(std::vector<RegionalRecord>&& records) override {
            for (const auto& record : records) {
                text_ += record.text;
                text_ += '\n';
            }
            ends_.push_back(text_.size());
        }

        std::string_view of(std::size_t index) const {
            std::size_t begin = index == 0 ? 0 : ends_[index - 1];
            return std::string_view(text_).substr(begin, ends_[index] - begin);
        }

      private:
        std::string text_;
        std::vector<std::size_t> ends_;
    };

    std::unique_ptr<Batch> newBatch() const override { return std::make_unique<Lines>(); }

    void write(Batch& batch, std::size_t index) override {
        // Gathered and written a megabyte at a time: a write per record goes through the
        // stream's and stdio's locks twice.
        pending_ += static_cast<const Lines&>(batch).of(index);
        if (pending_.size() >= kWriteBytes) writePending();
        ++counts_.stored;
    }

    // The source fields stay out: a rejects file goes back to the municipality by e-mail.
    void quarantine(const Rejection& rejection, const SourceRecord&) override {
        if (rejects_) *rejects_ << rejection.toJson().dump() << '\n';
        ++counts_.rejected;
    }

    TransferCounts commit() override {
        writePending();
        records_.flush();
        if (rejects_) rejects_->flush();
        return counts_;
    }

  private:
    static constexpr std::size_t kWriteBytes = 1 << 20;

    void writePending() {
        records_.write(pending_.data(), static_cast<std::streamsize>(pending_.size()));
        pending_.clear();
    }

    std::ostream& records_;
    std::ostream* rejects_;
    std::string pending_;
    TransferCounts counts_;
};

}  // namespace

void MapCommand::defineOptions(Poco::Util::OptionSet& options) {
    MappingCommand::defineOptions(options);
    options.addOption(
        Poco::Util::Option("rejects", "r",
                           "write rejected records' positions and reasons here as NDJSON")
            .argument("FILE")
            .repeatable(false));
}

void MapCommand::handleOption(const std::string& name, const std::string& value) {
    MappingCommand::handleOption(name, value);
    if (name == "rejects") rejectsFile_ = value;
}

int MapCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1)
        throw ConfigError("map takes exactly one INPUT (a file, or - for stdin)");
    auto offline = prepare();
    CommandInput input(arguments.front());
    std::ofstream rejects;
    if (!rejectsFile_.empty()) {
        rejects.open(rejectsFile_);
        if (!rejects) throw ConfigError("cannot write " + rejectsFile_);
    }
    NdjsonSink sink(std::cout, rejectsFile_.empty() ? nullptr : &rejects);
    TransferResult result = offline->pipeline.run(input.stream(), input.name(), 0, sink);

    std::cerr << input.name() << ": read " << result.counts.read << ", mapped "
              << result.counts.stored << ", rejected " << result.counts.rejected;
    if (result.error) std::cerr << ", stopped: " << *result.error;
    std::cerr << std::endl;
    return result.counts.rejected == 0 && !result.error ? kOk : kRejected;
}

}  // namespace gw
