#!/bin/bash
# Run the shared peer benchmark (../../../../shared/peerbench, or PEERBENCH) on Hearth's
# release build. Root, Debian 12. Results: $PB_DIR/results-hearth.jsonl and a table on stdout.
#   tests/bench/peerbench/run.sh [REPS] [K] [--probe] [--catchup] [--split]
# --split: every memory sample is also split per process (memsplit.py:
# "by_process" in the results: the core, the web view, the network process).
# --catchup: instead of the peer workload, the whole-app archive catch-up of
# K one-to-one messages (and 50 per room) that arrived while Hearth was
# closed (catchup.py; results in $PB_DIR/results-catchup.jsonl).
# --probe: the page measures its main-thread stalls (lines "ui probe: ..." in
# $PB_DIR/run/hearth-r*.log); the probe's timer adds CPU, so CPU figures come
# from runs without it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
src=${PEERBENCH:-$repo/../shared/peerbench}
reps=${1:-3}; k=${2:-5000}
probe=; catchup=; measure=pbmeasure.py
for flag in "${@:3}"; do
  case $flag in
    --probe) probe=1 ;;
    --catchup) catchup=1 ;;
    --split) measure=memsplit.py ;;
    *) echo "unknown option $flag" >&2; exit 2 ;;
  esac
done
export PB_DIR=${PB_DIR:-/tmp/peerbench}
mkdir -p "$PB_DIR"
if [ -n "$probe" ]; then touch "$PB_DIR/hearth-ui-probe"; else rm -f "$PB_DIR/hearth-ui-probe"; fi
work=$PB_DIR/src
apt-get -o DPkg::Lock::Timeout=900 install -y -q --no-install-recommends \
  prosody prosody-modules lua-unbound lua-sec lua-dbi-sqlite3 eatmydata \
  xvfb x11-utils x11-apps imagemagick xdotool dbus dbus-x11 tmux sqlite3 openssl \
  dnsmasq-base bind9-dnsutils >/dev/null
[ -x "$PB_DIR/venv/bin/python" ] || { python3 -m venv "$PB_DIR/venv" && "$PB_DIR/venv/bin/pip" -q install slixmpp; }
rm -rf "$work"; cp -r "$src" "$work"; cp "$here/hearth.sh" "$work/clients/hearth.sh"; chmod +x "$work/clients/"*.sh
# PB_NO_BUILD=1 measures the release binary already built (a fat-LTO link
# takes minutes, and rebuilding the page forces one).
if [ -z "${PB_NO_BUILD:-}" ]; then
  (cd "$repo/ui" && npm install --no-audit --no-fund >/dev/null && npm run build >/dev/null)
  (cd "$repo" && cargo build --release --features custom-protocol)
fi
bin=$PB_DIR/hearth-bin; install -m 755 "$repo/target/release/hearth" "$bin"   # readable by uid 65534
cd "$work"
# CPU stolen by other guests of the host inflates every CPU and stall figure:
# report it beside the results (the "steal" column of /proc/stat).
cpu_ticks() { awk '/^cpu /{print $9, $2+$3+$4+$5+$6+$7+$8+$9}' /proc/stat; }
read -r steal0 total0 < <(cpu_ticks)
if [ -n "$catchup" ]; then
  cp "$here/catchup.py" "$work/catchup.py"
  PB_CLIENT_BIN=$bin "$PB_DIR/venv/bin/python" catchup.py --reps "$reps" -k "$k"
  tail -n "$reps" "$PB_DIR/results-catchup.jsonl"
else
  cp "$here/catchup.py" "$here/memsplit.py" "$work/"
  PB_CLIENT_BIN=$bin "$PB_DIR/venv/bin/python" "$measure" --client hearth --reps "$reps" -k "$k" \
    --out "$PB_DIR/results-hearth.jsonl"
  python3 pbreport.py "$PB_DIR/results-hearth.jsonl"
fi
read -r steal1 total1 < <(cpu_ticks)
# The harness leaves its Prosody running; a later run on another PB_DIR
# would find the port taken and fail at the first login.
pkill -f "$PB_DIR/prosody/prosody.cfg.lua" 2>/dev/null || true
steal=$(( 100 * (steal1 - steal0) / (total1 - total0 + 1) ))
echo "CPU steal during the runs: ${steal}% (above a few %, the host was busy: CPU and stall figures are inflated)"
