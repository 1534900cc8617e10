#include "gateway/sources/received_source.h"

#include <Poco/File.h>

namespace gw {

ReceivedSource::ReceivedSource(SourceSettings settings, Mapping mapping, std::string waitingFolder,
                               std::string keptBase)
    : Source(std::move(settings), std::move(mapping)),
      waitingFolder_(std::move(waitingFolder)),
      archive_(std::move(keptBase)) {}

std::string ReceivedSource::inputPath(std::int64_t, const std::string& input) const {
    return waitingFolder_ + "/" + input;
}

void ReceivedSource::settle(const TransferInfo& transfer, const OpenedInput& input,
                            TransferLog&) const {
    if (Poco::File(input.path).exists()) archive_.fileAway(input.path, transfer);
}

}  // namespace gw
