// libFuzzer target for the JSON adapter: the first byte picks records-array or NDJSON mode.
#include "adapter_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    nlohmann::json options = data[0] & 1 ? nlohmann::json{{"lines", true}}
                                         : nlohmann::json{{"records", "/data/clients"}};
    options["maxRecordBytes"] = 4096;
    options["maxDepth"] = 16;
    gw::fuzz::readAll("json", data + 1, size - 1, options);
    return 0;
}
