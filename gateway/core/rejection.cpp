#include "gateway/core/rejection.h"

namespace gw {

const char* stageName(Stage stage) {
    switch (stage) {
        case Stage::Read:
            return "read";
        case Stage::Map:
            return "map";
        case Stage::Validate:
            return "validate";
        case Stage::Store:
            return "store";
    }
    return "unknown";
}

Rejection Rejection::from(Stage stage, Fault fault, SourcePosition position) {
    return Rejection{stage, std::move(fault.rule), std::move(fault.field), std::move(fault.message),
                     std::move(position)};
}

nlohmann::json Rejection::toJson() const {
    return {{"position", position.toJson()},
            {"stage", stageName(stage)},
            {"rule", rule},
            {"field", field},
            {"message", message}};
}

}  // namespace gw
