// The one place where each adapter folder registers its format.
#include "adapters/adapter.h"
#include "adapters/csv/csv_adapter.h"
#include "adapters/json/json_adapter.h"
#include "adapters/xml/xml_adapter.h"

namespace gw {

const AdapterRegistry& builtinAdapters() {
    static const AdapterRegistry registry = [] {
        AdapterRegistry r;
        r.add("csv", &CsvAdapter::create);
        r.add("json", &JsonAdapter::create);
        r.add("xml", &XmlAdapter::create);
        return r;
    }();
    return registry;
}

}  // namespace gw
