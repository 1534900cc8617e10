#include "gateway/http/resources/dry_run.h"

#include <Poco/File.h>
#include <Poco/Path.h>

#include <fstream>

#include "gateway/core/keyed_hash.h"
#include "gateway/core/private_files.h"
#include "gateway/reports/check_report.h"

namespace gw {

using Poco::Net::HTTPResponse;

namespace {

/// The dry run's upload, in the spool folder, which only the gateway's user may read: deleted
/// however the check ends, and named as a partial push is, so that one a crash left behind is
/// removed at the next start.
struct Upload {
    std::string path;
    ~Upload() {
        try {
            Poco::File(path).remove();
        } catch (const Poco::Exception&) {
            // never written, or gone already
        }
    }
};

}  // namespace

void dryRun(const HttpApiContext& context, Call& call) {
    std::string name = textParameter(call.query, "mapping");
    const Source* chosen = nullptr;
    for (const auto& source : context.transfers.runner().sources().all()) {
        if (source->mapping().name() == name) chosen = source.get();
    }
    if (!chosen) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND,
                  "no configured source has a mapping named '" + name + "'");
        return;
    }
    const std::uint64_t limit = context.settings.dryRunMaxBytes;
    auto refuseTooLarge = [&] {
        sendError(call.response, HTTPResponse::HTTP_REQUEST_ENTITY_TOO_LARGE,
                  "a dry run's export may have at most " + std::to_string(limit) + " bytes");
    };
    if (call.request.hasContentLength() &&
        static_cast<std::uint64_t>(call.request.getContentLength64()) > limit) {
        refuseTooLarge();
        return;
    }
    createPrivateFolders(context.settings.pushSpoolDirectory);
    Upload upload{context.settings.pushSpoolDirectory + "/.dry-run-" +
                  newSecretKey().substr(0, 16) + ".incoming"};
    {
        std::ofstream out(upload.path, std::ios::binary);
        char buffer[1 << 16];
        std::uint64_t received = 0;
        std::istream& body = call.request.stream();
        while (body.read(buffer, sizeof buffer) || body.gcount() > 0) {
            received += static_cast<std::uint64_t>(body.gcount());
            if (received > limit) {
                refuseTooLarge();
                return;
            }
            out.write(buffer, body.gcount());
        }
        if (!out.flush()) throw std::runtime_error("cannot write the dry run's upload");
    }
    const TransferRunner& runner = context.transfers.runner();
    Pipeline pipeline(chosen->mapping(), runner.validator(), runner.clients(),
                      Pipeline::defaultThreads(), context.settings.pipelineMaxBytesInFlight);
    // The report names the input by the uploaded file's own name, never by a path.
    std::string inputName = Poco::Path(textParameter(call.query, "name")).getFileName();
    std::ifstream input(upload.path, std::ios::binary);
    sendJson(
        call.response, HTTPResponse::HTTP_OK,
        checkExport(pipeline, chosen->mapping(), input, inputName.empty() ? "upload" : inputName,
                    context.settings.schemaDirectory));
}

}  // namespace gw
