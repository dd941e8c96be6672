#!/usr/bin/env bash
# Debian/Ubuntu packages the tests (and the real sources) use. Runs as root as it is (a
# container's root shell has no sudo) and re-runs itself through sudo otherwise.
#   chromium: UI tests; icecast2: streaming tests and the managed local Icecast;
#   alsa-utils: arecord and the ALSA file-plugin capture test; rtl-sdr: rtl_sdr/rtl_tcp;
#   multimon-ng: the decoder benchmark's reference; python3/make/g++: native modules;
#   desktop-file-utils: desktop-file-validate for the autostart entry's test.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo -- bash "${BASH_SOURCE[0]}" "$@"
  fi
  echo "install-system-deps.sh: needs root to install packages: run it as root, or install sudo" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  chromium icecast2 alsa-utils libasound2-plugins rtl-sdr multimon-ng sox \
  python3 make g++ ca-certificates desktop-file-utils
