#!/usr/bin/env bash
# dl-train end to end: results format, byte-identical reruns (wall_time_s aside), and one clear
# error line with a non-zero exit for bad input.
set -u
bin="$1"
src="$2" # the source tree: README and doc, whose attribute overrides must all work
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

common=(--dataset=synthetic --trainSubset=512 --testSubset=256 --workers=4 --epochs=2
        --model=mlp --hidden=32 --lossRate=0.05 --seed=5 --progress=false)
"$bin" "${common[@]}" --output="$tmp/a.csv" >"$tmp/a.out" 2>"$tmp/a.err"
check "runs" "[ \$? -eq 0 ]"
# The rerun prints progress: a different heap history must not change a single bit.
"$bin" "${common[@]}" --progress=true --output="$tmp/b.csv" >/dev/null 2>&1
header='algorithm,workers,loss_rate,seed,epoch,round,sim_time_s,train_loss,test_loss,test_accuracy,replica_test_accuracy,consensus_distance,arrival_rate,packets_sent,packets_dropped,wall_time_s,packets_late,global_train_loss,replica_train_loss,sim_compute_s,sim_comm_s,replicas_evaluated,replica_test_accuracy_se,live_workers'
check "seed column is the seed given" "awk -F, 'NR>1 && \$4 != 5 {bad=1} END {exit bad}' $tmp/a.csv"
check "header" "[ \"\$(head -1 $tmp/a.csv)\" = '$header' ]"
check "one row per epoch" "[ \$(wc -l < $tmp/a.csv) -eq 3 ]"
check "same seed, same results" "cmp -s <(cut -d, -f1-15,17- $tmp/a.csv) <(cut -d, -f1-15,17- $tmp/b.csv)"
check "loss shows in arrival rate" "awk -F, 'NR>1 && (\$13 < 0.85 || \$13 > 0.99) {bad=1} END {exit bad}' $tmp/a.csv"
check "says where results are" "grep -q 'results: $tmp/a.csv' $tmp/a.out"
# The trainer's flags are TrainingJob's attributes: the attribute's own name sets the same.
"$bin" "${common[@]/--epochs=2/--ns3::TrainingJob::Epochs=2}" --output="$tmp/attr.csv" >/dev/null 2>&1
check "--ns3::TrainingJob::Epochs is --epochs" "cmp -s <(cut -d, -f1-15,17- $tmp/a.csv) <(cut -d, -f1-15,17- $tmp/attr.csv)"
"$bin" "${common[@]/--epochs=2/--ns3::TrainingJob::Epochs=1}" --output="$tmp/attr1.csv" >/dev/null 2>&1
check "and it is not ignored" "[ \$(wc -l < $tmp/attr1.csv) -eq 2 ]"
# A short flag given wins over the long form, even when it names the attribute's default (3).
"$bin" "${common[@]/--epochs=2/--ns3::TrainingJob::Epochs=1}" --epochs=3 --output="$tmp/attr3.csv" >/dev/null 2>&1
check "a short flag equal to the default still wins" "[ \$(wc -l < $tmp/attr3.csv) -eq 4 ]"
check "the help shows a short flag's default" "\"$bin\" --help 2>&1 | grep -q -- '--epochs:.*\[3\]'"
"$bin" "${common[@]}" --seed=6 --output="$tmp/c.csv" >/dev/null 2>&1
check "other seed, other results" "! cmp -s <(cut -d, -f1-15 $tmp/a.csv) <(cut -d, -f1-15 $tmp/c.csv)"

# Threads: local steps and evaluations run on a pool, every result bit the same for any count.
# A long compute time lets peers' chunks arrive while a step runs (they must wait for it); the
# ring adds arriving chunks into the gradient the step writes; 3 threads oversubscribe 2 cores.
for alg in rps ring-allreduce ps gossip allreduce; do
    for t in 1 3; do
        "$bin" "${common[@]}" --algorithm=$alg --epochs=1 --evalEvery=3 --computeTime=20ms \
            --lossRate=0.1 --threads=$t --output="$tmp/threads-$alg-$t.csv" >/dev/null 2>&1
    done
    check "$alg: 1 and 3 threads, same results" \
        "[ -s $tmp/threads-$alg-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/threads-$alg-1.csv) <(cut -d, -f1-15,17- $tmp/threads-$alg-3.csv)"
