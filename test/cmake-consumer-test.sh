#!/usr/bin/env bash
# A user's own CMake project consumes the installed module: cmake --install, then
# find_package(distributed-learning) + target_link_libraries, as the README shows; the program
# built that way (examples/dl-minimal.cc) runs.
set -eu
build="$1"
src="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
mkdir "$tmp/project"
cp "$src/examples/dl-minimal.cc" "$tmp/project/my-sim.cc"
cp "$src/examples/dl-own-algorithm.cc" "$tmp/project/my-algorithm.cc"
cat >"$tmp/project/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.13)
project(my-sim LANGUAGES CXX)
set(CMAKE_CXX_STANDARD 17)
find_package(distributed-learning REQUIRED)
add_executable(my-sim my-sim.cc)
target_link_libraries(my-sim PRIVATE distributed-learning::ns3-distributed-learning)
# An ns-3 module the module does not use itself: the consumer links it (README).
target_link_libraries(my-sim PRIVATE ns3::libflow-monitor)
# A SyncAlgorithm of the consumer's own, installed by its TypeId beside the module's.
add_executable(my-algorithm my-algorithm.cc)
target_link_libraries(my-algorithm PRIVATE distributed-learning::ns3-distributed-learning)
CMAKE
cmake -S "$tmp/project" -B "$tmp/project/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
    -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/project/build" -j "$(nproc)" >/dev/null
"$tmp/project/build/my-sim" --output="$tmp/results.csv" >/dev/null
[ "$(wc -l < "$tmp/results.csv")" -ge 2 ] || { echo "FAIL: the user's program wrote no rows"; exit 1; }
echo "ok: an installed module builds and runs a user's program"
"$tmp/project/build/my-algorithm" --workers=4 >"$tmp/own.out"
grep -q '^ns3::ChordGossipSync ' "$tmp/own.out" && grep -q '^rps ' "$tmp/own.out" ||
    { echo "FAIL: the user's own algorithm did not run beside rps"; cat "$tmp/own.out"; exit 1; }
echo "ok: a user's own SyncAlgorithm, built against the installed module, runs beside rps"
