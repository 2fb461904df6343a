#!/usr/bin/env bash
# Cold start of the openhands CLI: the Native AOT executable against the framework-dependent build, 10 fresh processes
# each for `--help` and for `profiles list` over 20 profiles on a temp home. Every run is counted (none dropped): each is
# a new process; the files are in the page cache after the first. Prints median and p90 in ms (docs/benchmarks.md).
#   tests/OpenHands.Benchmarks/cli-cold-start.sh [aot-executable]      (FDD=path of a built openhands.dll)
# Without an argument it publishes the AOT build first (minutes). Needs clang (or clang-14) for the AOT link.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${RUNS:-10}
out=artifacts/cli-cold-start
aot=${1:-}
if [[ -z "$aot" ]]; then
  linker=clang; command -v clang >/dev/null 2>&1 || linker=clang-14
  dotnet publish src/OpenHands.Cli -c Release -r linux-x64 -p:CppCompilerAndLinker="$linker" -o "$out/aot" --nologo >/dev/null
  aot="$out/aot/openhands"
fi
fdd=${FDD:-}   # a framework-dependent openhands.dll already built, else built here
if [[ -z "$fdd" ]]; then
  dotnet build src/OpenHands.Cli -c Release -o "$out/fdd" --nologo >/dev/null
  fdd="$out/fdd/openhands.dll"
fi

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
for i in $(seq -w 1 20); do
  echo "sk-test-alpha" | "$aot" --home "$home" profiles add "profile-$i" --model openai/gpt-4o-mini --api-key-stdin >/dev/null 2>&1
done

# One figure line: label, median and p90 of $runs runs of the command, in ms.
measure() {
  local label=$1; shift
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    times+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v label="$label" '{ t[NR] = $1 } END {
    m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
    p = t[int(NR * 0.9 + 0.999999)]
    printf "%-32s median %6.1f ms   p90 %6.1f ms   (%d runs)\n", label, m / 1000, p / 1000, NR }'
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
measure "AOT --help" "$aot" --help
measure "AOT profiles list (20)" "$aot" --home "$home" profiles list
# The fallback runs as the tool does: `dotnet openhands.dll` (the build makes no apphost under PublishAot).
measure "framework-dependent --help" dotnet "$fdd" --help
measure "framework-dependent profiles list" dotnet "$fdd" --home "$home" profiles list
