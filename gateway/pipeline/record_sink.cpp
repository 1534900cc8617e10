#include "gateway/pipeline/record_sink.h"

namespace gw {
namespace {

/// The records themselves, as made.
class WholeRecords final : public RecordSink::Batch {
  public:
    void add(std::vector<RegionalRecord>&& records) override {
        bySource.push_back(std::move(records));
    }

    std::vector<std::vector<RegionalRecord>> bySource;
};

}  // namespace

void writeRecords(RecordSink& sink, std::vector<RegionalRecord> records) {
    std::unique_ptr<RecordSink::Batch> batch = sink.newBatch();
    batch->add(std::move(records));
    sink.write(*batch, 0);
}

std::unique_ptr<RecordSink::Batch> WholeRecordSink::newBatch() const {
    return std::make_unique<WholeRecords>();
}

void WholeRecordSink::write(Batch& batch, std::size_t index) {
    write(static_cast<WholeRecords&>(batch).bySource.at(index));
}

}  // namespace gw
