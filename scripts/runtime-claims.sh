#!/usr/bin/env bash
# What the findings on fixtures/any_migration claim at run time (TypeError, ValidationError,
# ValueError, AttributeError, ImportError, or nothing), checked against real Python with real
# pydantic: scripts/runtime_claims.py runs each fixture module as written and with its
# deprecated imports switched to the SSOT modules. Installs pydantic into a virtual environment
# under target/ on the first run. Run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/runtime-claims-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pydantic" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "pydantic>=2,<3"
fi
cargo build --quiet --locked
report=target/runtime-claims-report.json
# Exit 1 is the fixture's findings; anything else is a failure of the scan.
status=0
target/debug/ssot-guard check fixtures/any_migration --format json > "$report" || status=$?
[ "$status" -eq 1 ] || { echo "ssot-guard exited $status" >&2; exit 1; }
"$venv/bin/python" scripts/runtime_claims.py fixtures/any_migration "$report" \
    fixtures/any_migration/flow/dags/etl.py fixtures/any_migration/flow/dags/migrated.py
