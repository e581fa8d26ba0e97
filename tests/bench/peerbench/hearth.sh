#!/bin/bash
# peerbench profile for Hearth (copy to <peerbench>/clients/hearth.sh; see run.sh here).
#   seed HOME  write a demo profile that logs in by itself as alice@localhost / alice on
#              127.0.0.1:$PB_C2S_PORT (STARTTLS; the bench CA is trusted system-wide by the
#              harness, so nothing is pinned)
#   run        exec the release binary (PB_CLIENT_BIN)
set -eu
BIN=${PB_CLIENT_BIN:-/usr/local/bin/hearth}
case "$1" in
seed)
  H=$2
  mkdir -p "$H/.config/hearth"
  cat > "$H/.config/hearth/peerbench.json" <<EOF2
{"jid": "alice@localhost", "password": "alice", "host": "127.0.0.1",
 "port": ${PB_C2S_PORT:-15222}, "certificatePem": "", "autoLogin": true}
EOF2
  ;;
run)
  # With run.sh's --probe, the page logs its longest main-thread stall every
  # 2 s ("ui probe: ..."). Its 10 ms timer costs CPU, so the CPU figures
  # come from runs without it.
  if [ -e "${PB_DIR:-/tmp/peerbench}/hearth-ui-probe" ]; then export HEARTH_UI_PROBE=1; fi
  export RUST_LOG=${RUST_LOG:-info}
  exec "$BIN" --demo "$HOME/.config/hearth/peerbench.json"
  ;;
open) exit 3 ;;
pkg) true ;;
terminal) true ;;
esac
