#!/usr/bin/env bash
# Every bad Install stops with a non-zero exit and a message naming the problem; none crashes
# (a signal other than the abort), hangs, or is accepted.
set -u
bin="$1"
fail=0
expect() {
    local case="$1" pattern="$2"
    out=$(timeout 60 "$bin" --case="$case" 2>&1)
    local rc=$?
    if [ $rc -eq 0 ] || [ $rc -eq 124 ] || [ $rc -eq 139 ] || ! grep -q -- "$pattern" <<<"$out"; then
        echo "FAIL: $case (exit $rc): $out"
        fail=1
    else
        echo "ok: $case: $(grep -o -- "msg=\"[^\"]*\"" <<<"$out")"
    fi
}
expect no-ipv4 "has no IPv4"
expect twice "is listed twice"
expect count "3 worker nodes for a job of 4 workers"
expect too-few "needs at least 2 workers"
expect same-port "cannot bind UDP port 9000"
expect ps-no-server "needs a server node"
expect tcp-variant "is not a TCP congestion control"
expect not-an-algorithm "or the TypeId name of a registered SyncAlgorithm subclass"
expect fabric-topology "unknown topology .ring. (expected star, leaf-spine or fat-tree)"
expect fabric-mtu "the MTU must lie in \[100, 65535\] bytes, got 50"
expect loss-rate "the loss rate must lie in \[0, 1), got -0.5"
expect bad-config "TrainingConfig::workers must be at least 1"
exit $fail
