#include "gateway/model/rejection.h"

#include <stdexcept>

#include "gateway/core/identity_code.h"

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

Stage stageNamed(const std::string& name) {
    for (Stage stage : {Stage::Read, Stage::Map, Stage::Validate, Stage::Store}) {
        if (name == stageName(stage)) return stage;
    }
    throw std::invalid_argument("no pipeline stage is called '" + name + "'");
}

Rejection Rejection::from(Stage stage, Fault fault, SourcePosition position) {
    // Every rejection is stored and returned: its message is masked like a log line, whatever
    // the stage that wrote it quoted (a code table's unmapped code, a parser's error).
    return Rejection{stage, std::move(fault.rule), std::move(fault.field),
                     maskIdentityCodesIn(std::move(fault.message)), std::move(position)};
}

nlohmann::json Rejection::toJson() const {
    return {{"position", position.toJson()},
            {"stage", stageName(stage)},
            {"rule", rule},
            {"field", field},
            {"message", message}};
}

nlohmann::json QuarantinedRecord::toJson() const {
    nlohmann::json j{{"id", id},
                     {"input", rejection.position.input},
                     {"record", rejection.position.record},
                     {"stage", stageName(rejection.stage)},
                     {"rule", rejection.rule},
                     {"field", rejection.field},
                     {"message", rejection.message}};
    if (rejection.position.line != 0) j["line"] = rejection.position.line;
    return j;
}

}  // namespace gw
