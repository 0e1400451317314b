#!/usr/bin/env bash
# Validates SARIF files with Microsoft's SARIF Multitool (npm @microsoft/sarif-multitool), the
# validator of the SARIF SDK, with its SARIF rules and its GitHub code scanning rules.
#
#   scripts/validate-sarif.sh FILE...
#
# The tool is installed with npm into target/sarif-multitool on first use. Exits 1 when a file has
# an error: the Multitool exits 0 even then, so its report is read too. Warnings and notes are
# printed, and do not fail.
set -euo pipefail

VERSION=5.7.0

if [ "$#" -eq 0 ]; then
  echo "usage: $0 FILE..." >&2
  exit 2
fi

root=$(cd "$(dirname "$0")/.." && pwd)
prefix="$root/target/sarif-multitool"
package="$prefix/node_modules/@microsoft/sarif-multitool"

export SARIF_MULTITOOL="$package"
installed=$(node -p 'require(process.env.SARIF_MULTITOOL + "/package.json").version' 2>/dev/null || true)
if [ "$installed" != "$VERSION" ]; then
  # The binary comes in a package per platform, an optional dependency at `^VERSION`: pin it too.
  platform=$(node -p process.platform)
  echo "installing @microsoft/sarif-multitool@$VERSION into $prefix" >&2
  mkdir -p "$prefix"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save --loglevel=error \
    "@microsoft/sarif-multitool@$VERSION" "@microsoft/sarif-multitool-$platform@$VERSION" >&2
fi
# The package's own launcher runs the tool through a shell, which splits file names with spaces or
# quotes: run the platform binary it points at directly.
tool=$(node -p 'require(process.env.SARIF_MULTITOOL)')
[ -x "$tool" ] || chmod u+x "$tool"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failed=0
for file in "$@"; do
  if [ ! -f "$file" ]; then
    echo "$file: no such file" >&2
    failed=1
    continue
  fi
  status=0
  "$tool" validate "$file" --rule-kind "Sarif;Gh" --level "Error;Warning;Note" \
    --output "$work/log.sarif" --log ForceOverwrite >"$work/report.txt" 2>&1 || status=$?
  # One line per problem: `FILE(LINE,COL): error|warning|note ID: text`.
  errors=$(grep -cE '\): error [A-Za-z]+[0-9]+: ' "$work/report.txt" || true)
  warnings=$(grep -cE '\): warning [A-Za-z]+[0-9]+: ' "$work/report.txt" || true)
  notes=$(grep -cE '\): note [A-Za-z]+[0-9]+: ' "$work/report.txt" || true)
  grep -E '\): (error|warning) [A-Za-z]+[0-9]+: ' "$work/report.txt" || true
  if [ "$status" -ne 0 ] || [ "$errors" -ne 0 ] || ! grep -q 'Analysis completed successfully' "$work/report.txt"; then
    cat "$work/report.txt" >&2
    echo "$file: INVALID ($errors errors, $warnings warnings, $notes notes; exit code $status)"
    failed=1
  else
    echo "$file: valid ($warnings warnings, $notes notes)"
  fi
done
exit "$failed"
