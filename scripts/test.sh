#!/usr/bin/env bash
# Runs every test: formatting and lints, unit tests of the pure core, the headless
# end-to-end, hostile-page, load, fuzz, process and CLI tests (the shell starts its own
# private Xvfb; no display is needed), then the JS suite in which WeChat's own
# miniprogram-automator drives `superapp auto`. Then checks that no process the suite
# started (Xvfb, WebKit, superapp) outlived it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
for tool in fmt clippy; do
  cargo "$tool" --version >/dev/null 2>&1 || { echo "cargo $tool not found: rustup component add rustfmt clippy" >&2; exit 1; }
done
cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
# Every process the suite starts inherits this mark in its environment.
mark="superapp-suite-$$-$(date +%s%N)"
SUPERAPP_TEST_MARK="$mark" cargo test "$@"
# `cargo test` has built target/debug/superapp (the integration tests run it); a separate
# `cargo build` would build every dependency again, without the dev-dependencies' features.
SUPERAPP_TEST_MARK="$mark" SUPERAPP_BIN="$PWD/target/debug/superapp" node --test tests/automator/
left=""
for _ in $(seq 50); do
  left=$(grep -lsa "SUPERAPP_TEST_MARK=$mark" /proc/[0-9]*/environ | grep -v "/proc/self/" || true)
  [ -z "$left" ] && break
  sleep 0.1
done
if [ -n "$left" ]; then
  echo "processes outlived the test suite:" >&2
  for f in $left; do d=${f%/environ}; echo "  ${d#/proc/} $(tr '\0' ' ' < "$d/cmdline" 2>/dev/null)" >&2; done
  exit 1
fi
echo "no process outlived the suite"
