#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The FHIR R4 API (docs/fhir.md): the county reads the regional records as FHIR resources, in
/// the view its token allows, every read and export audited like feed reads; errors are
/// OperationOutcome resources.
/// GET /fhir/metadata: the CapabilityStatement.
void sendCapabilityStatement(const HttpApiContext& context, Call& call);
/// GET /fhir/CodeSystem/{id}: a regional code set.
void readCodeSystem(const HttpApiContext& context, Call& call);
/// GET /fhir/{type}/{id}.
void readResource(const HttpApiContext& context, Call& call);
/// GET /fhir/{type}?patient={id}.
void searchResources(const HttpApiContext& context, Call& call);
/// GET /fhir/$export and /fhir/Patient/$export: starts a Bulk Data export; 202 with its status
/// URL in Content-Location.
void kickOffExport(const HttpApiContext& context, Call& call);
/// GET /fhir/bulkstatus/{id}: 202 while it runs, then 200 with the manifest.
void sendExportStatus(const HttpApiContext& context, Call& call);
/// DELETE /fhir/bulkstatus/{id}: stops an export and deletes its files.
void deleteExport(const HttpApiContext& context, Call& call);
/// GET /fhir/bulkfiles/{id}/{type}.ndjson: one file of a finished export.
void sendExportFile(const HttpApiContext& context, Call& call);

}  // namespace gw
