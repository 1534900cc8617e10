#include "gateway/http/resources/audit.h"
#include "gateway/http/resources/console.h"
#include "gateway/http/resources/dry_run.h"
#include "gateway/http/resources/feeds.h"
#include "gateway/http/resources/fhir.h"
#include "gateway/http/resources/health.h"
#include "gateway/http/resources/metrics.h"
#include "gateway/http/resources/municipalities.h"
#include "gateway/http/resources/push.h"
#include "gateway/http/resources/reports.h"
#include "gateway/http/resources/sources.h"
#include "gateway/http/resources/transfers.h"
#include "gateway/http/route.h"

namespace gw {

bool Route::matches(const std::string& m, const std::vector<std::string>& segments) const {
    if (m != method || segments.size() != pattern.size()) return false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != "*" && pattern[i] != segments[i]) return false;
    }
    return true;
}

bool Route::permits(const TokenGrant& grant, const std::vector<std::string>& segments,
                    const FeedService& feeds) const {
    if (scope == "feed")
        return feeds.readable([&](const std::string& s) { return grant.allows(s); });
    if (scope == "push") return grant.allows("push:" + segments[2]);
    if (scope == "transfers") {
        if (grant.allows("transfers:admin")) return true;
        for (const auto& held : grant.scopes) {
            if (held.rfind("push:", 0) == 0) return true;
        }
        return false;
    }
    if (scope == "any") return true;
    if (scope == "reports") return grant.allows("reports:read") || grant.allows("feed:read");
    return grant.allows(scope);
}

const std::vector<Route>& routes() {
    const std::string GET = "GET", POST = "POST", DELETE = "DELETE";
    const bool personal = true;  // every attempt, refused or not, goes to the audit log
    static const std::vector<Route> all = {
        {GET, {"healthz"}, "", sendHealth},
        {GET, {"readyz"}, "", sendReadiness},
        {GET, {"metrics"}, "", sendMetrics},
        {GET, {"v1", "transfers"}, "transfers", listTransfers},
        {POST, {"v1", "transfers"}, "transfers:admin", queueTransfer},
        {GET, {"v1", "transfers", "*"}, "transfers", showTransfer},
        {POST, {"v1", "transfers", "*", "reprocess"}, "transfers:admin", reprocessTransfer},
        {GET, {"v1", "transfers", "*", "changes"}, "transfers:admin", sendChanges},
        {GET, {"v1", "transfers", "*", "reconciliation"}, "transfers", reconcileTransfer},
        {GET, {"v1", "transfers", "*", "rejects"}, "transfers", listRejects, personal},
        {GET, {"v1", "transfers", "*", "reject-groups"}, "transfers", groupRejects},
        {GET,
         {"v1", "transfers", "*", "rejection-report"},
         "transfers",
         sendRejectionReport,
         personal},
        {POST, {"v1", "push", "*", "*"}, "push", acceptPush},
        {GET, {"v1", "sources"}, "transfers:admin", listSources},
        {POST, {"v1", "sources", "*", "pause"}, "transfers:admin", pauseSource},
        {POST, {"v1", "sources", "*", "resume"}, "transfers:admin", resumeSource},
        {POST, {"v1", "sources", "*", "reprocess"}, "transfers:admin", reprocessSource},
        {GET, {"v1", "municipalities"}, "transfers:admin", listMunicipalities},
        {GET,
         {"v1", "municipalities", "*", "reconciliation"},
         "transfers:admin",
         reconcileMunicipality},
        {GET, {"v1", "municipalities", "*", "freeze"}, "transfers:admin", showFreeze},
        {POST, {"v1", "municipalities", "*", "freeze"}, "transfers:admin", freezeMunicipality},
        {POST, {"v1", "municipalities", "*", "unfreeze"}, "transfers:admin", unfreezeMunicipality},
        {GET, {"v1", "municipalities", "*", "certificate"}, "transfers:admin", sendCertificate},
        {GET,
         {"v1", "municipalities", "*", "certificate.sig"},
         "transfers:admin",
         sendCertificateSignature},
        {GET, {"v1", "cutover", "public-key"}, "", sendPublicKey},
        {POST, {"v1", "dry-run"}, "transfers:admin", dryRun},
        {POST, {"v1", "session"}, "", startSession},
        {GET, {"v1", "session"}, "any", showSession},
        {DELETE, {"v1", "session"}, "any", endSession},
        {GET, {"v1", "feeds", "*"}, "feed", readFeed, personal},
        {GET, {"v1", "audit", "feed-reads"}, "audit:read", listFeedReads},
        {GET, {"v1", "reports"}, "reports", listReports},
        {GET, {"v1", "reports", "*"}, "reports", runReport},
        // FHIR: the specific paths before the patterns that would match them too.
        {GET, {"console"}, "", sendConsoleFile},
        {GET, {"console", "*"}, "", sendConsoleFile},
        {GET, {"console", "*", "*"}, "", sendConsoleFile},
        {GET, {"fhir", "metadata"}, "", sendCapabilityStatement},
        {GET, {"fhir", "$export"}, "feed", kickOffExport, personal},
        {GET, {"fhir", "Patient", "$export"}, "feed", kickOffExport, personal},
        {GET, {"fhir", "bulkstatus", "*"}, "feed", sendExportStatus},
        {DELETE, {"fhir", "bulkstatus", "*"}, "feed", deleteExport},
        {GET, {"fhir", "bulkfiles", "*", "*"}, "feed", sendExportFile, personal},
        {GET, {"fhir", "CodeSystem", "*"}, "feed", readCodeSystem},
        {GET, {"fhir", "*"}, "feed", searchResources, personal},
        {GET, {"fhir", "*", "*"}, "feed", readResource, personal},
    };
    return all;
}

}  // namespace gw
