#!/usr/bin/env bash
# A/B of `firstspike bench` between two jars, alternating A B A B ... in one session on one
# machine, with the load average before each run. Usage:
#   scripts/bench-ab.sh A.jar B.jar [rounds=2] [out-dir=/tmp/bench-ab] [extra bench args...]
# Each run is `java -jar JAR bench --json --no-single` (one JVM per benchmark, all cores);
# the JSON of each run goes to OUT/<round>-<A|B>.json, and a summary table to stdout.
# Run it from a worktree: the benchmarks read the MNIST subset from ../shared/data/mnist-subset.
set -euo pipefail
a=${1:?jar A}; b=${2:?jar B}; rounds=${3:-2}; out=${4:-/tmp/bench-ab}
shift $(( $# < 4 ? $# : 4 ))
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for side in A B; do
    jar=$a; [ "$side" = B ] && jar=$b
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    echo "round $r $side ($jar) load before: $load" >&2
    java -jar "$jar" bench --json --no-single "$@" > "$out/$r-$side.json"
  done
done
python3 - "$out" "$rounds" <<'PY'
import json, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])
keys = ["yin_yang_epoch_seconds", "mnist16_train_samples_per_s",
        "mnist16_inference_images_per_s", "mnist784_epoch_seconds", "flop_rate_gflops"]
print("run      " + "  ".join(k[:22].rjust(22) for k in keys) + "  load before/after")
for r in range(1, rounds + 1):
    for side in "AB":
        d = json.load(open(os.path.join(out, f"{r}-{side}.json")))
        load = [v for k, v in d.items() if "load" in k]
        print(f"{r}-{side}      " + "  ".join(str(d.get(k, "-"))[:22].rjust(22) for k in keys)
              + "  " + json.dumps(load))
PY
