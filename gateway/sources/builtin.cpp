#include "gateway/sources/drop/drop_source.h"
#include "gateway/sources/file/file_source.h"
#include "gateway/sources/pull/pull_source.h"
#include "gateway/sources/push/push_source.h"
#include "gateway/sources/source_registry.h"

namespace gw {

const SourceRegistry& builtinSources() {
    static const SourceRegistry registry = [] {
        SourceRegistry r;
        r.add(FileSource::kind());
        r.add(DropSource::kind());
        r.add(PushSource::kind());
        r.add(PullSource::kind());
        return r;
    }();
    return registry;
}

}  // namespace gw
