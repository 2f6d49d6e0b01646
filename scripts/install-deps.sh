#!/usr/bin/env bash
# Installs what superapp-shell needs, when missing: the Debian/Ubuntu packages (WebKitGTK
# builds and runs the webviews; Xvfb and xauth give the --headless display; Node and npm
# install WeChat's WXML compilers), then those compilers, esbuild and less (TypeScript, ES
# modules and LESS, as DevTools compiles them) and WeChat's automation client (for the JS
# test suite) from package-lock.json (npm ci).
set -euo pipefail
cd "$(dirname "$0")/.."
# (GStreamer's base and good plugins let WebKit play video and audio: wav, ogg, webm...;
# a CJK font draws the Chinese text of real mini programs, in screenshots too)
packages=(libwebkit2gtk-4.1-dev xvfb xauth pkg-config gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  fonts-wqy-microhei)
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust (https://rustup.rs)" >&2; exit 1; }
if [ ! -e node_modules/miniprogram-compiler/bin/linux/wcc ] || [ ! -e node_modules/miniprogram-automator/package.json ] \
  || [ ! -e node_modules/@esbuild/linux-x64/bin/esbuild ] || [ ! -e node_modules/less/bin/lessc ] \
  || [ ! -e node_modules/weui-miniprogram/package.json ] || [ ! -e node_modules/@vant/weapp/package.json ] \
  || [ ! -e node_modules/tdesign-miniprogram/package.json ] || [ ! -e node_modules/sass/sass.js ] \
  || [ ! -e node_modules/miniprogram-computed/package.json ] || [ ! -e node_modules/miniprogram-api-typings/package.json ]; then
  echo "installing WeChat's WXML compilers, esbuild, less, sass, WeUI's, Vant's and TDesign's components, miniprogram-computed, WeChat's API typings and the automation client (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
