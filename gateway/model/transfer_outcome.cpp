#include "gateway/model/transfer_outcome.h"

namespace gw {

nlohmann::json TransferCounts::toJson() const {
    return {{"read", read}, {"stored", stored}, {"unchanged", unchanged}, {"rejected", rejected}};
}

}  // namespace gw
