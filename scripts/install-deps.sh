#!/usr/bin/env bash
# Installs what Relay's run and test commands need on a Debian 12 machine (idempotent, quiet when
# everything is present). Swift 6.3 itself is expected at /opt/swift or on PATH.
set -euo pipefail

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
# openssl: the TLS replication tests make their throwaway CA and certificates with it.
# python3-nacl: tools/verify_audit.py (the independent offline-audit verifier) checks Ed25519 with it.
# prometheus: promtool, which checks and unit-tests deploy/prometheus/ (the daemon is not started).
# python3-yaml, python3-venv: deploy/'s checkers, and the venv of the deployment tools below.
for pkg in postgresql-15 postgresql-client-15 libsodium23 python3 python3-nacl openssl prometheus python3-yaml python3-venv "$@"; do
  have_pkg "$pkg" || need+=("$pkg")
done
if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "install-deps: missing Debian packages: ${need[*]} (run as root or install them)" >&2
    exit 1
  fi
  echo "install-deps: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# tools/verify_audit.py imports PyNaCl in the python3 on PATH: python3-nacl serves Debian's own
# python3; another one (e.g. pyenv's) gets the PyPI wheel.
if ! python3 -c 'import nacl.signing' 2>/dev/null; then
  echo "install-deps: installing PyNaCl for $(command -v python3)" >&2
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore 'pynacl==1.5.0' >&2
fi

# The deployment tools of deploy/ (DeploymentTests), pinned, in a venv of their own so that
# neither Debian's python3 nor another one on PATH is changed: cfn-lint checks the CloudFormation
# templates; the AWS CLI's botocore checks the Route 53 hook's change batch against the API model.
deploy_venv="$(cd "$(dirname "$0")/.." && pwd)/.local/venv-deploy"
deploy_tools=('cfn-lint==1.51.0' 'awscli==1.45.11')
if ! "$deploy_venv/bin/python" -c 'import importlib.metadata as m, sys, yaml
sys.exit(any("%s==%s" % (n, m.version(n)) not in sys.argv[1:] for n in ("cfn-lint", "awscli")))' "${deploy_tools[@]}" 2>/dev/null; then
  echo "install-deps: installing ${deploy_tools[*]} into $deploy_venv" >&2
  # The venv sees the python3's own packages: where they already are these versions (as on
  # this project's build machines), nothing is downloaded.
  python3 -m venv --system-site-packages "$deploy_venv" || { echo "install-deps: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  "$deploy_venv/bin/python" -m pip install --quiet --disable-pip-version-check "${deploy_tools[@]}" >&2
fi

if ! command -v swift >/dev/null && [[ ! -x /opt/swift/usr/bin/swift ]]; then
  echo "install-deps: Swift 6.3 not found (expected on PATH or at /opt/swift/usr/bin)" >&2
  exit 1
fi