done
for t in 1 2; do
    "$bin" --dataset=synthetic --trainSubset=256 --testSubset=64 --workers=4 --epochs=1 \
        --model=cnn --evalEvery=2 --seed=3 --progress=false --threads=$t \
        --output="$tmp/threads-cnn-$t.csv" >/dev/null 2>&1
done
check "cnn: 1 and 2 threads, same results" \
    "[ -s $tmp/threads-cnn-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/threads-cnn-1.csv) <(cut -d, -f1-15,17- $tmp/threads-cnn-2.csv)"

# The canonical order of same-instant events (runs over ranks need it): deterministic too, and
# on a lossy leaf-spine with threads as on one.
for t in 1 2; do
    "$bin" "${common[@]}" --algorithm=rps --topology=leaf-spine --workersPerLeaf=2 --epochs=1 \
        --evalEvery=3 --eventOrder=canonical --threads=$t --output="$tmp/canonical-$t.csv" >/dev/null 2>&1
done
check "canonical event order: runs, 1 and 2 threads the same" \
    "[ -s $tmp/canonical-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/canonical-1.csv) <(cut -d, -f1-15,17- $tmp/canonical-2.csv)"

# The event scheduler (dl-train picks a binary heap; ns-3's default is a map) orders events the
# same way: TCP's re-armed timers and UDP's bursts give the same results under either.
for alg in ring-allreduce rps; do
    for s in ns3::MapScheduler ns3::PriorityQueueScheduler; do
        "$bin" "${common[@]}" --algorithm=$alg --epochs=1 --evalEvery=3 --SchedulerType=$s \
            --output="$tmp/sched-$alg-${s#ns3::}.csv" >/dev/null 2>&1
    done
    check "$alg: map and heap schedulers, same results" \
        "[ -s $tmp/sched-$alg-MapScheduler.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/sched-$alg-MapScheduler.csv) <(cut -d, -f1-15,17- $tmp/sched-$alg-PriorityQueueScheduler.csv)"
done

# col FILE NAME: the column called NAME, one value per row.
col() { awk -F, -v name="$2" 'NR==1 {for (i = 1; i <= NF; i++) if ($i == name) c = i; next} {print $c}' "$1"; }

# Simulated time in its two parts: 5 ms of compute per round (ComputeTime), the rest network.
check "sim_compute_s is rounds x ComputeTime" "paste -d, <(col $tmp/a.csv round) <(col $tmp/a.csv sim_compute_s) | awk -F, '{d = \$2 - \$1 * 0.005; if (d > 1e-9 || d < -1e-9) bad=1} END {exit bad}'"
check "sim_comm_s is the rest" "paste -d, <(col $tmp/a.csv sim_time_s) <(col $tmp/a.csv sim_compute_s) <(col $tmp/a.csv sim_comm_s) | awk -F, '{d = \$1 - \$2 - \$3; if (d > 1e-9 || d < -1e-9 || \$3 <= 0) bad=1} END {exit bad}'"
check "global training loss is a loss" "col $tmp/a.csv global_train_loss | awk '\$1 <= 0 || \$1 > 10 {bad=1} END {exit bad}'"

