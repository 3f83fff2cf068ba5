"""The tables and figures of scripts/reproduce-colocation, from its run folders.

Runs lie in OUT/e<EPOCHS>/s<SEED>/<MODE>-<LOAD>/ (summary.csv, flows.csv, training.csv). For
each training length, load and seed, every mode is compared over the same web flows: those that
arrived before the earliest end of web arrivals among the modes (arrivals are the same in every
mode of a seed, so these are the same flows, by client and flow id). Then, over seeds:

* stalled share: small flows (< 100 KB) with at least one retransmission timeout (data, SYN),
  pooled over seeds, with a 95% Wilson interval; and how many of them also stalled in the web
  traffic alone (the same flow, mode none);
* mean slowdown: mean over seeds, 95% t half-width; p99 slowdown and p99 small-flow FCT: over
  the flows of every seed pooled, with a distribution-free 95% interval from order statistics
  (the p99 is bimodal -- a flow either waits out a timeout or not -- so a t interval over three
  seeds' p99s would be meaningless);
* web packets the queue discs dropped, by place (whole runs, summed over seeds).

Writes colocation.csv and colocation.rst (the printed table), stalls.{png,pdf} and
loss_vs_epoch.{png,pdf}; DL_DOC_FIGURES=DIR also writes small PNG copies there.
"""
import csv
import glob
import math
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlstats import mean_ci, quantile_ci, wilson  # noqa: E402

MODES = ["none", "reliable", "rps", "rps-droppable", "rps-shared"]
COLORS = {"none": "0.6", "reliable": "tab:blue", "rps": "tab:orange",
          "rps-droppable": "tab:green", "rps-shared": "tab:purple"}
PLACES = ["host_nic", "to_host", "up", "down"]


def read_runs(out):
    """{(epochs, load, seed, mode): (summary dict, flows list)} of every finished run."""
    runs = {}
    for path in glob.glob(os.path.join(out, "e*", "s*", "*", "summary.csv")):
        run = os.path.dirname(path)
        mode, load = os.path.basename(run).rsplit("-", 1)
        seed = int(os.path.basename(os.path.dirname(run))[1:])
        epochs = os.path.basename(os.path.dirname(os.path.dirname(run)))[1:]
        with open(path) as f:
            summary = next(csv.DictReader(f))
        with open(os.path.join(run, "flows.csv")) as f:
            flows = list(csv.DictReader(f))
        runs[(epochs, load, seed, mode)] = (summary, flows)
    return runs


def compare(runs, epochs, load, seed, modes):
    """{mode: per-seed figures} over the flows every mode of this seed saw arrive."""
    here = {m: runs[(epochs, load, seed, m)] for m in modes if (epochs, load, seed, m) in runs}
    if not here:
        return {}
    window = min(float(s["web_window_s"]) for s, _ in here.values())
    common = {m: [f for f in flows if float(f["start_s"]) < window]
              for m, (_, flows) in here.items()}

    def stalled(flows):
        return {(f["client"], f["flow"]) for f in flows
                if f["size_class"] == "small" and f["complete"] == "1" and int(f["timeouts"]) > 0}

    alone = stalled(common["none"]) if "none" in common else set()
    result = {}
    for m, flows in common.items():
        done = [f for f in flows if f["complete"] == "1"]
        small = [f for f in done if f["size_class"] == "small"]
        slow = [float(f["slowdown"]) for f in done]
        mine = stalled(flows)
        summary = here[m][0]
        result[m] = {
            "window": window, "flows": len(flows), "incomplete": len(flows) - len(done),
            "small": len(small), "stalled": len(mine), "stalled_alone_too": len(mine & alone),
            "slowdown_mean": statistics.fmean(slow) if slow else math.nan,
            "slowdowns": slow,
            "small_fcts": [float(f["fct_s"]) for f in small],
            "arrival": float(summary["learning_arrival_rate"]),
            "train_loss": float(summary["final_train_loss"]),
            "sim_time": float(summary["sim_time_s"]),
            "drops": [int(summary["web_drops_" + p]) for p in PLACES],
            "learning_drops": int(summary["learning_drops"]),
        }
    return result


