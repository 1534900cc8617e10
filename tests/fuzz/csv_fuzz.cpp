// libFuzzer target for the CSV adapter: the first byte picks the encoding and delimiter.
#include "adapter_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    static const char* encodings[] = {"utf-8", "iso-8859-1", "windows-1252"};
    nlohmann::json options{{"encoding", encodings[data[0] % 3]},
                           {"delimiter", data[0] & 0x10 ? "," : ";"},
                           {"maxRecordBytes", 4096}};
    gw::fuzz::readAll("csv", data + 1, size - 1, options);
    return 0;
}
