#!/usr/bin/env bash
# The deep fuzz run: each target to RUNS executions (default 10 M) from its seeds, its kept
# corpus and its regressions, without a sanitizer (the code under test has no `unsafe`; ASan
# would only slow it), at a 2 GB RSS limit, one job per target. It runs in chunks of CHUNK
# executions (default 1 M): each whole chunk's count is appended to deep-runs/TARGET.runs
# (executions, date, commit), so a run cut short (a session's end) resumes from the last whole
# chunk. A crash, timeout or out-of-memory leaves its input in artifacts/TARGET/ and stops that
# target. Targets: the arguments, or all five, one after another.
set -euo pipefail
cd "$(dirname "$0")"
runs=${RUNS:-10000000}
chunk=${CHUNK:-1000000}
mkdir -p deep-runs
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_loader column_plan samples_embedder task_parser weights_loader)
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  dirs=("corpus/$target" "seeds/$target")
  case $target in
    weights_loader) regressions=../core/tests/fuzz_regressions ;;
    task_parser) regressions=../trainer/tests/fuzz_regressions ;;
    *) regressions=../core/tests/fuzz_regressions/$target ;;
  esac
  [ -d "$regressions" ] && dirs+=("$regressions")
  tally="deep-runs/$target.runs"
  touch "$tally"
  while :; do
    done_runs=$(awk '{ s += $1 } END { print s + 0 }' "$tally")
    [ "$done_runs" -lt "$runs" ] || break
    log="deep-runs/$(date -u +%Y-%m-%d)-$target.log"
    echo "$target: $done_runs of $runs executions; a chunk of $chunk, log $log"
    cargo +nightly fuzz run -s none -O "$target" "${dirs[@]}" -- \
      -runs="$chunk" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "${n:?no final statistics in $log} $(date -u +%Y-%m-%dT%H:%MZ) $(git rev-parse --short HEAD)" >>"$tally"
  done
  echo "$target: $(awk '{ s += $1 } END { print s + 0 }' "$tally") executions in all"
done
