#!/usr/bin/env bash
# Installs the real OPA engine (OPA v1.20.2 compiled as a Go shared library, shipped in the PyPI
# wheel opa-golib-python-bindings==0.4.4) into .local/opa/ of this repository, for
# tools/opa_server.py. No OPA binary can be downloaded on our machines; this wheel is the engine.
# Idempotent and quiet when already installed. The wheel is tagged for Python 3.14 but its code
# runs on Python 3.11 (ctypes + the Go library), so pip is told which Python to download for.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=0.4.4
DEST=.local/opa
MARKER="$DEST/.installed-$VERSION"

if [[ -f "$MARKER" && -f "$DEST/opa_bindings/libopabridge.so" ]]; then
  exit 0
fi

# Test suites that need OPA may start this at the same moment: one installs, the others wait
# for it and then find the engine installed.
mkdir -p "$(dirname "$DEST")"
exec 9>"$DEST.lock"
flock 9
if [[ -f "$MARKER" && -f "$DEST/opa_bindings/libopabridge.so" ]]; then
  exit 0
fi

if ! python3 -m pip --version >/dev/null 2>&1; then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-opa: python3 has no pip (install python3-pip, or run as root)" >&2
    exit 1
  fi
  echo "install-opa: installing python3-pip" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
fi

echo "install-opa: installing opa-golib-python-bindings==$VERSION (OPA v1.20.2) into $DEST" >&2
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
python3 -m pip download --quiet --disable-pip-version-check --no-deps --python-version 3.14 \
  --only-binary=:all: "opa-golib-python-bindings==$VERSION" -d "$WORK" >&2
wheel=$(ls "$WORK"/opa_golib_python_bindings-"$VERSION"-*.whl 2>/dev/null | head -n 1)
if [[ -z "$wheel" ]]; then
  echo "install-opa: pip did not download a wheel for this platform" >&2
  exit 1
fi
rm -rf "$DEST.tmp"
mkdir -p "$DEST.tmp"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$DEST.tmp"
# Prove the library loads on this Python before declaring success.
python3 - "$DEST.tmp" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
from opa_bindings import OpaEngine
with OpaEngine() as engine:
    engine.add_policy("probe.rego", "package probe\nok := true\n")
    assert engine.eval_document("probe.ok") is True
PY
rm -rf "$DEST"
mv "$DEST.tmp" "$DEST"
touch "$DEST/.installed-$VERSION"
echo "install-opa: done" >&2
