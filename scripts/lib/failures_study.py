"""failures_study.py OUT: tables and figures of scripts/reproduce-failures.

Reads the dl-sweep folders under OUT (stragglers, link, crash, each also -adaptive; crash-ring),
writes OUT/failures.csv (one row per run), OUT/failures.rst (the table it prints: per scenario
and setting, mean and 95% interval over seeds of the final replica accuracy, the simulated time
to reach TARGET replica accuracy and to finish, the mean arrival rate) and OUT/failures.png/.pdf.
A run that stopped with the "stalled" error (the ring, once a member crashed) is a result, shown
as such; any other failed run is reported and left out.
"""
import csv
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dlstats import mean_ci, rst_table  # noqa: E402

TARGET = 0.78  # replica test accuracy that every setting reaches without failures
TAILS = [("none", "none"), ("exponential", "exponential"), ("lognormal", "log-normal"),
         ("pareto", "Pareto 1.5")]
SCENARIOS = [("stragglers", "stragglers"), ("link", "spine link down"),
             ("crash", "crash + restart")]
ORDER = ["rps", "rps adaptive", "allreduce", "allreduce adaptive", "ps", "ring-allreduce"]


def tail_label(spec):
    for key, label in TAILS:
        if spec.startswith(key):
            return label
    return spec


def load(out):
    """One dict per run: scenario, setting, seed, status, rows."""
    runs = []
    for folder in sorted(glob.glob(os.path.join(out, "*", "manifest.json"))):
        name = os.path.basename(os.path.dirname(folder))
        base = name.split("-")[0]
        adaptive = name.endswith("-adaptive")
        for run, entry in json.load(open(folder))["runs"].items():
            p = entry["params"]
            setting = p["algorithm"] + (" adaptive" if adaptive else "")
            scenario = dict(SCENARIOS)[base]
            if base == "stragglers":
                scenario = tail_label(p.get("straggler", "none"))
                scenario = "no failure" if scenario == "none" else "stragglers: " + scenario
            path = os.path.join(os.path.dirname(folder), entry["csv"])
            status = entry.get("status")
            if status != "ok":
                log = os.path.join(os.path.dirname(folder), "logs", run + ".log")
                last = open(log).read().strip().splitlines()[-1:] if os.path.exists(log) else []
                if last and "stalled" in last[0]:
                    status = "stalled"
                    path = path + ".incomplete"
                else:
                    print(f"failures_study: {name}/{run} {status}: {' '.join(last)}",
                          file=sys.stderr)
                    continue
            rows = list(csv.DictReader(open(path))) if os.path.exists(path) else []
            runs.append({"scenario": scenario, "setting": setting, "seed": p["seed"],
                         "status": status, "rows": rows})
    return runs


def reach(rows):
    return next((float(r["sim_time_s"]) for r in rows
                 if float(r["replica_test_accuracy"]) >= TARGET), None)


def fmt(values, digits):
    if not values:
        return "--"
    m, h = mean_ci(values)
    return f"{m:.{digits}f} ± {h:.{digits}f}" if len(values) > 1 else f"{m:.{digits}f}"


def summarise(runs):
    groups = {}
    for r in runs:
        groups.setdefault((r["scenario"], r["setting"]), []).append(r)
    order = ["no failure"] + ["stragglers: " + t for _, t in TAILS[1:]] + \
        [label for _, label in SCENARIOS[1:]]
    cells = []
    for (scenario, setting), group in sorted(
            groups.items(), key=lambda kv: (order.index(kv[0][0]), ORDER.index(kv[0][1]))):
        stalled = [g for g in group if g["status"] == "stalled"]
        done = [g for g in group if g["status"] == "ok" and g["rows"]]
        times = [reach(g["rows"]) for g in done]
        reached = [t for t in times if t is not None]
        to_target = fmt(reached, 3)
        if len(reached) < len(group):
            to_target += f" ({len(reached)} of {len(group)})" if reached else "never"
        arrival = [sum(float(x["arrival_rate"]) for x in g["rows"]) / len(g["rows"])
                   for g in done]
        live = min((int(x["live_workers"]) for g in done for x in g["rows"]), default=None)
        if stalled:
            last = max(int(g["rows"][-1]["round"]) if g["rows"] else 0 for g in stalled)
            cells.append([scenario, setting, "stalled", "--", "--", "--", "--",
                          f"stalled ({len(stalled)} of {len(group)}) after round {last}"])
            continue
        cells.append([scenario, setting, str(len(done)),
                      fmt([float(g["rows"][-1]["replica_test_accuracy"]) for g in done], 3),
                      to_target, fmt([float(g["rows"][-1]["sim_time_s"]) for g in done], 3),
                      fmt(arrival, 3), "" if live in (None, 8) else f"{live} live at least"])
    return cells


