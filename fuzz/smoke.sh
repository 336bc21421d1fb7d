#!/usr/bin/env bash
# CI's fuzz smoke: build every target (debug, no sanitizer: quick to build; panics, stack
# overflows, timeouts and the memory limit are still caught), seed the corpora from the
# fixtures and run each target for SECONDS (default 10, at most 30). Any crash fails.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-10}
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz build --dev -s none
./seed.sh >/dev/null
for t in $(cargo fuzz list); do
    log=$(mktemp)
    if ! cargo fuzz run --dev -s none "$t" "corpus/$t" -- \
        -max_total_time="$secs" -rss_limit_mb=1024 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
        tail -40 "$log"
        echo "fuzz smoke: $t failed (its input is in fuzz/artifacts/$t/)" >&2
        exit 1
    fi
    echo "fuzz smoke: $t $(grep -o 'number_of_executed_units: [0-9]*' "$log" | grep -o '[0-9]*') runs in ${secs} s, no crash"
    rm -f "$log"
done
