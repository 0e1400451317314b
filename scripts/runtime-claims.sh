#!/usr/bin/env bash
# What the findings claim at run time (TypeError, ValidationError, ValueError, AttributeError,
# ImportError, or nothing), checked against real Python with real pydantic and pytest:
# - scripts/runtime_claims.py runs fixtures/any_migration's modules as written and with their
#   deprecated imports switched to the SSOT modules, and compares the lines that raise;
# - scripts/pytest_claims.py runs the example back end's mock tests with pytest and compares the
#   tests that fail with those holding an error finding.
# Installs pydantic, pytest and pytest-asyncio into a virtual environment under target/ on the
# first run. Run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/runtime-claims-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import pydantic, pytest, pytest_asyncio" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "pydantic>=2,<3" pytest pytest-asyncio
fi
cargo build --quiet --locked
report=target/runtime-claims-report.json
# Exit 1 is the fixture's findings; anything else is a failure of the scan.
status=0
target/debug/ssot-guard check fixtures/any_migration --format json > "$report" || status=$?
[ "$status" -eq 1 ] || { echo "ssot-guard exited $status" >&2; exit 1; }
"$venv/bin/python" scripts/runtime_claims.py fixtures/any_migration "$report" \
    fixtures/any_migration/flow/dags/etl.py fixtures/any_migration/flow/dags/migrated.py

backend_report=target/runtime-claims-backend.json
status=0
target/debug/ssot-guard check fixtures/backend --format json > "$backend_report" || status=$?
[ "$status" -eq 1 ] || { echo "ssot-guard exited $status on fixtures/backend" >&2; exit 1; }
mocks=fixtures/backend/netra_backend/tests/unit/test_deep_agent_state.py
junit="$PWD/target/runtime-claims-mocks.xml"
# The tests are expected to fail (those the findings name): pytest's exit code is not the verdict.
(cd fixtures/backend && "../../$venv/bin/python" -m pytest -q -p no:cacheprovider \
    --junitxml="$junit" netra_backend/tests/unit/test_deep_agent_state.py > /dev/null) || true
"$venv/bin/python" scripts/pytest_claims.py "$backend_report" "$junit" "$mocks"
