#!/usr/bin/env bash
# Shared set-up for ./scripts/run and ./scripts/test: system packages, .venv, the package itself.
# Usage: scripts/setup.sh [run|test]. Idempotent: a stamp file skips work that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

run_packages=(espeak-ng libespeak-ng1 libportaudio2 alsa-utils)
test_packages=("${run_packages[@]}" flite festival festvox-kallpc16k festvox-us-slt-hts sox chromium graphviz)
if [ "$mode" = test ]; then packages=("${test_packages[@]}"); extras="voice,test"; else packages=("${run_packages[@]}"); extras="voice"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages; to install them run: sudo apt-get install -y ${missing[*]}" >&2
  fi
fi

python="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=".venv/.setup-stamp-$mode"
want="$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages ($extras)" >&2
  .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[$extras]" >&2
  # RNNoise for pocketsphinx in noisy rooms (voice_triage/voice/neural_denoise.py). Only its library is used;
  # --no-deps skips the wrapper's audio and plotting packages. Optional: voice works without it.
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps "pyrnnoise==0.4.5" >&2 \
    || echo "setup: pyrnnoise could not be installed; noisy rooms get classical noise reduction only" >&2
  echo "$want" > "$stamp"
fi
