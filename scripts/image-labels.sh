#!/usr/bin/env bash
# Prints the Maven properties for the image's OCI labels org.opencontainers.image.source and
# .revision, from git: the remote "origin" when it is a URL (without any credentials in it), and
# the commit checked out, with "-dirty" when the work tree has changes. Outside a git clone it
# prints nothing, and the labels say "unknown".
set -euo pipefail
cd "$(dirname "$0")/.."
git rev-parse --git-dir >/dev/null 2>&1 || exit 0
revision=$(git rev-parse HEAD)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then
  revision+="-dirty"
fi
printf -- '-Dimage.revision=%s\n' "$revision"
origin=$(git remote get-url origin 2>/dev/null || true)
if [[ "$origin" == *://* ]]; then
  printf -- '-Dimage.source=%s\n' "$(sed -E 's#://[^/@]*@#://#' <<<"$origin")"
fi
