#!/usr/bin/env bash
# Installs moto's EC2 server (a local stand-in for the EC2 API, used by the *IT tests of the AWS
# adapter) into a Python virtual environment outside the repository, and prints the venv's folder:
# ${PORTCULLIS_CACHE:-~/.cache/portcullis}/moto-venv. Later runs reuse it while the version matches.
set -euo pipefail
MOTO_VERSION=${MOTO_VERSION:-5.2.5}
cache=${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}
venv="$cache/moto-venv"
if [ -x "$venv/bin/moto_server" ] &&
  [ "$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null)" = "$MOTO_VERSION" ]; then
  echo "$venv"
  exit 0
fi
mkdir -p "$cache"
python=${PYTHON:-$(command -v python3)}
rm -rf "$venv"
"$python" -m venv "$venv" >&2
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==${MOTO_VERSION}" >&2
"$venv/bin/moto_server" --help >/dev/null
echo "$venv"
