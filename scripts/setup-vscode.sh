#!/usr/bin/env bash
# Installs what the real-VS-Code tests need, offline except for the npm registry and Debian packages:
# Debian's chromium, ripgrep and libkrb5-dev, and code-server (VS Code as a web app) with its native modules rebuilt
# locally. Idempotent; everything is cached outside the clone in $RNNPG_CACHE (default ~/.cache/rnn-playground).
# Prints the code-server entry script path on its last line. `--no-browser` skips Chromium (npm start needs none).
set -euo pipefail
BROWSER=1
[ "${1:-}" = "--no-browser" ] && BROWSER=0
CACHE="${RNNPG_CACHE:-$HOME/.cache/rnn-playground}"
VERSION=4.100.3   # the newest code-server whose engine is Node 20
DIR="$CACHE/code-server-$VERSION"
MARK="$DIR/.installed"
ENTRY="$DIR/node_modules/code-server/out/node/entry.js"

need_apt=()
[ "$BROWSER" = 1 ] && { command -v chromium >/dev/null 2>&1 || need_apt+=(chromium); }
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-vscode: please install these packages first (needs root and apt): ${need_apt[*]}" >&2
    exit 1
  fi
  echo "setup-vscode: apt-get install ${need_apt[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need_apt[@]}" >&2
fi

if [ ! -f "$MARK" ]; then
  echo "setup-vscode: installing code-server $VERSION into $DIR" >&2
  rm -rf "$DIR"
  mkdir -p "$DIR"
  cd "$DIR"
  npm init -y >/dev/null
  # its install script downloads from outside: install without scripts, then build the native parts here
  npm_config_unsafe_perm=true npm install --no-audit --no-fund --ignore-scripts "code-server@$VERSION" >&2
  cd "$DIR/node_modules/code-server/lib/vscode"
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
  npm_config_yes=true npm rebuild kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid >&2
  mkdir -p node_modules/@vscode/ripgrep/bin
  cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
  ln -sfn node_modules node_modules.asar
  cd extensions
  npm install --no-audit --no-fund --omit=dev --ignore-scripts >&2
  cd "$DIR"
  npm rebuild argon2 >&2
  touch "$MARK"
fi
echo "$ENTRY"
