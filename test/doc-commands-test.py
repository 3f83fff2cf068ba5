#!/usr/bin/python3
"""Every command that README.md and doc/*.rst show runs, at a small scale, every image they
show is a committed file, and every list of the algorithms they spell out is dl-train's table.

    test/doc-commands-test.py BUILD_DIR SOURCE_DIR

Commands are the code spans and literal blocks that start with a program of this project
(scripts/..., build/..., dl-train ...). Each is run with flags or environment that shrink it
(a hundredth of an epoch, a few rounds, a scratch output folder) and must exit 0; or it is on
the list below of commands that another check runs (CI itself, the consumer test), with the
reason. A command in the docs that is neither fails this test: add a rule, or a reason.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

build, src = (os.path.abspath(a) for a in sys.argv[1:3])
tmp = tempfile.mkdtemp(prefix="doc-commands-")
dl_train = os.path.join(build, "dl-train")
COLOCATION_SMALL = ["--workers=4", "--webHosts=4", "--hostsPerLeaf=4", "--spines=2",
                    "--trainSubset=2048", "--testSubset=200", "--epochs=0.25"]
SMALL = ["--epochs=0.01", "--testSubset=200", "--trainSubset=3200", "--progress=false"]
SWEEP = os.path.join(tmp, "sweep")

# Commands another check runs, and which.
ELSEWHERE = [
    (r"^scripts/test( --sanitize)?$", "CI runs it (.ci/run); --sanitize by hand (4.5 min)"),
    (r"^scripts/fuzz", "CI runs scripts/fuzz 30 (.ci/run)"),
    (r"^scripts/test-ns3-tree", "CI runs it on ns-3.48 (.ci/run)"),
    (r"^scripts/test-mpi", "scripts/test-ns3-tree runs it in an MPI-enabled tree (CI)"),
    (r"^([A-Z_]+=\S+ )*scripts/bench-ranks", "needs an MPI dl-train: scripts/test-mpi runs it small"),
    (r"^scripts/dl-train\.sbatch", "scripts/test-mpi runs it through a stand-in srun"),
    (r"^scripts/build( |$)", "every test run builds with it (scripts/test)"),
    (r"^scripts/install-deps", "scripts/test and scripts/run call it"),
    (r"^scripts/lib/", "a module of the study scripts, which the doc test runs"),
    (r"^cmake --install", "test/cmake-consumer-test.sh installs and builds a consumer"),
    (r"^(\./)?(waf|ns3)( |$)", "scripts/test-ns3-tree configures and builds ns-3 trees"),
]


def commands():
    """(file, command) for every command-like code span or literal block line."""
    found = []
    for name in ["README.md"] + sorted(f"doc/{f}" for f in os.listdir(os.path.join(src, "doc"))
                                       if f.endswith(".rst")):
        text = open(os.path.join(src, name)).read()
        spans = []
        if name.endswith(".md"):
            for block in re.findall(r"```sh\n(.*?)```", text, re.S):
                spans += block.replace("\\\n", " ").splitlines()
            text = re.sub(r"```.*?```", "", text, flags=re.S)
            spans += re.findall(r"`([^`]+)`", text)
        else:
            for block in re.findall(r"::\n\n((?:  .*\n|\n)+)", text):
                spans += block.replace("\\\n", " ").splitlines()
            spans += re.findall(r"``(.+?)``", text, re.S)
        for s in spans:
            s = re.sub(r"\s+", " ", s.split("#")[0]).strip()
            if re.match(r"^([A-Z_]+=\S+ )*(scripts/[a-z]|build/[a-z]|dl-train |dl-bench |"
                        r"cmake --install|\./(waf|ns3) )", s):
                found.append((name, s))
    return list(dict.fromkeys(found))


def unplaceholder(cmd):
    """Usage notation to a command: drop [optional parts], FOLDER -> the scratch sweep."""
    cmd = re.sub(r"\s*\[[^\]]*\]", "", cmd)
    return cmd.replace("FOLDER", SWEEP)


def plan(cmd):
    """(argv, env) that runs cmd small, or a string saying where it runs, or None."""
    for pattern, reason in ELSEWHERE:
        if re.search(pattern, cmd):
            return reason
    argv = shlex.split(unplaceholder(cmd))
    env = dict(os.environ)
    while "=" in argv[0] and re.match(r"^[A-Z_]+=", argv[0]):  # VAR=value before the program
        name, value = argv.pop(0).split("=", 1)
        env[name] = value
    prog = argv[0]
    if prog in ("dl-train", "build/dl-train"):
        if len(argv) == 1:
            return None
        return [dl_train] + argv[1:] + SMALL + [f"--output={tmp}/dl-train.csv"], env
    if prog == "build/dl-bench":
        return [os.path.join(build, "dl-bench")] + argv[1:] + ["--seconds=0.02"], env
    if prog == "build/dl-colocation":
        return ([os.path.join(build, "dl-colocation")] + argv[1:] + COLOCATION_SMALL
                + [f"--output={tmp}/colocation-run"], env)
    if prog.startswith("build/"):
        return [os.path.join(build, prog[len("build/"):])] + argv[1:], env
    env["DL_BUILD_DIR"] = build
    script = os.path.join(src, prog)
    if prog == "scripts/run":
        return [script] + argv[1:] + SMALL + [f"--output={tmp}/run.csv"], env
    if prog == "scripts/dl-sweep":
        args = argv[1:]
        if "--out" in args:
            args[args.index("--out") + 1] = SWEEP
        return ([script] + args + ["--dl-train", dl_train, "--epochs", "0.01", "--testSubset",
                                   "200", "--trainSubset", "3200", "--out", SWEEP], env)
    if prog == "scripts/dl-plot":
        args = [SWEEP if a.startswith("results/") else a for a in argv[1:]]
        return [script] + args, env
    if prog == "scripts/reproduce-paper":
        env.update(EPOCHS="1", EXTRA="--trainSubset 1600 --testSubset 200")
        return [script, os.path.join(tmp, "paper-" + env.get("MODEL", "mlp"))], env
    if prog == "scripts/reproduce-colocation":
        env.update(EPOCHS="0.25", LOADS="0.3", SEEDS="1 2",
                   EXTRA=" ".join(a for a in COLOCATION_SMALL if not a.startswith("--epochs")))
        return [script, os.path.join(tmp, "colocation")], env
    if prog == "scripts/reproduce-failures":
        env.update(SEEDS="1", EXTRA="--trainSubset 1600 --testSubset 200")
        return [script, os.path.join(tmp, "failures")], env
    if prog == "scripts/study-penalty":
        env.update(SEEDS="2", ROUNDS="2")
        return [script, os.path.join(tmp, "penalty")], env
    if prog == "scripts/bench-scale":
        env.update(R1="1", R2="2", TOPOLOGIES="star")
        return [script, "4"], env
    if prog == "scripts/study-lr-rule":
        env.update(EPOCHS="0.01")
        return [script, os.path.join(tmp, "lr")], env
    return None


def missing_images():
    """(file, target) for every image the docs show that is not a committed file."""
    missing = []
    tracked = None
    if os.path.isdir(os.path.join(src, ".git")):
        r = subprocess.run(["git", "-C", src, "ls-files"], stdout=subprocess.PIPE, text=True)
        tracked = set(r.stdout.splitlines()) if r.returncode == 0 else None
    docs = ["README.md"] + sorted(f"doc/{f}" for f in os.listdir(os.path.join(src, "doc"))
                                  if f.endswith(".rst"))
    for name in docs:
        text = open(os.path.join(src, name)).read()
        if name.endswith(".md"):
            targets = re.findall(r"!\[[^\]]*\]\(([^)\s]+)", text)
        else:
            targets = re.findall(r"^\s*\.\. (?:image|figure):: *(\S+)", text, re.M)
        for target in targets:
            path = os.path.normpath(os.path.join(os.path.dirname(name), target))
            if not os.path.isfile(os.path.join(src, path)) or (
                    tracked is not None and path not in tracked):
                missing.append((name, path))
    return missing


def algorithm_lists():
    """(file, listed, table) for every --algorithm=a|b|... the docs spell out that differs from
    the table dl-train's help prints (GetSyncAlgorithmAliases)."""
    help_text = subprocess.run([dl_train, "--PrintHelp"], stdout=subprocess.PIPE,
                               text=True).stdout
    line = re.search(r"--algorithm:\s+(.*?) \(or ", help_text)
    table = line.group(1).split(" | ") if line else []
    wrong = [("dl-train --PrintHelp", "", "no --algorithm list")] if not table else []
    for name in ["README.md"] + [f"doc/{f}" for f in os.listdir(os.path.join(src, "doc"))
                                 if f.endswith(".rst")]:
        for listed in re.findall(r"--algorithm=([a-z-]+(?:\|[a-z-]+)+)",
                                 open(os.path.join(src, name)).read()):
            names = listed.split("|")
            if table and set(names) & set(table) and names != table:  # a list of ours
                wrong.append((name, listed, " | ".join(table)))
    return wrong


