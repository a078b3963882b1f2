#!/usr/bin/env bash
# Remakes the facts-only extract of the vendor's spec that the conformance tests and the server (GET /api/openapi.json) read:
#   ../shared/reference/openapi.yaml  ->  src/main/resources/spec/trading-api.facts.json
# (dev.crater.spec.SpecExtract: paths, methods, operationIds, parameters, responses, model property
# names, types and enums; no descriptions). Rerun it whenever the spec changes, and commit the result.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -f ../shared/reference/openapi.yaml ] || { echo "spec/extract.sh: ../shared/reference/openapi.yaml not found" >&2; exit 2; }
./crater test -q -DskipVendorClient -Dtest='SpecExtractTest#write' -Dcrater.spec.write=true -Dsurefire.failIfNoSpecifiedTests=false
echo "wrote src/main/resources/spec/trading-api.facts.json ($(grep -c '"operationId"' src/main/resources/spec/trading-api.facts.json) operations)"
