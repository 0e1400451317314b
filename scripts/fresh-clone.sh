#!/usr/bin/env bash
# A fresh clone, as a new machine sees it. Clones this repository's HEAD commit into
# target/fresh-clone/ (what is not committed is not there) and, in the clone, with an environment
# of only HOME and a PATH of the Rust toolchain's own bin folder, /usr/bin and /bin (no
# ~/.cargo/bin, ~/.local/bin or target/, so no ssot-guard on it):
#   1. runs README.md's first command (`cargo run --release -- check fixtures/backend`): it must
#      exit 1 and end with the summary of the findings in tests/expected/backend.findings;
#   2. runs the release build's rollback scripts and pasted commands end to end in git2-built
#      repositories (`cargo test --release --test integration` filtered to the fresh-machine tests
#      of tests/rollback.rs): each test runs them with a PATH of only bash, git (xargs, date) and
#      python3, so they must reach the binary by its path.
# Compiled dependencies are kept in target/fresh-clone/target between runs (the clone's own
# sources are always compiled: the clone is new); the first run builds everything.
# Needs git and a Rust toolchain (rustc on PATH, to find it); bash, git, python3, xargs and date
# in /usr/bin or /bin.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work="$repo/target/fresh-clone"
clone="$work/ssot-guard"
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

toolchain="$(rustc --print sysroot)/bin"
[ -x "$toolchain/cargo" ] || fail "no cargo in the toolchain folder $toolchain"
fresh_path="$toolchain:/usr/bin:/bin"
# What a new machine's environment holds; CARGO_HOME keeps the registry cache, proxies reach it.
fresh_env=(env -i "HOME=$HOME" "PATH=$fresh_path" "CARGO_TARGET_DIR=$work/target"
    CARGO_TERM_COLOR=never LANG=C.UTF-8)
for name in CARGO_HOME CARGO_BUILD_JOBS http_proxy https_proxy HTTP_PROXY HTTPS_PROXY no_proxy NO_PROXY; do
    if [ -n "${!name:-}" ]; then fresh_env+=("$name=${!name}"); fi
done
fresh() { "${fresh_env[@]}" "$@"; }

if fresh bash -c 'command -v ssot-guard' > /dev/null; then
    fail "ssot-guard is on the fresh PATH ($fresh_path): $(fresh bash -c 'command -v ssot-guard')"
fi
if [ -n "$(git -C "$repo" status --porcelain)" ]; then
    echo "note: the work tree has uncommitted changes; the clone has HEAD only" >&2
fi

rm -rf "$clone"
mkdir -p "$work"
git clone --quiet "$repo" "$clone"
cd "$clone"
pass "cloned $(git rev-parse --short HEAD) into $clone"

# 1. README.md's first command: the first line of its first ```sh block, without the comment.
first=$(awk '/^```sh$/ { inside = 1; next } inside { print; exit }' README.md)
command=${first%%#*}
command=${command%"${command##*[![:space:]]}"}
[ "$command" = "cargo run --release -- check fixtures/backend" ] \
    || fail "README.md's first command is now '$command': update this step's expectations"
started=$SECONDS
status=0
fresh bash -c "$command" > "$work/readme.out" 2> "$work/readme.err" || status=$?
[ "$status" = 1 ] || { cat "$work/readme.err" >&2; fail "'$command' exited $status, expected 1 (findings)"; }
expected=$(wc -l < tests/expected/backend.findings)
summary=$(tail -n 1 "$work/readme.out")
case "$summary" in
    "Found $expected findings "*) ;;
    *) fail "'$command' ends with '$summary', expected 'Found $expected findings ...'" ;;
esac
grep -q "SSOT002" "$work/readme.out" || fail "'$command' printed no SSOT002 finding"
pass "'$command' exits 1: $summary ($((SECONDS - started)) s)"

# 2. The release binary's rollback scripts and pasted commands, end to end, with no ssot-guard on
# PATH. The tests build their repositories with git2 (tests/common/repo.rs).
started=$SECONDS
status=0
fresh cargo test --release --locked --test integration -- \
    rollback::fresh_machine rollback::ssot_guard_bin rollback::a_relative_ssot_guard_bin \
    > "$work/rollback-tests.out" 2>&1 || status=$?
cat "$work/rollback-tests.out"
[ "$status" = 0 ] || fail "the fresh-machine rollback tests failed (exit $status)"
ran=$(grep -c '^test .* \.\.\. ok$' "$work/rollback-tests.out" || true)
[ "$ran" -ge 5 ] || fail "only $ran fresh-machine rollback tests ran, expected 5 or more"
pass "$ran fresh-machine rollback tests pass on the release build ($((SECONDS - started)) s)"