# Rows at scale (#16): replicas are sampled above ReplicaSample (16 by default), with the
# standard error of the sampled mean; at or below it every replica counts, exactly.
"$bin" "${common[@]}" --workers=24 --epochs=0.5 --output="$tmp/s24.csv" >/dev/null 2>&1
check "24 workers: 16 replicas evaluated, with a standard error" "[ \"\$(col $tmp/s24.csv replicas_evaluated | sort -u)\" = 16 ] && col $tmp/s24.csv replica_test_accuracy_se | awk '\$1 <= 0 || \$1 > 0.1 {bad=1} END {exit bad}'"
"$bin" "${common[@]}" --workers=24 --epochs=0.5 --ns3::RoundMonitor::ReplicaSample=0 --output="$tmp/s24all.csv" >/dev/null 2>&1
check "ReplicaSample=0: every replica, no error" "[ \"\$(col $tmp/s24all.csv replicas_evaluated | sort -u)\" = 24 ] && [ \"\$(col $tmp/s24all.csv replica_test_accuracy_se | sort -u)\" = 0 ]"
check "the sample agrees with the census within 4 standard errors" "paste -d, <(col $tmp/s24.csv replica_test_accuracy) <(col $tmp/s24.csv replica_test_accuracy_se) <(col $tmp/s24all.csv replica_test_accuracy) | awk -F, '{d = \$1 - \$3; if (d < 0) d = -d; if (d > 4 * \$2 + 1e-9) bad=1} END {exit bad}'"
check "4 workers: all evaluated" "[ \"\$(col $tmp/a.csv replicas_evaluated | sort -u)\" = 4 ]"

# The remainder (#15): 1000 samples / 4 workers = 250 = 7 x 32 + 26. Dropped by default: 7
# full rounds per epoch. Kept: 8 rounds, the 8th on 26 samples; a row is never taken right
# after it (rounds 8 and 16 are skipped, and the run gets a 17th round to end on).
rem=(--dataset=synthetic --trainSubset=1000 --testSubset=128 --workers=4 --model=softmax
     --lossRate=0 --seed=2 --progress=false --evalEvery=1)
"$bin" "${rem[@]}" --epochs=2 --output="$tmp/drop.csv" >/dev/null 2>&1
check "remainder dropped: 7 full rounds per epoch" "[ \"\$(col $tmp/drop.csv round | tr '\n' ' ')\" = '1 2 3 4 5 6 7 8 9 10 11 12 13 14 ' ]"
"$bin" "${rem[@]}" --epochs=2 --dropRemainder=false --output="$tmp/keep.csv" >/dev/null 2>&1
check "remainder kept: no row right after a partial round" "[ \"\$(col $tmp/keep.csv round | tr '\n' ' ')\" = '1 2 3 4 5 6 7 9 10 11 12 13 14 15 17 ' ]"

# Built with jemalloc (where it is installed), dl-train's memory is in transparent huge pages.
if ldd "$bin" | grep -q libjemalloc; then
    MALLOC_CONF=stats_print:true "$bin" --dataset=synthetic --trainSubset=64 --testSubset=32 \
        --workers=2 --epochs=1 --output="$tmp/je.csv" >/dev/null 2>"$tmp/je.err"
    check "jemalloc: huge pages for its memory and its own" "grep -q 'opt.thp: \"always\"' $tmp/je.err && grep -q 'opt.metadata_thp: \"always\"' $tmp/je.err"
fi

# A lone worker has no network: its rows say loss rate 0, whatever --lossRate says.
"$bin" --dataset=synthetic --trainSubset=256 --testSubset=128 --algorithm=local --epochs=1 \
    --model=softmax --lossRate=0.3 --progress=true --output="$tmp/local.csv" >/dev/null 2>"$tmp/local.err"
check "local: loss_rate 0" "[ \"\$(col $tmp/local.csv loss_rate | sort -u)\" = 0 ]"
check "local: one replica, global and replica training loss agree" "[ \"\$(col $tmp/local.csv global_train_loss)\" = \"\$(col $tmp/local.csv replica_train_loss)\" ]"
check "default learning rate, 1 worker: 0.01" "grep -q 'no network, learning rate 0.01,' $tmp/local.err"
check "local: one worker, no topology in its line" "grep -q 'local: 1 worker, softmax (' $tmp/local.err"
"$bin" "${common[@]}" --workers=16 --epochs=0.25 --progress=true --output="$tmp/lr.csv" >/dev/null 2>"$tmp/lr.err"
check "default learning rate, 16 workers: 0.04" "grep -q 'learning rate 0.04,' $tmp/lr.err"
check "--version matches CITATION.cff" "[ \"\$($bin --version | sed -E 's/.* ([0-9]+\.[0-9]+\.[0-9]+),.*/\1/')\" = \"\$(sed -n 's/^version: *//p' $src/CITATION.cff)\" ]"

