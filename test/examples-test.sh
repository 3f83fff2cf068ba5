#!/usr/bin/env bash
# The small examples run with their defaults and write what they say; the README's program is
# (a contiguous part of) examples/dl-minimal.cc, character for character.
set -u
bin="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
rows() { echo $(($(wc -l < "$1") - 1)); }

# The README's C++ block (between ```cpp and ```) must appear verbatim in dl-minimal.cc.
python3 - "$src/README.md" "$src/examples/dl-minimal.cc" <<'PY'
import re, sys
readme, example = (open(p).read() for p in sys.argv[1:3])
blocks = re.findall(r'```cpp\n(.*?)```', readme, re.S)
sys.exit(0 if blocks and all(b in example for b in blocks) else 1)
PY
check "README's program is examples/dl-minimal.cc" "[ \$? -eq 0 ]"

"$bin/dl-minimal" --output="$tmp/minimal.csv" >/dev/null 2>&1
check "dl-minimal runs" "[ \$? -eq 0 ] && [ \$(rows $tmp/minimal.csv) -ge 1 ]"
check "dl-minimal labels its rows" "awk -F, 'NR>1 && !(\$1==\"rps\" && \$2==8 && \$3==0.05 && \$4==1) {bad=1} END {exit bad}' $tmp/minimal.csv"

for net in csma p2p wifi; do
    "$bin/dl-custom-network" --network=$net --output="$tmp/$net.csv" >"$tmp/$net.out" 2>&1
    check "dl-custom-network --network=$net runs" "[ \$? -eq 0 ] && [ \$(rows $tmp/$net.csv) -ge 1 ]"
done
# Wi-Fi loses packets in the channel, not in an error model: the arrival rate shows it.
check "wifi: loss from the channel" "awk -F, 'NR>1 && \$13 < 1 {lossy=1} END {exit !lossy}' $tmp/wifi.csv"
"$bin/dl-custom-network" --network=token-ring >/dev/null 2>"$tmp/bad.err"
check "unknown network: one clear line" "[ \$? -ne 0 ] && [ \$(wc -l < $tmp/bad.err) -eq 1 ]"

# A program's own SyncAlgorithm beside the module's: three runs, one line each.
"$bin/dl-own-algorithm" --workers=4 >"$tmp/own.out" 2>&1
check "dl-own-algorithm: its own algorithm beside rps and gossip" \
    "[ \$? -eq 0 ] && grep -q '^ns3::ChordGossipSync ' $tmp/own.out && grep -q '^rps ' $tmp/own.out"

"$bin/dl-two-jobs" --output="$tmp/two" >"$tmp/two.out" 2>&1
check "dl-two-jobs runs" "[ \$? -eq 0 ] && [ -s $tmp/two/job-a.csv ] && [ -s $tmp/two/job-b.csv ]"
check "dl-two-jobs: two algorithms" "[ \"\$(tail -1 $tmp/two/job-a.csv | cut -d, -f1)\" = rps ] && [ \"\$(tail -1 $tmp/two/job-b.csv | cut -d, -f1)\" = allreduce ]"
check "dl-two-jobs: FlowMonitor saw the flows" "grep -q '<Flow flowId' $tmp/two/flows.xml"
# dl-colocation at a tiny scale: every mode writes its summary; bad input writes none.
tiny=(--workers=4 --webHosts=4 --hostsPerLeaf=4 --spines=2 --trainSubset=2048 --epochs=0.25
      --testSubset=200 --evalEvery=4 --load=0.3 --webDuration=20ms)
summary='mode,load,web_flows,fct_p50_s,fct_p99_s,fct_p99_small_s,learning_arrival_rate,final_train_loss,final_test_accuracy,sim_time_s'
for mode in reliable rps rps-droppable none; do
    "$bin/dl-colocation" "${tiny[@]}" --mode=$mode --output="$tmp/col-$mode" >"$tmp/col-$mode.out" 2>&1
    check "dl-colocation --mode=$mode writes its summary" \
        "[ \$? -eq 0 ] && head -1 $tmp/col-$mode/summary.csv | grep -q '^$summary' && [ \$(rows $tmp/col-$mode/summary.csv) -eq 1 ] && [ \$(rows $tmp/col-$mode/flows.csv) -ge 1 ]"
done
"$bin/dl-colocation" "${tiny[@]}" --mode=rps-droppable --buffer=shared --output="$tmp/col-shared" >"$tmp/col-shared.out" 2>&1
check "dl-colocation --buffer=shared writes its summary, says so" \
    "[ \$? -eq 0 ] && [ \"\$(tail -1 $tmp/col-shared/summary.csv | awk -F, '{print \$NF}')\" = shared ]"
check "dl-colocation: flows.csv counts each flow's timeouts" "head -1 $tmp/col-rps/flows.csv | grep -q ',timeouts\$'"
check "dl-colocation: the job trains beside the web (rps)" "[ \$(rows $tmp/col-rps/training.csv) -ge 1 ]"
check "dl-colocation: same seed, same web flows (rps, rps-droppable)" \
    "[ \"\$(head -3 $tmp/col-rps/flows.csv | cut -d, -f3-8)\" = \"\$(head -3 $tmp/col-rps-droppable/flows.csv | cut -d, -f3-8)\" ]"
printf '1000 0.5\n500 1.0\n' >"$tmp/decreasing.cdf"
printf '1000 0.5\n5000 0.9\n' >"$tmp/short.cdf"
for bad in "--mode=lossless" "--load=1.5" "--load=0" "--flowCdf=$tmp/decreasing.cdf" "--flowCdf=$tmp/short.cdf" "--flowCdf=$tmp/missing.cdf" "--deadline=1ms" \
    "--webDuration=-1s" "--webDuration=0s" "--drain=-1s" "--deadline=-5s" "--threads=-2" \
    "--buffer=deep" "--mode=rps --buffer=shared"; do
    "$bin/dl-colocation" "${tiny[@]}" $bad --output="$tmp/col-bad" >/dev/null 2>"$tmp/col-bad.err"
    check "dl-colocation $bad: one clear line, nothing written" \
        "[ \$? -ne 0 ] && [ \$(wc -l < $tmp/col-bad.err) -eq 1 ] && [ ! -e $tmp/col-bad ]"
done
exit $fail
