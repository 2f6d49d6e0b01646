#!/usr/bin/env bash
# Runs the sample mini program. With a display it opens a window; without one it runs
# headless for a few seconds, then prints every call the sample made and saves a
# screenshot. Extra arguments go to `superapp run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --quiet
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec target/release/superapp run "$@"
fi
mkdir -p target/sample
target/release/superapp run --headless --exit-after "${SAMPLE_SECS:-5}" \
  --trace target/sample/trace.jsonl --screenshot target/sample/screenshot.png "$@"
echo "no display: ran the sample headless. Calls it made (target/sample/trace.jsonl):"
cat target/sample/trace.jsonl
echo "screenshot: target/sample/screenshot.png"
