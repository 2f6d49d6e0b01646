#!/usr/bin/env bash
# Runs the sample mini programs. With a display it opens the HTML sample in a window (pass
# `--sample wxml` for the WXML one); without one it runs both headless for a few seconds
# each, then prints every call they made and saves a screenshot of each. Extra arguments
# go to `superapp run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --quiet
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec target/release/superapp run "$@"
fi
mkdir -p target/sample
for sample in html wxml; do
  target/release/superapp run --sample "$sample" --headless --exit-after "${SAMPLE_SECS:-5}" \
    --trace "target/sample/trace-$sample.jsonl" --screenshot "target/sample/screenshot-$sample.png" "$@"
  echo "no display: ran the $sample sample headless. Calls it made (target/sample/trace-$sample.jsonl):"
  cat "target/sample/trace-$sample.jsonl"
  echo "screenshot: target/sample/screenshot-$sample.png"
done
