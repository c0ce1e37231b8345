#!/bin/sh
# Makes sure a Chromium is there for the browser tests (test/console), from Debian's packages. Never fails the
# test run: where it cannot install (not root, no apt-get, no network), it says so and the browser tests skip.
for candidate in "$CHROMIUM_PATH" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "browser tests: using $candidate"
    exit 0
  fi
done
if ! command -v apt-get >/dev/null 2>&1; then
  echo "browser tests: no Chromium and no apt-get here; set CHROMIUM_PATH to a Chromium to run them"
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
  echo "browser tests: no Chromium, and installing it needs root; run: sudo apt-get install chromium"
  exit 0
fi
echo "browser tests: installing Debian's chromium (about 100 MB, once)"
export DEBIAN_FRONTEND=noninteractive
install() { $SUDO apt-get install -y -q --no-install-recommends chromium >/tmp/install-chromium.log 2>&1; }
if install || { $SUDO apt-get update -q >>/tmp/install-chromium.log 2>&1 && install; }; then
  echo "browser tests: installed $(/usr/bin/chromium --version 2>/dev/null)"
else
  echo "browser tests: could not install chromium (see /tmp/install-chromium.log); they will be skipped"
fi
exit 0