def main(out):
    runs = read_runs(out)
    if not runs:
        sys.exit("reproduce-colocation: no run finished")
    lengths = sorted({k[0] for k in runs}, key=float)
    loads = sorted({k[1] for k in runs}, key=float)
    seeds = sorted({k[2] for k in runs})
    modes = [m for m in MODES if any(k[3] == m for k in runs)]
    rows = []
    for epochs in lengths:
        for load in loads:
            per_seed = [compare(runs, epochs, load, s, modes) for s in seeds]
            for m in modes:
                got = [r[m] for r in per_seed if m in r]
                if not got:
                    continue
                k = sum(g["stalled"] for g in got)
                n = sum(g["small"] for g in got)
                share, low, high = wilson(k, n)
                row = {"epochs": epochs, "load": load, "mode": m, "seeds": len(got),
                       "flows": sum(g["flows"] for g in got),
                       "incomplete": sum(g["incomplete"] for g in got), "small_flows": n,
                       "small_stalled": k,
                       "stalled_alone_too": sum(g["stalled_alone_too"] for g in got),
                       "stalled_share": share, "stalled_low": low, "stalled_high": high}
                row["slowdown_mean"], row["slowdown_mean_ci"] = mean_ci(
                    [g["slowdown_mean"] for g in got])
                for key, pooled in (("slowdown_p99", "slowdowns"), ("fct_p99_small", "small_fcts")):
                    row[key], row[key + "_low"], row[key + "_high"] = quantile_ci(
                        [x for g in got for x in g[pooled]], 0.99)
                for key in ("arrival", "train_loss", "sim_time"):
                    row[key] = statistics.fmean(g[key] for g in got)
                for i, p in enumerate(PLACES):
                    row["web_drops_" + p] = sum(g["drops"][i] for g in got)
                row["learning_drops"] = sum(g["learning_drops"] for g in got)
                rows.append(row)
    tmp = os.path.join(out, "colocation.csv.tmp")
    with open(tmp, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, os.path.join(out, "colocation.csv"))
    table = format_table(rows, seeds)
    with open(os.path.join(out, "colocation.rst"), "w") as f:
        f.write(table)
    print(table, end="")
    plot_stalls(out, rows, lengths, loads, modes)
    plot_loss(out, runs, lengths[-1], loads, seeds[0], modes)
    print(f"colocation.csv, colocation.rst and the figures in {out}")


def format_table(rows, seeds):
    columns = [("epochs", 6), ("load", 4), ("mode", 13), ("small", 5), ("stalled", 7),
               ("stalled % (95%)", 17), ("alone", 5), ("slowdown mean", 13),
               ("slowdown p99 (95%)", 18), ("p99 small ms (95%)", 19), ("web drops", 9),
               ("arrival", 7), ("loss", 6)]
    lines = [f"seeds {','.join(map(str, seeds))}; the flows that arrived in every mode's web window "
             "of a seed; slowdown mean +- 95% half-width over seeds; p99s of the seeds' flows "
             "pooled; web drops: whole runs",
             " ".join(f"{name:>{width}}" if i != 2 else f"{name:<{width}}"
                      for i, (name, width) in enumerate(columns))]
    for r in rows:
        cells = [
            r["epochs"], r["load"], r["mode"], str(r["small_flows"]), str(r["small_stalled"]),
            f"{100 * r['stalled_share']:.2f} ({100 * r['stalled_low']:.2f}-"
            f"{100 * r['stalled_high']:.2f})",
            str(r["stalled_alone_too"]),
            f"{r['slowdown_mean']:.2f} +- {r['slowdown_mean_ci']:.2f}",
            f"{r['slowdown_p99']:.1f} ({r['slowdown_p99_low']:.1f}-{r['slowdown_p99_high']:.1f})",
            f"{1e3 * r['fct_p99_small']:.2f} ({1e3 * r['fct_p99_small_low']:.2f}-"
            f"{1e3 * r['fct_p99_small_high']:.2f})",
            str(sum(r["web_drops_" + p] for p in PLACES)),
            "" if math.isnan(r["arrival"]) else f"{r['arrival']:.3f}",
            "" if math.isnan(r["train_loss"]) else f"{r['train_loss']:.3f}"]
        lines.append(" ".join(f"{c:>{w}}" if i != 2 else f"{c:<{w}}"
                              for i, (c, (_, w)) in enumerate(zip(cells, columns))))
    return "\n".join(lines) + "\n"


