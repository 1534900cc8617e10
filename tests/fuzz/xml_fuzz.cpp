// libFuzzer target for the XML adapter, with plain child paths and full XPath fields.
#include "adapter_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const nlohmann::json options{{"records", "/v:vienti/v:asiakas"},
                                        {"namespaces", {{"v", "urn:effica:vienti"}}},
                                        {"fields",
                                         {{"hetu", "v:hetu"},
                                          {"alku", "v:jakso/@alku"},
                                          {"id", "@id"},
                                          {"count", "count(v:jakso)"}}},
                                        {"maxRecordBytes", 4096},
                                        {"maxDepth", 32}};
    gw::fuzz::readAll("xml", data, size, options);
    return 0;
}
