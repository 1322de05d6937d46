#!/usr/bin/env bash
# Installs moto's EC2 server (a local stand-in for the EC2 API, used by the *IT tests of the AWS
# adapter) and the AWS CLI (v1, from PyPI: the endpoint's tests drive the simulator with it and with
# boto3) into a Python virtual environment outside the repository, and prints the venv's folder:
# ${PORTCULLIS_CACHE:-~/.cache/portcullis}/moto-venv. Later runs reuse it while the versions match.
set -euo pipefail
MOTO_VERSION=${MOTO_VERSION:-5.2.5}
# awscli 1.46.3 takes the botocore that moto 5.2.5 brings (1.44.x) as it is.
AWSCLI_VERSION=${AWSCLI_VERSION:-1.46.3}
cache=${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}
venv="$cache/moto-venv"
installed() {
  "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true
}
if [ -x "$venv/bin/moto_server" ] && [ "$(installed moto)" = "$MOTO_VERSION" ]; then
  if [ "$(installed awscli)" != "$AWSCLI_VERSION" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "awscli==${AWSCLI_VERSION}" >&2
  fi
  "$venv/bin/aws" --version >/dev/null
  echo "$venv"
  exit 0
fi
mkdir -p "$cache"
python=${PYTHON:-$(command -v python3)}
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" "awscli==${AWSCLI_VERSION}" >&2
"$venv/bin/moto_server" --help >/dev/null
"$venv/bin/aws" --version >/dev/null
echo "$venv"