def plot_stalls(out, rows, lengths, loads, modes):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    groups = [(e, l) for e in lengths for l in loads]
    fig, axes = plt.subplots(1, 2, figsize=(7.2, 2.9))
    width = 0.8 / len(modes)
    for k, m in enumerate(modes):
        xs, share, err, p99, p99err = [], [], [[], []], [], [[], []]
        for i, (e, l) in enumerate(groups):
            r = [r for r in rows if r["epochs"] == e and r["load"] == l and r["mode"] == m]
            if not r:
                continue
            r = r[0]
            xs.append(i + (k - (len(modes) - 1) / 2) * width)
            share.append(100 * r["stalled_share"])
            err[0].append(100 * (r["stalled_share"] - r["stalled_low"]))
            err[1].append(100 * (r["stalled_high"] - r["stalled_share"]))
            p99.append(r["slowdown_p99"])
            p99err[0].append(r["slowdown_p99"] - r["slowdown_p99_low"])
            p99err[1].append(r["slowdown_p99_high"] - r["slowdown_p99"])
        axes[0].bar(xs, share, width, yerr=err, label=m, color=COLORS[m], capsize=2)
        axes[1].bar(xs, p99, width, yerr=p99err, label=m, color=COLORS[m], capsize=2)
    for ax, label in zip(axes, ["small flows stalled (%)", "p99 slowdown"]):
        ax.set_xticks(range(len(groups)))
        ax.set_xticklabels([f"load {l}\n{e} ep" for e, l in groups], fontsize=7)
        ax.set_ylabel(label, fontsize=8)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", ncol=len(modes), fontsize=7, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"stalls.{ext}"), dpi=150)
    doc = os.environ.get("DL_DOC_FIGURES")
    if doc:
        os.makedirs(doc, exist_ok=True)
        fig.savefig(os.path.join(doc, "colocation-stalls.png"), dpi=90)


def plot_loss(out, runs, epochs, loads, seed, modes):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, len(loads), figsize=(3.3 * len(loads), 2.8), squeeze=False)
    for ax, load in zip(axes[0], loads):
        for m in modes:
            key = (epochs, load, seed, m)
            path = os.path.join(out, f"e{epochs}", f"s{seed}", f"{m}-{load}", "training.csv")
            if m == "none" or key not in runs or not os.path.exists(path):
                continue
            with open(path) as f:
                t = list(csv.DictReader(f))
            arrival = float(runs[key][0]["learning_arrival_rate"])
            ax.plot([float(r["epoch"]) for r in t], [float(r["train_loss"]) for r in t], "o-",
                    markersize=3, label=f"{m} (arrival {arrival:.3f})", color=COLORS[m])
        ax.set_xlabel("epoch")
        ax.set_ylabel("training loss")
        ax.set_title(f"web load {load}, seed {seed}", fontsize=9)
        ax.legend(fontsize=6)
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"loss_vs_epoch.{ext}"), dpi=150)
    doc = os.environ.get("DL_DOC_FIGURES")
    if doc:
        fig.savefig(os.path.join(doc, "colocation-loss.png"), dpi=90)


if __name__ == "__main__":
    main(sys.argv[1])
