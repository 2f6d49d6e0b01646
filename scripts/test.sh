#!/usr/bin/env bash
# Runs every test: unit tests of the pure core, then the headless end-to-end and CLI tests
# (the shell starts its own private Xvfb; no display is needed).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo test "$@"
