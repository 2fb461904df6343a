#!/usr/bin/env bash
# Makes Debian's Chromium available for the browser tests (Playwright drives it through OPENHANDS_TEST_CHROMIUM).
# Source it; it exports OPENHANDS_TEST_CHROMIUM, or leaves it unset (the browser tests then skip with the reason).
ensure_test_chromium() {
  local path
  path=$(command -v chromium || command -v chromium-browser || true)
  if [[ -z $path && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1 \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } \
      || true
    path=$(command -v chromium || true)
  fi
  if [[ -n $path ]]; then
    export OPENHANDS_TEST_CHROMIUM=$path
    echo "Chromium for the browser tests: $path"
  else
    echo "note: Chromium is not installed and cannot be; the browser tests will be skipped."
  fi
}