def table(cells):
    header = ["scenario", "setting", "seeds", "final replica acc.", f"sim s to {TARGET:.0%}",
              "sim s (run)", "arrival", "note"]
    return rst_table(header, cells)


def curve(group):
    """Mean replica accuracy against mean simulated time over seeds, by row."""
    rows = [g["rows"] for g in group if g["rows"]]
    n = min(len(r) for r in rows)
    xs = [sum(float(r[i]["sim_time_s"]) for r in rows) / len(rows) for i in range(n)]
    ys = [[float(r[i]["replica_test_accuracy"]) for r in rows] for i in range(n)]
    return xs, [sum(y) / len(y) for y in ys], [min(y) for y in ys], [max(y) for y in ys]


def plot(runs, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, grid = plt.subplots(2, 2, figsize=(10, 6.6))
    axes = grid.flatten()
    colours = dict(zip(ORDER, ["C0", "C0", "C1", "C1", "C2", "C3"]))
    style = lambda s: "--" if s.endswith("adaptive") else "-"  # noqa: E731
    labels = ["no failure"] + ["stragglers: " + t for _, t in TAILS[1:]]
    for setting in ORDER:
        for ax, metric in ((axes[0], "reach"), (axes[1], "final")):
            xs, ms, hs = [], [], []
            for i, scenario in enumerate(labels):
                group = [r for r in runs if r["scenario"] == scenario
                         and r["setting"] == setting and r["status"] == "ok" and r["rows"]]
                values = [reach(g["rows"]) if metric == "reach"
                          else float(g["rows"][-1]["replica_test_accuracy"]) for g in group]
                values = [v for v in values if v is not None]
                if values:
                    m, h = mean_ci(values)
                    xs.append(i + 0.04 * (ORDER.index(setting) - 2.5))  # apart, readable
                    ms.append(m)
                    hs.append(h)
            if xs:
                ax.errorbar(xs, ms, yerr=hs, color=colours[setting], linestyle=style(setting),
                            marker="o", markersize=3, capsize=2, label=setting)
    axes[0].set_ylabel(f"simulated s to {TARGET:.0%} replica acc.", fontsize=8)
    axes[1].set_ylabel("final replica test accuracy", fontsize=8)
    for ax, title in ((axes[0], "(a) time to accuracy"), (axes[1], "(b) final accuracy")):
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([s.replace("stragglers: ", "") for s in labels], fontsize=8)
        ax.set_title(title + ", stragglers (2 ms mean)", fontsize=9)
    for ax, (_, scenario) in zip(axes[2:], SCENARIOS[1:]):
        for setting in ORDER:
            group = [r for r in runs if r["scenario"] == scenario and r["setting"] == setting]
            if not any(g["rows"] for g in group):
                continue
            xs, ms, lo, hi = curve(group)
            stalled = any(g["status"] == "stalled" for g in group)
            ax.plot(xs, ms, color=colours[setting], linestyle=style(setting),
                    label=setting + (" (stalled)" if stalled else ""))
            ax.fill_between(xs, lo, hi, color=colours[setting], alpha=0.12)
            if stalled:
                ax.plot(xs[-1:], ms[-1:], "x", color=colours[setting], markersize=8)
        ax.axvspan(0.06, 0.18, color="grey", alpha=0.15, lw=0)
        ax.set_title(("(c) " if "link" in scenario else "(d) ") + scenario
                     + ", 60-180 ms (grey)", fontsize=9)
        ax.set_xlabel("simulated time (s)", fontsize=8)
        ax.set_ylabel("replica test accuracy (mean, range)", fontsize=8)
        ax.set_ylim(0.5, 0.85)
    for ax in axes:
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=6)
    axes[3].legend(fontsize=6, loc="lower right")
    fig.tight_layout()
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, "failures." + ext), dpi=90)
    doc = os.environ.get("DL_DOC_FIGURES")
    if doc:
        os.makedirs(doc, exist_ok=True)
        fig.savefig(os.path.join(doc, "failures.png"), dpi=80)


def main():
    out = sys.argv[1]
    runs = load(out)
    if not runs:
        sys.exit(f"failures_study: error: no finished runs under {out}")
    with open(os.path.join(out, "failures.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["scenario", "setting", "seed", "status", "final_replica_accuracy",
                    "sim_time_to_target_s", "sim_time_s"])
        for r in runs:
            last = r["rows"][-1] if r["rows"] else {}
            t = reach(r["rows"])
            w.writerow([r["scenario"], r["setting"], r["seed"], r["status"],
                        last.get("replica_test_accuracy", ""), "" if t is None else t,
                        last.get("sim_time_s", "")])
    text = table(summarise(runs))
    open(os.path.join(out, "failures.rst"), "w").write(text)
    print(text)
    plot(runs, out)


if __name__ == "__main__":
    main()
