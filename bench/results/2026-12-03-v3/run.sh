#!/bin/bash
R=${CARGO_TARGET_DIR:-$HOME/.cache/snmp-stream-target}/release
T=127.0.0.1:11700
m() { # label cmd...
  local label=$1; shift
  /usr/bin/time -f "$label %U %S %e" "$@" > /dev/null 2>> /tmp/v3b/times.txt
}
for i in 1 2 3 4 5; do
  m cli-v2c $R/snmp-stream --quiet walk $T -c router --max-repetitions 50 --max-varbinds 50 -t 5 -r 1 -o /tmp/v3b/a.wire 1.3.6.1.2.1
  m cli-v3 $R/snmp-stream --quiet walk $T -v 3 -u alice -l authPriv -a SHA-256 -A authpass123 -x AES -X privpass123 -n router --max-repetitions 50 --max-varbinds 50 -t 5 -r 1 -o /tmp/v3b/b.wire 1.3.6.1.2.1
  m bulk-v2c snmpbulkwalk -v2c -c router -Cr50 -On -t 5 -r 1 $T 1.3.6.1.2.1
  m bulk-v3 snmpbulkwalk -v3 -u alice -l authPriv -a SHA-256 -A authpass123 -x AES -X privpass123 -n router -Cr50 -On -t 5 -r 1 $T 1.3.6.1.2.1
done