# Under loss a TCP run used to simulate on for hours after its last round (a worker's FIN
# retransmitted forever): the run must end with the training.
timeout 60 "$bin" --dataset=synthetic --trainSubset=1024 --testSubset=256 --workers=6 --epochs=2 \
    --lossRate=0.05 --seed=3 --algorithm=ps --psTransport=tcp --progress=false \
    --output="$tmp/tcp.csv" >/dev/null 2>&1
check "a lossy TCP run ends with its training" "[ \$? -eq 0 ] && [ -s $tmp/tcp.csv ]"

# Every ns-3 attribute override that README.md or doc/ shows works on dl-train's command line.
overrides=$(grep -ohE -- '--ns3::[A-Za-z]+::[A-Za-z]+=[^ `]+' "$src/README.md" "$src"/doc/*.rst | sort -u)
check "README and doc show attribute overrides" "[ -n \"\$overrides\" ]"
for o in $overrides; do
    "$bin" "${common[@]}" --epochs=0.25 "$o" --output="$tmp/o.csv" >/dev/null 2>"$tmp/o.err"
    check "documented override $o" "[ \$? -eq 0 ]"
done

# A k-ary fat-tree (k=4: 16 hosts, 20 switches, up to 6-hop paths) trains, and without loss
# every chunk arrives: per-flow ECMP keeps each flow in order (per-packet ECMP reordered chunks,
# and the block exchange counted an overtaken chunk as lost: arrival 0.917).
"$bin" "${common[@]}" --topology=fat-tree --workers=16 --lossRate=0 --output="$tmp/ft.csv" >/dev/null 2>&1
check "fat-tree runs, every chunk arrives" "[ \$? -eq 0 ] && awk -F, 'NR>1 && \$13 != 1 {bad=1} END {exit bad || NR < 2}' $tmp/ft.csv"
"$bin" "${common[@]}" --topology=fat-tree --workers=16 --lossRate=0 --ns3::FabricRouting::EcmpMode=PerPacket --output="$tmp/ftp.csv" >/dev/null 2>&1
# An algorithm by its TypeId name: the module's RPS so named gives RPS's results, labelled so.
"$bin" "${common[@]}" --algorithm=ns3::RpsSync --output="$tmp/bytype.csv" >/dev/null 2>&1
check "--algorithm=ns3::RpsSync is rps under its TypeId name" "[ \$? -eq 0 ] && cmp -s <(cut -d, -f2-15,17- $tmp/a.csv) <(cut -d, -f2-15,17- $tmp/bytype.csv) && [ \"\$(col $tmp/bytype.csv algorithm | sort -u)\" = ns3::RpsSync ]"

# Congestion drops: a leaf-spine incast without an error model loses packets at switch ports
# without a queue disc (the traffic-control layer drops when the device queue is stopped); they
# are counted (they used to be 0 beside an arrival rate of 0.6).
"$bin" "${common[@]}" --topology=leaf-spine --workers=8 --workersPerLeaf=4 --spines=1 \
    --queueSize=10p --lossRate=0 --epochs=0.5 --hidden=256 --output="$tmp/incast.csv" >/dev/null 2>&1
check "leaf-spine incast: congestion drops counted" "[ \$? -eq 0 ] && awk -F, 'NR>1 {a = \$13; d = \$15} END {exit !(NR > 1 && a < 1 && d > 0)}' $tmp/incast.csv"
check "fat-tree, per-packet ECMP: reordered chunks count as lost" "[ \$? -eq 0 ] && awk -F, 'NR>1 && \$13 < 1 {seen=1} END {exit !seen}' $tmp/ftp.csv"

# Stragglers: a zero delay changes nothing; a tail slows the run in simulated time, with the
# same results for the same seed on 1 and 3 threads.
"$bin" "${common[@]}" --straggler=slow:2:0ms --output="$tmp/slow0.csv" >/dev/null 2>&1
check "--straggler=slow:2:0ms: results as without stragglers" "[ \$? -eq 0 ] && cmp -s <(cut -d, -f1-15,17- $tmp/a.csv) <(cut -d, -f1-15,17- $tmp/slow0.csv)"
for t in 1 3; do
    "$bin" "${common[@]}" --straggler=pareto:1ms:1.5:50ms --threads=$t --output="$tmp/pareto-$t.csv" >/dev/null 2>&1
done
check "--straggler=pareto: slower in simulated time" "awk -F, 'NR == FNR && FNR > 1 {a = \$7} NR != FNR && FNR > 1 {b = \$7} END {exit !(b > a)}' $tmp/a.csv $tmp/pareto-1.csv"
check "--straggler=pareto: 1 and 3 threads, same results" "[ -s $tmp/pareto-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/pareto-1.csv) <(cut -d, -f1-15,17- $tmp/pareto-3.csv)"
# Adaptive phase timeouts: a worker 5 ms late every step is waited for (more units arrive than
# under the fixed rule), with the same results on 1 and 3 threads.
for t in 1 3; do
    "$bin" "${common[@]}" --straggler=slow:1:5ms --ns3::BlockExchangeSync::AdaptiveTimeout=true --threads=$t --output="$tmp/adaptive-$t.csv" >/dev/null 2>&1
done
"$bin" "${common[@]}" --straggler=slow:1:5ms --output="$tmp/fixed-slow.csv" >/dev/null 2>&1
check "AdaptiveTimeout: a slow worker's units arrive" "[ -s $tmp/adaptive-1.csv ] && awk -F, 'NR == FNR && FNR > 1 {a = \$13} NR != FNR && FNR > 1 {b = \$13} END {exit !(b > a + 0.05)}' $tmp/fixed-slow.csv $tmp/adaptive-1.csv"
check "AdaptiveTimeout: 1 and 3 threads, same results" "[ -s $tmp/adaptive-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/adaptive-1.csv) <(cut -d, -f1-15,17- $tmp/adaptive-3.csv)"
# A host's only link down for 10 ms: its units are lost (counted as drops), the same on 1 and 3
# threads.
for t in 1 3; do
    "$bin" "${common[@]}" --fail=link:host1-switch:10ms:20ms --threads=$t --output="$tmp/fail-$t.csv" >/dev/null 2>&1
done
check "--fail: more packets dropped than without it" "awk -F, 'NR == FNR {a = \$15} NR != FNR {b = \$15} END {exit !(b > a + 50)}' $tmp/a.csv $tmp/fail-1.csv"
check "--fail: 1 and 3 threads, same results" "[ -s $tmp/fail-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/fail-1.csv) <(cut -d, -f1-15,17- $tmp/fail-3.csv)"

# A worker crashes at 10 ms and restarts at 25 ms with a copy of worker 3's model: the rows in
# between evaluate 3 live workers, the last all 4; the same on 1 and 3 threads.
for t in 1 3; do
    "$bin" "${common[@]}" --evalEvery=1 --crash=2:10ms:25ms --threads=$t --output="$tmp/crash-$t.csv" >/dev/null 2>&1
done
check "--crash: 3 live workers while one is down, 4 at the end" "[ -s $tmp/crash-1.csv ] && col $tmp/crash-1.csv live_workers | grep -qx 3 && [ \"\$(col $tmp/crash-1.csv live_workers | tail -1)\" = 4 ]"
check "--crash: 1 and 3 threads, same results" "[ -s $tmp/crash-1.csv ] && cmp -s <(cut -d, -f1-15,17- $tmp/crash-1.csv) <(cut -d, -f1-15,17- $tmp/crash-3.csv)"
# A ring member that crashes for good stalls the ring: at the deadline, exit 4 and one line that
# says who it waits for; the rows so far in the ".incomplete" file.
"$bin" "${common[@]}" --algorithm=ring-allreduce --crash=1:10ms --output="$tmp/stall.csv" >/dev/null 2>"$tmp/stall.err"
check "crashed ring member: exit 4" "[ \$? -eq 4 ]"
check "crashed ring member: one line, stalled" "[ \$(wc -l < $tmp/stall.err) -eq 1 ] && grep -q 'stalled: worker 1 crashed at 0.01 s and is still down, ring-allreduce waits for it' $tmp/stall.err"
check "crashed ring member: rows so far marked incomplete" "[ -s $tmp/stall.csv.incomplete ] && [ ! -e $tmp/stall.csv ]"

bad() {
    local name="$1" pattern="$2"; shift 2
    "$bin" "${common[@]}" --output="$tmp/bad.csv" "$@" >"$tmp/bad.out" 2>"$tmp/bad.err"
    local rc=$?
    check "$name: non-zero exit" "[ $rc -ne 0 ]"
    check "$name: one clear line" "[ \$(wc -l < $tmp/bad.err) -eq 1 ] && grep -q -- '$pattern' $tmp/bad.err"
    check "$name: no results file" "[ ! -e $tmp/bad.csv ]"
}
bad "negative loss rate" "the loss rate must lie in \[0, 1), got -0.1" --lossRate=-0.1
bad "Pareto shape 1 without a cap" "has no finite mean" --straggler=pareto:1ms:1
bad "straggler at a negative time" "expected none, exponential" --straggler=exponential:-2ms
bad "unknown straggler" "expected none, exponential" --straggler=weibull:2ms
bad "no slow workers" "expected none, exponential" --straggler=slow:0:5ms
bad "Pareto cap at its minimum" "expected none, exponential" --straggler=pareto:1ms:1.5:1ms
bad "NaN straggler shape" "expected none, exponential" --straggler=lognormal:2ms:nan
bad "failure at a negative time" "times must be ns-3 times of at least 0" --fail=link:host0-switch:-1ms
bad "failure of a node that does not exist" "no node .spine0. in this star" --fail=link:host0-spine0:1ms
bad "failure of a link that does not exist" "no link between host0 and host1" --fail=link:host0-host1:1ms
bad "return before the failure" "it must come back (2ms) after it goes down (5ms)" --fail=switch:switch:5ms:2ms
bad "a host failed as a switch" "host3 is a host, not a switch" --fail=switch:host3:1ms
bad "unknown failure" "expected link:NODE-NODE:DOWN" --fail=router:switch:1ms
bad "negative detection delay" "failDetection must not be negative" --failDetection=-1ms --fail=switch:switch:1ms
bad "crash of a worker that does not exist" "there are 4 workers (0 to 3)" --crash=4:1ms
bad "crash at a negative time" "expected WORKER:DOWN\[:UP\]" --crash=1:-1ms
bad "restart before the crash" "it must restart (UP) after it crashes (DOWN)" --crash=1:5ms:2ms
bad "a ring member restarted" "ring-allreduce cannot take a crashed worker back" --algorithm=ring-allreduce --crash=1:5ms:9ms
bad "unknown algorithm" "^dl-train: error: unknown algorithm .sgd. (expected rps, allreduce" --algorithm=sgd
bad "a TypeId that is no algorithm" "unknown algorithm .ns3::Node." --algorithm=ns3::Node
bad "unknown model" "unknown model" --model=resnet
bad "unknown depth" "unknown model .resnet21. (residual networks: resnet20" --model=resnet21
bad "missing data" "/nonexistent/train-images-idx3-ubyte.gz: no such file" --dataset=fashion-mnist --dataDir=/nonexistent
bad "bad link rate" "invalid --linkRate" --linkRate=fast
# CIFAR-10 with a batch file missing, then with one cut short (3073-byte records).
mkdir -p "$tmp/cifar"
for i in 1 2 3 4; do head -c $((3073 * 2)) /dev/zero > "$tmp/cifar/data_batch_$i.bin"; done
cp "$tmp/cifar/data_batch_1.bin" "$tmp/cifar/test_batch.bin"
bad "cifar: a batch file missing" "data_batch_5.bin" --dataset=cifar10 --dataDir="$tmp/cifar" --model=softmax
head -c 3000 /dev/zero > "$tmp/cifar/data_batch_5.bin"
bad "cifar: a batch file truncated" "data_batch_5.bin: size 3000 is not a whole number of 3073-byte" --dataset=cifar10 --dataDir="$tmp/cifar" --model=softmax
# Text: empty, not UTF-8, shorter than a window; a picture model on text.
: > "$tmp/empty.txt"
printf 'caf\xe9 au lait\n' > "$tmp/latin1.txt"
printf 'a short text\n' > "$tmp/short.txt"
bad "text: empty file" "empty.txt: empty text file" --dataset=text --dataFile="$tmp/empty.txt" --model=lstm
bad "text: not UTF-8" "latin1.txt: not UTF-8 text (invalid byte sequence at offset 3)" --dataset=text --dataFile="$tmp/latin1.txt" --model=lstm
bad "text: window longer than the text" "a sequence length of 64 is too long for its 13 characters" --dataset=text --dataFile="$tmp/short.txt" --model=lstm
bad "text: a picture model" "--model=mlp predicts 1 label(s) per sample" --dataset=text --dataFile="$src/README.md" --model=mlp
bad "bad worker count" "invalid --workers" --workers=many
bad "local with workers" "local trains one worker" --algorithm=local --workers=16
bad "unknown backend" "unknown backend .tpu." --backend=tpu
if ! nvidia-smi >/dev/null 2>&1; then # no GPU here: asking for one is an error, not a fallback
    bad "cuda without a GPU" "backend .cuda." --backend=cuda
fi
bad "one worker for a multi-worker algorithm" "needs at least 2 workers" --algorithm=gossip --workers=1
bad "fat-tree too small" "a 2-ary fat-tree holds 2 hosts, not 4" --topology=fat-tree --fatTreeK=2
bad "not a congestion control" "is not a TCP congestion control" --algorithm=ring-allreduce --tcpVariant=ns3::Node
bad "seed beyond 32 bits" "seed must lie in" --seed=4294967296
bad "seed zero" "seed must lie in" --seed=0
bad "negative seed" "invalid --seed .-1. (a whole number" --seed=-1
bad "empty queues" "switch port queues must hold at least one packet or byte" --queueSize=0p
bad "unknown event order" "unknown --eventOrder .fifo." --eventOrder=fifo
# A negative thread count wrapped to 4 billion threads and a huge one took minutes: both hung.
# The trainer's flags are checked as text first: ns-3's own number parsers abort the program on
# "nan" or trailing text (rc 134, no line of ours), and --epochs=1e300 overflowed the round count.
bad "negative thread count" "invalid --threads .-2. (a whole number of at least 0)" --threads=-2
bad "NaN epochs" "invalid --epochs .nan. (a finite number)" --epochs=nan
bad "epochs with trailing text" "invalid --epochs .2x." --epochs=2x
bad "batch size not a number" "invalid --batchSize .abc." --batchSize=abc
bad "not a boolean" "invalid --augment .maybe. (true or false)" --augment=maybe
# A trainer flag given with no value is given: its empty text is refused, not skipped.
bad "epochs given empty" "invalid --epochs .. (a finite number)" --epochs=
bad "epochs without a value" "invalid --epochs .. (a finite number)" --epochs
bad "epochs beyond 32-bit rounds" "^dl-train: error: --epochs of 1e+300 makes .* rounds; at most" --epochs=1e300
# --workers, when given, wins over the attribute; without it the attribute is checked as the flag.
"$bin" "${common[@]/--workers=4/--ns3::TrainingJob::Workers=0}" --output="$tmp/bad.csv" >/dev/null 2>"$tmp/bad.err"
check "no workers, as the attribute: one line naming the flag" "[ \$? -ne 0 ] && [ \$(wc -l < $tmp/bad.err) -eq 1 ] && grep -q -- '--workers must lie in \[1, 65535\], got 0' $tmp/bad.err && [ ! -e $tmp/bad.csv ]"
bad "huge thread count" "threads must lie in \[0, 256\]" --threads=100000
bad "learning rate -1 (the library's auto)" "invalid --learningRate .-1. (a number of at least 0" --learningRate=-1
bad "library checks speak in flags" "^dl-train: error: --epochs must be positive" --epochs=0
# This build has no MPI: launched as 2 processes (mpirun's variable), it refuses, rather than
# run the whole job twice and write one file from both.
OMPI_COMM_WORLD_SIZE=2 bad "MPI asked of a build without it" "launched as 2 processes, but this dl-train was built without MPI"

# Hostile dataset folders (IDX files written here): one line naming the problem, never results.
idx() { # idx FILE MAGIC DIM... -- write an IDX header and prod(DIM) bytes of data
    python3 - "$@" <<'PY'
import struct, sys
path, magic, dims = sys.argv[1], int(sys.argv[2], 16), [int(d) for d in sys.argv[3:]]
size = 1
for d in dims:
    size *= d
with open(path, "wb") as f:
    f.write(struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims))
    f.write(bytes(i % 10 for i in range(size if size < 1 << 24 else 0)))
PY
}
mkdata() { # mkdata DIR TRAIN_H TEST_H TEST_N
    mkdir -p "$1"
    idx "$1/train-images-idx3-ubyte" 803 64 "$2" "$2"
    idx "$1/train-labels-idx1-ubyte" 801 64
    idx "$1/t10k-images-idx3-ubyte" 803 "$4" "$3" "$3"
    idx "$1/t10k-labels-idx1-ubyte" 801 "$4"
}
mkdata "$tmp/shapes" 28 4 16
bad "test and train shapes differ" "test samples are 1x4x4 but training samples 1x28x28" \
    --dataset=fashion-mnist --dataDir="$tmp/shapes" --workers=2
mkdata "$tmp/empty" 28 28 0
bad "empty test set" "the test set is empty" --dataset=fashion-mnist --dataDir="$tmp/empty" --workers=2
mkdata "$tmp/huge" 28 28 16
idx "$tmp/huge/train-images-idx3-ubyte" 803 4 2147483648 2147483648
bad "IDX sizes that overflow" "promises more data than the file holds" \
    --dataset=fashion-mnist --dataDir="$tmp/huge" --workers=2

# Fewer parameters than workers: the ring passes empty blocks on (it used to abort, "corrupt TCP
# stream": an empty block's header was taken for a malformed one).
mkdata "$tmp/tiny" 1 1 16
"$bin" "${common[@]}" --dataset=fashion-mnist --dataDir="$tmp/tiny" --model=softmax --workers=32 \
    --algorithm=ring-allreduce --epochs=1 --output="$tmp/tiny.csv" >/dev/null 2>"$tmp/tiny.err"
check "ring with fewer parameters than workers" "[ \$? -eq 0 ] && [ -s $tmp/tiny.csv ]"

# A special file as --output is written to, not replaced by a regular file.
if [ "$(id -u)" -eq 0 ] && mknod "$tmp/null" c 1 3 2>/dev/null; then
    "$bin" "${common[@]}" --epochs=0.25 --output="$tmp/null" >/dev/null 2>&1
    check "a device as --output stays a device" "[ \$? -eq 0 ] && [ -c $tmp/null ]"
fi

bad "absurd but finite losses" "training diverged: after round" --learningRate=1e30 --momentum=0 --model=softmax --lossRate=0
# A TCP baseline that cannot finish under heavy loss stops at the deadline: exit 4, one line,
# the rows so far in an ".incomplete" file, no results file.
"$bin" "${common[@]}" --algorithm=ring-allreduce --lossRate=0.9 --ns3::RoundMonitor::Deadline=2s \
    --output="$tmp/late.csv" >/dev/null 2>"$tmp/late.err"
check "deadline: exit 4" "[ \$? -eq 4 ]"
check "deadline: one clear line" "[ \$(wc -l < $tmp/late.err) -eq 1 ] && grep -q 'did not finish by simulated time 2' $tmp/late.err"
check "deadline: partial rows marked incomplete" "[ -f $tmp/late.csv.incomplete ] && [ ! -e $tmp/late.csv ]"

bad "diverging learning rate" "diverged" --learningRate=1e30 --lossRate=0
exit $fail
