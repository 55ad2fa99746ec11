#!/usr/bin/env bash
# Varbinds per second the simulator serves to net-snmp's snmpbulkwalk, and the simulator's own
# CPU time per varbind (from /proc/PID/stat, 10 ms resolution).
#
# usage: bench/simulator-throughput.sh PORTS CLIENTS WALKS_PER_CLIENT
# Each walk is `snmpbulkwalk -v2c -Cr50` of the whole linux-full-walk recording (3,882 varbinds
# plus the endOfMibView line). Needs Debian's `snmp` package.
set -euo pipefail
cd "$(dirname "$0")/.."
PORTS=${1:-1}; CLIENTS=${2:-1}; WALKS=${3:-20}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/snmp-stream-target}"
cargo build -q --release -p snmp-stream-examples --example simulator
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkfifo "$tmp/stdin"
sleep 3600 > "$tmp/stdin" & hold=$!
"$CARGO_TARGET_DIR/release/examples/simulator" "$PORTS" < "$tmp/stdin" > "$tmp/ports" 2> "$tmp/stats" & sim=$!
for _ in $(seq 50); do [ -s "$tmp/ports" ] && [ "$(wc -l < "$tmp/ports")" -ge "$PORTS" ] && break; sleep 0.1; done
mapfile -t ports < "$tmp/ports"
cpu() { awk '{print $14 + $15}' "/proc/$sim/stat"; }
cpu0=$(cpu); t0=$(date +%s.%N)
clients=()
for c in $(seq 0 $((CLIENTS - 1))); do
    port=${ports[$((c % PORTS))]}
    ( for _ in $(seq "$WALKS"); do
          snmpbulkwalk -v2c -c recorded/linux-full-walk -On -Ob -Cr50 -t 2 -r 1 "127.0.0.1:$port" .1
      done | wc -l > "$tmp/lines.$c" ) &
    clients+=($!)
done
wait "${clients[@]}"
t1=$(date +%s.%N); cpu1=$(cpu)
kill "$hold"; wait "$sim" 2>/dev/null || true
lines=$(cat "$tmp"/lines.* | paste -sd+ | bc)
python3 - "$PORTS" "$CLIENTS" "$WALKS" "$lines" "$t0" "$t1" "$cpu0" "$cpu1" <<'PY'
import sys
ports, clients, walks, n = map(int, sys.argv[1:5])
t0, t1, c0, c1 = map(float, sys.argv[5:9])
wall, cpu = t1 - t0, (c1 - c0) / 100
print(f"ports={ports} clients={clients} walks/client={walks} varbinds={n} wall={wall:.2f}s "
      f"varbinds/s={n / wall:,.0f} simulator_cpu={cpu:.2f}s simulator_us/varbind={cpu * 1e6 / n:.2f}")
PY
cat "$tmp/stats"
