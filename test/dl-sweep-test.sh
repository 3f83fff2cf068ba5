#!/usr/bin/env bash
# dl-sweep and dl-plot on a tiny grid: folder and manifest, resume runs nothing, a failing run
# is reported while the others finish, plots are produced, a non-results folder is refused.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$1"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }
out="$tmp/sweep"
grid=(--out "$out" --jobs 2 --dl-train "$bin" --algorithm rps,allreduce --lossRate 0,0.1
      --dataset synthetic --trainSubset 256 --testSubset 128 --workers 2 --epochs 2
      --model mlp --hidden 16 --evalEvery 4)

"$root/scripts/dl-sweep" "${grid[@]}" 2>"$tmp/first.err"
check "first sweep succeeds" "[ $? -eq 0 ]"
check "one CSV per run" "[ \$(ls $out/runs/*.csv | wc -l) -eq 4 ]"
check "named from parameters" "[ -f '$out/runs/algorithm=rps__lossRate=0.1.csv' ]"
check "one log per run" "[ \$(ls $out/logs/*.log | wc -l) -eq 4 ]"
check "manifest records runs" "/usr/bin/python3 -c \"
import json; m = json.load(open('$out/manifest.json'))
r = m['runs']['algorithm=allreduce__lossRate=0']
assert len(m['runs']) == 4 and all(e['status'] == 'ok' for e in m['runs'].values())
assert r['params']['lossRate'] == '0' and r['exit_status'] == 0 and r['revision']
assert '--algorithm=allreduce' in r['command'] and r['start'] and r['end']
assert m['version'].startswith('dl-train (distributed-learning) ')\""

"$root/scripts/dl-sweep" "${grid[@]}" 2>"$tmp/second.err"
check "second sweep runs nothing" "grep -q '4 already done, 0 to run' $tmp/second.err"

# A finished run whose CSV was cut (to its header and one character) is not done: dl-plot says
# so in one line, and the next sweep runs it again.
cp -r "$out" "$tmp/cut"
cut_csv="$tmp/cut/runs/algorithm=rps__lossRate=0.1.csv"
{ head -1 "$cut_csv"; printf 'r'; } >"$tmp/cut.csv" && mv "$tmp/cut.csv" "$cut_csv"
if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
    "$root/scripts/dl-plot" "$tmp/cut" >/dev/null 2>"$tmp/cutplot.err"
    check "dl-plot: a cut CSV is one clear error" "[ \$? -ne 0 ] && grep -q 'not a complete results CSV' $tmp/cutplot.err && ! grep -q Traceback $tmp/cutplot.err"
fi
"$root/scripts/dl-sweep" "${grid[@]}" --out "$tmp/cut" 2>"$tmp/cut.err"
check "a cut CSV is run again" "grep -q '3 already done, 1 to run' $tmp/cut.err && [ \$(wc -l < '$cut_csv') -gt 1 ]"

# A manifest of the wrong type is refused in one line by both tools.
mkdir -p "$tmp/wrong" && echo '[]' >"$tmp/wrong/manifest.json"
"$root/scripts/dl-sweep" "${grid[@]}" --out "$tmp/wrong" >/dev/null 2>"$tmp/wrong.err"
check "dl-sweep: wrong manifest type refused" "[ \$? -ne 0 ] && grep -q 'not a dl-sweep manifest' $tmp/wrong.err && ! grep -q Traceback $tmp/wrong.err"
"$root/scripts/dl-plot" "$tmp/wrong" >/dev/null 2>"$tmp/wrongplot.err"
check "dl-plot: wrong manifest type refused" "[ \$? -ne 0 ] && grep -q 'not a dl-sweep manifest' $tmp/wrongplot.err && ! grep -q Traceback $tmp/wrongplot.err"

# kill -9 of dl-sweep leaves no dl-train running, and while one runs a second on the same folder
# is refused (it would start the same runs and write the same files).
long=(--out "$tmp/killed" --jobs 2 --dl-train "$bin" --algorithm rps,allreduce --dataset synthetic
      --trainSubset 4096 --testSubset 128 --workers 4 --epochs 50 --model mlp --hidden 64)
"$root/scripts/dl-sweep" "${long[@]}" 2>/dev/null &
sweep=$!
sleep 2
"$root/scripts/dl-sweep" "${long[@]}" >/dev/null 2>"$tmp/twice.err"
check "a second dl-sweep on a busy folder is refused" "[ \$? -ne 0 ] && grep -q 'another dl-sweep is running' $tmp/twice.err"
kill -9 $sweep
wait $sweep 2>/dev/null
sleep 1
check "kill -9 leaves no dl-train running" "! pgrep -f -- '--output=$tmp/killed' >/dev/null"

"$root/scripts/dl-sweep" "${grid[@]}" --out "$tmp/bad" --algorithm rps --lossRate 0.1,1.5 \
    2>"$tmp/third.err"
