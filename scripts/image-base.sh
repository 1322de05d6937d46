#!/usr/bin/env bash
# Builds the base of the operator's image without a registry or a container engine, and writes it
# as an image tarball (the format `docker save` writes) that Jib takes as `tar://` base:
#   layer 1: the C libraries the Java runtime links to, copied from this machine (glibc, libstdc++,
#            libgcc_s, zlib), glibc's C.UTF-8 locale, /etc/passwd and /etc/group with the user nonroot (65532), /tmp;
#   layer 2: /opt/java, a Java runtime made by jlink from this JDK with only the modules the
#            operator needs ($modules below, found with jdeps; see docs/image.md), with the class
#            data sharing archive of those modules.
# The tarball is cached under ${PORTCULLIS_CACHE:-~/.cache/portcullis}/image-base, keyed by this
# script and the versions of the JDK and the libraries, so that it is built once per machine
# (about a minute); the build copies it to the path given (default target/image-base.tar).
#
# Usage: scripts/image-base.sh [OUT.tar]     (JAVA_HOME: the JDK to take jlink and jmods from)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/image-base.tar}

# What jdeps finds in the operator's classes and libraries, without java.compiler (JOSDK's
# annotation processor, used at compile time only), java.desktop (java.beans, which Jackson and
# SnakeYAML use only when present), plus what is loaded by name at run time: jdk.crypto.ec (TLS
# with elliptic-curve keys and key exchange, which the API server and AWS offer first) and
# jdk.zipfs (zip file systems).
modules=java.base,java.logging,java.management,java.naming,java.net.http,java.security.jgss,java.sql,jdk.crypto.ec,jdk.httpserver,jdk.management,jdk.unsupported,jdk.zipfs

java_home=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
jlink="$java_home/bin/jlink"
if [[ ! -x "$jlink" || ! -d "$java_home/jmods" ]]; then
  echo "image-base: $java_home has no jlink or no jmods/ (a JDK 17 with jmods is needed;" \
    "on Debian: apt-get install openjdk-17-jdk-headless)" >&2
  exit 1
fi
java_version=$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 |
  sed -n 's/^ *java.runtime.version = //p')
case "$java_version" in
  17.*) ;;
  *) echo "image-base: $java_home is Java $java_version; the image's runtime is Java 17" >&2; exit 1 ;;
esac

libs_version=$(dpkg-query -W -f='${Package}=${Version} ' libc6 libc-bin libstdc++6 libgcc-s1 zlib1g 2>/dev/null || true)
key=$( { cat "$0"; echo "$java_home $java_version $libs_version"; } | sha256sum | cut -c1-16)
cache="${PORTCULLIS_CACHE:-$HOME/.cache/portcullis}/image-base/$key"
mkdir -p "$(dirname "$out")"
if [[ -f "$cache/base.tar" ]]; then
  cp "$cache/base.tar" "$out"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sys="$work/sys" jre="$work/jre"
mkdir -p "$sys" "$jre/opt"

"$jlink" --add-modules "$modules" --output "$jre/opt/java" \
  --strip-debug --no-header-files --no-man-pages --compress=2 --generate-cds-archive >/dev/null
# The archive for heaps over 32 GB (no compressed pointers) is of no use to this operator.
rm -f "$jre/opt/java/lib/server/classes_nocoops.jsa"
# Debian's libjvm.so keeps its symbol table: 4 MB the image does not need (strip is binutils').
if command -v strip >/dev/null; then
  strip --strip-unneeded "$jre/opt/java/lib/server/libjvm.so"
fi

# Every library the runtime's programs and libraries link to, at the path the loader finds it.
mapfile -t needed < <(find "$jre/opt/java" -type f \( -name '*.so' -o -perm -u+x \) \
  -exec sh -c 'ldd "$1" 2>/dev/null || true' _ {} \; |
  awk '/libjvm.so => not found/ { next }   # found at run time: java loads it first
       /=> not found/ { print "MISSING " $1; next } /=>/ { print $3; next } /^\t\// { print $1 }' |
  sort -u)
for lib in "${needed[@]}"; do
  case "$lib" in
    MISSING*) echo "image-base: the runtime needs ${lib#MISSING }, which this machine lacks" >&2; exit 1 ;;
    "$jre"/*) ;;                                  # the runtime's own libraries
    /*) mkdir -p "$sys$(dirname "$lib")"; cp -L "$lib" "$sys$lib" ;;
  esac
done

# LANG=C.UTF-8 needs glibc's compiled C.UTF-8 locale: without it Java's file names and standard
# streams fall back to ASCII.
mkdir -p "$sys/usr/lib/locale"
cp -r /usr/lib/locale/C.utf8 "$sys/usr/lib/locale/"
mkdir -p "$sys/etc" "$sys/tmp" "$sys/home/nonroot"
chmod 1777 "$sys/tmp"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' \
  >"$sys/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$sys/etc/group"

# One reproducible layer per folder: sorted, owned by root, dated 1970.
layer() {
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$1" -cf "$work/$2.tar" .
  sha256sum "$work/$2.tar" | cut -d' ' -f1
}
sys_diff=$(layer "$sys" sys)
jre_diff=$(layer "$jre" jre)
mkdir -p "$work/image"
gzip -n -6 -c "$work/sys.tar" >"$work/image/sys.tar.gz"
gzip -n -6 -c "$work/jre.tar" >"$work/image/jre.tar.gz"

cat >"$work/config.json" <<EOF
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"65532:65532","WorkingDir":"/tmp",
  "Env":["PATH=/opt/java/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$sys_diff","sha256:$jre_diff"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"scripts/image-base.sh: C libraries, users"},
            {"created":"1970-01-01T00:00:00Z","created_by":"scripts/image-base.sh: jlink $java_version ($modules)"}]}
EOF
config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_digest.json"
cat >"$work/image/manifest.json" <<EOF
[{"Config":"$config_digest.json","RepoTags":["portcullis-base:$key"],"Layers":["sys.tar.gz","jre.tar.gz"]}]
EOF

mkdir -p "$cache"
partial=$(mktemp "$cache/base.tar.XXXXXX")   # two builds at once each write their own
# Entries named without "./": Jib refuses to extract a tar entry named "./".
(cd "$work/image" && tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  -cf "$partial" -- *)
chmod 644 "$partial"
mv "$partial" "$cache/base.tar"
cp "$cache/base.tar" "$out"
