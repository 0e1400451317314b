#!/usr/bin/env bash
# Checks ssot-guard the way Python teams install and run it, with the real tools:
#   1. `pip install .` (maturin, bindings = "bin") in a fresh virtual environment gives a working
#      `ssot-guard` command;
#   2. the real pre-commit framework runs our `.pre-commit-hooks.yaml` hook in a temporary
#      repository: a commit adding a deprecated import is rejected with the message, a clean
#      commit passes, and a partially staged file is judged by its staged content.
# Needs python3, git and cargo; installs maturin and pre-commit from PyPI into target/.
# The hook is installed from this repository's HEAD commit, so commit before running it.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv="$repo/target/ecosystem-venv"
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet pre-commit==4.7.0

# 1. pip install . in a fresh virtual environment.
"$venv/bin/pip" install --quiet "$repo"
[ -x "$venv/bin/ssot-guard" ] || fail "pip install . did not install the ssot-guard command"
"$venv/bin/ssot-guard" --version
status=0
"$venv/bin/ssot-guard" check "$repo/fixtures/backend" --statistics > "$work/stats.txt" || status=$?
[ "$status" = 1 ] || fail "the pip-installed ssot-guard exited $status on fixtures/backend, expected 1"
grep -q "SSOT002" "$work/stats.txt" || fail "the pip-installed ssot-guard found no SSOT002"
pass "pip install . gives a working ssot-guard"

# 2. The real pre-commit framework with our hook.
project="$work/project"
mkdir -p "$project"
cp -R "$repo/fixtures/backend/netra_backend" "$project/"
printf '[tool.ssot-guard]\n' > "$project/pyproject.toml"
cd "$project"
git init --quiet
git config user.name "CI"
git config user.email "ci@example.invalid"
git config commit.gpgsign false
cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: $repo
    rev: $(git -C "$repo" rev-parse HEAD)
    hooks:
      - id: ssot-guard
YAML
git add -A
git commit --quiet --no-verify -m "initial"
export PRE_COMMIT_HOME="$work/pre-commit-home"
"$venv/bin/pre-commit" install --install-hooks > /dev/null
commit() { PATH="$venv/bin:$PATH" git commit -m "$1" > "$work/commit.log" 2>&1; }

clean='from netra_backend.app.schemas.agent_models import DeepAgentState


def thread_of(state: DeepAgentState) -> str:
    return state.chat_thread_id
'
deprecated='from netra_backend.app.agents.state import DeepAgentState


def thread_of(state: DeepAgentState) -> str:
    return state.chat_thread_id
'

printf '%s' "$deprecated" > netra_backend/app/new_module.py
git add netra_backend/app/new_module.py
if commit "add a deprecated import"; then
    cat "$work/commit.log"; fail "a commit adding a deprecated import was accepted"
fi
grep -q "SSOT001" "$work/commit.log" || { cat "$work/commit.log"; fail "the rejection does not name SSOT001"; }
grep -q "imported from deprecated module" "$work/commit.log" || fail "the rejection has no message"
pass "a commit adding a deprecated import is rejected with the message"

printf '%s' "$clean" > netra_backend/app/new_module.py
git add netra_backend/app/new_module.py
commit "add a clean module" || { cat "$work/commit.log"; fail "a clean commit was rejected"; }
pass "a clean commit passes"

# Partially staged: the staged version is clean, the working copy is not: the commit passes.
printf '%s\n\ndef later(state: DeepAgentState):\n    return 1\n' "$clean" > netra_backend/app/new_module.py
git add netra_backend/app/new_module.py
printf '%s' "$deprecated" >> netra_backend/app/new_module.py
commit "stage a clean change" || { cat "$work/commit.log"; fail "a clean staged version was rejected for its unstaged lines"; }
git diff --quiet -- netra_backend/app/new_module.py && fail "the unstaged change was lost"
pass "a partially staged file is judged by its staged (clean) content"

# The reverse: the staged version is broken, the working copy is clean: the commit is rejected.
git checkout --quiet -- netra_backend/app/new_module.py
printf '%s' "$deprecated" > netra_backend/app/new_module.py
git add netra_backend/app/new_module.py
printf '%s' "$clean" > netra_backend/app/new_module.py
if commit "stage a deprecated import"; then
    cat "$work/commit.log"; fail "a broken staged version was accepted"
fi
grep -q "SSOT001" "$work/commit.log" || { cat "$work/commit.log"; fail "the rejection does not name SSOT001"; }
pass "a partially staged file is judged by its staged (broken) content"
echo "ecosystem: 5 passed, 0 failed"
