#!/bin/sh
# Runs the CUDA kernels of src/main/resources/org/echorec/runtime/op on the CPU through sim.h and
# compares them with ports of the plain Java kernels. Needs g++ (C++17) and a JDK; no GPU.
# Usage: runtime/src/test/cuda-sim/run.sh   (from anywhere)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ops="$here/../../main/resources/org/echorec/runtime/op"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# NVRTC-only syntax the simulator cannot take: dynamic shared memory becomes sim::dynsmem
for cu in "$ops"/*/*.cu; do
    sed 's/extern __shared__ float smem\[\];/float* smem = sim::dynsmem<float>();/' "$cu" > "$work/$(basename "$cu" .cu).inc"
done
sed -e 's/^package .*;//' -e 's/^public final class Philox/final class Philox/' \
    "$here/../../main/java/org/echorec/runtime/op/random/Philox.java" > "$work/Philox.java"
cp "$here/PhiloxValues.java" "$work/"
javac -d "$work" "$work/Philox.java" "$work/PhiloxValues.java"
java -cp "$work" PhiloxValues > "$work/philox.txt"
for t in scan_test kernels_test; do
    g++ -std=c++17 -O1 -ffp-contract=off -w -I"$here" -I"$work" -o "$work/$t" "$here/$t.cpp"
done
"$work/scan_test"
"$work/kernels_test" "$work/philox.txt"
