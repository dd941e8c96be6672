#!/usr/bin/env bash
# Debian/Ubuntu packages the tests (and the real sources) use. Needs root.
#   chromium: UI tests; icecast2: streaming tests and the managed local Icecast;
#   alsa-utils: arecord and the ALSA file-plugin capture test; rtl-sdr: rtl_sdr/rtl_tcp;
#   multimon-ng: the decoder benchmark's reference; python3/make/g++: native modules.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
  chromium icecast2 alsa-utils libasound2-plugins rtl-sdr multimon-ng sox \
  python3 make g++ ca-certificates