check "failing run: non-zero exit" "[ $? -ne 0 ]"
check "failing run reported with its stderr" "grep -q 'FAILED.*lossRate=1.5' $tmp/third.err && grep -q 'loss rate must lie in' $tmp/third.err"
check "the other run finished" "grep -q '1 ok, 1 failed' $tmp/third.err"
check "failed run leaves no CSV" "[ ! -e '$tmp/bad/runs/lossRate=1.5.csv' ] && [ -e '$tmp/bad/runs/lossRate=0.1.csv' ]"

"$root/scripts/dl-sweep" --out "$tmp/emit" --emit slurm --algorithm rps,allreduce --seed 1,2 \
    --dl-train "$bin" 2>/dev/null
check "slurm array job" "grep -q 'array=1-4' $tmp/emit/sweep.slurm && [ \$(wc -l < $tmp/emit/commands.txt) -eq 4 ]"

if /usr/bin/python3 -c "import matplotlib" 2>/dev/null; then
    # A multi-seed, multi-axis sweep: algorithm x loss rate x two seeds.
    out="$tmp/plot"
    "$root/scripts/dl-sweep" "${grid[@]}" --out "$out" --seed 1,2 2>/dev/null
    "$root/scripts/dl-plot" "$out" >/dev/null 2>"$tmp/plot.err"
    check "dl-plot succeeds" "[ $? -eq 0 ]"
    for f in loss_vs_epoch global_loss_vs_epoch accuracy_vs_time final_loss_vs_drop consensus_vs_epoch; do
        check "$f written (png, pdf, csv)" "[ -s $out/figures/$f.png ] && [ -s $out/figures/$f.pdf ] && [ -s $out/figures/$f.csv ]"
    done
    # What is drawn, checked against the runs: a line per algorithm and loss rate, each the
    # mean over both seeds at every epoch, with a confidence band; no figure left empty.
    check "plotted data: means over seeds, every line drawn" "/usr/bin/python3 - '$out' <<'PY'
import csv, glob, json, os, statistics, sys
out = sys.argv[1]
runs = {}
for path in glob.glob(os.path.join(out, 'runs', '*.csv')):
    rows = list(csv.DictReader(open(path)))
    runs.setdefault((rows[0]['algorithm'], round(float(rows[0]['loss_rate']), 9)), []).append(rows)
fig = lambda name: list(csv.DictReader(open(os.path.join(out, 'figures', name + '.csv'))))
loss = fig('loss_vs_epoch')
lines = {(r['panel'], r['line']) for r in loss}
assert lines == {(a, 'arrival %g%%' % (100 * (1 - p))) for a, p in runs}, lines
for r in loss:
    seeds = runs[(r['panel'], round(1 - float(r['line'].split()[1][:-1]) / 100, 9))]
    values = [float(row['train_loss']) for rows in seeds for row in rows
              if abs(float(row['epoch']) - float(r['x'])) < 1e-9]
    assert int(r['seeds']) == 2 == len(values), (r, values)
    assert abs(float(r['mean']) - statistics.fmean(values)) < 1e-6, (r, values)
    assert float(r['ci_low']) <= float(r['mean']) <= float(r['ci_high'])
    assert float(r['ci_low']) < float(r['ci_high']) or values[0] == values[1]
time = fig('accuracy_vs_time')
assert {r['line'] for r in time} == {'rps', 'allreduce'}, time
assert all(int(r['seeds']) == 2 for r in time)
consensus = fig('consensus_vs_epoch')
assert any(r['panel'] == 'rps' and r['line'] == 'arrival 90%' and float(r['mean']) > 0
           for r in consensus), consensus
final = fig('final_loss_vs_drop')
assert {(r['line'], float(r['x'])) for r in final} == {(a, 100 * p) for a, p in runs}, final
PY"
    # Every swept axis is drawn: workers makes its own lines instead of overwriting runs.
    "$root/scripts/dl-sweep" "${grid[@]}" --out "$tmp/axes" --algorithm rps --lossRate 0.1 \
        --workers 2,4 --seed 1 2>/dev/null
    "$root/scripts/dl-plot" "$tmp/axes" >/dev/null 2>"$tmp/axes.err"
    check "dl-plot: another swept axis is drawn as lines" "[ \$? -eq 0 ] && [ \"\$(cut -d, -f3 $tmp/axes/figures/loss_vs_epoch.csv | sort -u | tr '\n' ' ')\" = 'line workers=2 workers=4 ' ]"
    "$root/scripts/dl-plot" "$tmp" >/dev/null 2>"$tmp/refuse.err"
    check "dl-plot refuses a non-results folder" "[ $? -ne 0 ] && grep -q 'not a dl-sweep results folder' $tmp/refuse.err"
else
    echo "FAIL: python3-matplotlib missing (scripts/install-deps installs it)"; fail=1
fi
exit $fail