def rst_errors():
    """(file, message) for every reStructuredText error or warning in doc/*.rst (a malformed
    table, a link to no section), Sphinx's own directives and roles aside."""
    import io
    import docutils.core
    found = []
    for name in sorted(f for f in os.listdir(os.path.join(src, "doc")) if f.endswith(".rst")):
        stream = io.StringIO()
        docutils.core.publish_doctree(
            open(os.path.join(src, "doc", name)).read(),
            settings_overrides={"report_level": 2, "warning_stream": stream})
        for line in stream.getvalue().splitlines():
            if re.search(r"\((WARNING|ERROR|SEVERE)/", line) and not re.search(
                    r"Unknown (directive type|interpreted text role)", line):
                found.append((f"doc/{name}", line))
    return found


def main():
    failed = 0
    for name, message in rst_errors():
        print(f"FAIL: {name}: {message}")
        failed = 1
    for name, listed, table in algorithm_lists():
        print(f"FAIL: {name}: lists the algorithms as {listed}; dl-train's table: {table}")
        failed = 1
    for name, path in missing_images():
        print(f"FAIL: {name}: shows {path}, which is not a committed file")
        failed = 1
    found = commands()
    # Sweeps first: dl-plot draws what they wrote.
    found.sort(key=lambda fc: ("dl-plot" in fc[1], fc))
    for name, cmd in found:
        p = plan(cmd)
        if p is None:
            print(f"FAIL: {name}: no test runs `{cmd}` (add a rule to {sys.argv[0]})")
            failed = 1
        elif isinstance(p, str):
            print(f"elsewhere: {name}: `{cmd}`: {p}")
        else:
            argv, env = p
            r = subprocess.run(argv, env=env, cwd=tmp, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=1200)
            if r.returncode != 0:
                print(f"FAIL: {name}: `{cmd}` exited {r.returncode} as {shlex.join(argv)}:\n"
                      + r.stdout[-2000:])
                failed = 1
            else:
                print(f"ok: {name}: `{cmd}`")
    print(f"{len(found)} commands in the docs")
    shutil.rmtree(tmp, ignore_errors=True)
    return failed


if __name__ == "__main__":
    sys.exit(main())
