#!/bin/sh
# Install the Debian/Ubuntu packages named (manim's cairo/pango headers and LaTeX; the tests' OCR), idempotently.
# As root it runs apt-get; otherwise it uses sudo when that works without a password;
# else it prints the exact command to run and fails.
set -eu
missing=""
for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if ! command -v apt-get >/dev/null 2>&1; then
    echo "error: these system packages are missing and apt-get is not available:$missing" >&2
    echo "Install their equivalents with your package manager, then run make again." >&2
    exit 1
fi
if [ "$(id -u)" = 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
else
    echo "error: system packages are missing:$missing" >&2
    echo "Run this as root, then run make again:" >&2
    echo "    apt-get update && $cmd" >&2
    exit 1
fi
echo "Installing system packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends$missing
