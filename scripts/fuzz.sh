#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for SECONDS each (default 60) and fails on any crash,
# panic, timeout or out-of-memory.
#
#     bash scripts/fuzz.sh [SECONDS]
#
# cargo-fuzz is installed into target/tools when missing. It passes nightly-only flags to rustc;
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them. The targets are built without a
# sanitizer: our code is safe Rust, and the C in tree-sitter and libgit2 is not instrumented by
# cargo-fuzz anyway, so AddressSanitizer would only halve the executions.
#
# New inputs go to target/fuzz-corpus/<target>/ (kept between local runs); the committed seeds in
# fuzz/corpus/<target>/ are only read. A failing input is written to
# target/fuzz-artifacts/<target>/; replay it with the command printed below the table.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
root="$PWD"
tools="$root/target/tools"
cargo_fuzz_version="0.13.2"
targets=(check_source rule_toml rollback_history module_tree triage_input)
# Per target: extra libFuzzer flags. A rollback input is a short list of git operations; a module
# tree input is up to 8 modules of 12 statements, 10 to 20 bytes each.
declare -A extra=([check_source]="-dict=fuzz/check_source.dict" [rule_toml]=""
    [rollback_history]="-max_len=512 -len_control=0" [module_tree]="-max_len=1024 -len_control=0" [triage_input]="-dict=fuzz/triage_input.dict")

export PATH="$tools/bin:$PATH"
export RUSTC_BOOTSTRAP=1

if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $cargo_fuzz_version"; then
    cargo install cargo-fuzz --version "$cargo_fuzz_version" --locked --root "$tools"
fi

build_dir="$root/target/fuzz"
# The committed fuzz/Cargo.lock is used as it is (cargo fuzz has no --locked of its own).
(cd fuzz && cargo fetch --locked && cargo fuzz build --sanitizer none --target-dir "$build_dir")
bin_dir="$build_dir/x86_64-unknown-linux-gnu/release"

declare -A runs status
failed=0
for target in "${targets[@]}"; do
    corpus="$root/target/fuzz-corpus/$target"
    artifacts="$root/target/fuzz-artifacts/$target/"
    log="$root/target/fuzz-logs/$target.log"
    mkdir -p "$corpus" "$artifacts" "$(dirname "$log")"
    echo "fuzzing $target for ${seconds}s"
    set +e
    # shellcheck disable=SC2086 # the extra flags are words
    "$bin_dir/$target" "$corpus" "fuzz/corpus/$target" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" ${extra[$target]} \
        >"$log" 2>&1
    code=$?
    set -e
    runs[$target]="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    if [ -z "${runs[$target]}" ]; then
        runs[$target]="$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)"
    fi
    if [ "$code" -eq 0 ]; then
        status[$target]="ok"
    else
        status[$target]="FAILED (exit $code)"
        failed=$((failed + 1))
        echo "--- $target: the end of $log"
        tail -n 40 "$log"
    fi
done

echo
printf '%-18s %8s %12s  %s\n' target seconds executions result
for target in "${targets[@]}"; do
    printf '%-18s %8s %12s  %s\n' "$target" "$seconds" "${runs[$target]:-?}" "${status[$target]}"
done
if [ "$failed" -gt 0 ]; then
    echo
    echo "Replay a failing input: $bin_dir/TARGET target/fuzz-artifacts/TARGET/FILE (crash-, timeout- or oom-...)"
fi
echo "fuzz: $(( ${#targets[@]} - failed )) passed, $failed failed"
[ "$failed" -eq 0 ]
