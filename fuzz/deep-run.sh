#!/usr/bin/env bash
# The deep fuzz run: each target in turn for RUNS executions (default 10 M) from its seeds, its
# kept corpus and its regressions, without a sanitizer (the code under test has no `unsafe`;
# ASan would only slow it), at a 2 GB RSS limit, one job. Each target's final statistics go to
# deep-runs/DATE-TARGET.log; a crash, timeout or out-of-memory leaves its input in artifacts/
# and stops the run. Targets: the arguments, or all five.
set -euo pipefail
cd "$(dirname "$0")"
runs=${RUNS:-10000000}
mkdir -p deep-runs
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_loader column_plan samples_embedder task_parser weights_loader)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  dirs=("corpus/$target" "seeds/$target")
  for r in ../core/tests/fuzz_regressions ../trainer/tests/fuzz_regressions; do
    [ -d "$r/$target" ] && dirs+=("$r/$target")
  done
  log="deep-runs/$(date -u +%Y-%m-%d)-$target.log"
  echo "$target: $runs executions, log $log"
  cargo +nightly fuzz run -s none -O "$target" "${dirs[@]}" -- \
    -runs="$runs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
  grep -E 'stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb' "$log"
done
