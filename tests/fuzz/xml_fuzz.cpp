// libFuzzer target for the XML adapter: each input is read with plain child paths and full XPath
// fields, and again with every leaf named by its path (the nested option).
#include "adapter_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static const nlohmann::json byXPath{{"records", "/v:vienti/v:asiakas"},
                                        {"namespaces", {{"v", "urn:effica:vienti"}}},
                                        {"fields",
                                         {{"hetu", "v:hetu"},
                                          {"alku", "v:jakso/@alku"},
                                          {"id", "@id"},
                                          {"count", "count(v:jakso)"}}},
                                        {"maxRecordBytes", 4096},
                                        {"maxDepth", 32}};
    static const nlohmann::json nested{{"records", "/v:vienti/v:asiakas"},
                                       {"namespaces", {{"v", "urn:effica:vienti"}}},
                                       {"nested", true},
                                       {"maxRecordBytes", 4096},
                                       {"maxDepth", 32}};
    gw::fuzz::readAll("xml", data, size, byXPath);
    gw::fuzz::readAll("xml", data, size, nested);
    return 0;
}
