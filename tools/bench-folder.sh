#!/bin/sh
# The batch benchmark of issue 11: N generated reports (default 100,000) in one folder,
# every issuer with two years (so half the reports are paired and read their previous
# year), checked with `gouji check FOLDER --format json`; throughput and peak memory,
# beside `cat` of the same files. Usage: tools/bench-folder.sh [N] [FORM]
set -eu
n=${1:-100000}
form=${2:-pipe}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${TMPDIR:-/tmp}/gouji-bench-$form-$n
cd "$root"
cargo build --release --quiet
cargo build --release --quiet --example generate
if [ ! -f "$dir/.done" ]; then
  rm -rf "$dir"
  target/release/examples/generate --form "$form" --n "$n" --years 2 --out "$dir"
  touch "$dir/.done"
fi
(cd "$dir" && find . -type f -print0 | xargs -0 cat > /dev/null)  # warm the page cache
t0=$(date +%s.%N)
(cd "$dir" && find . -type f -print0 | xargs -0 cat > /dev/null)
t1=$(date +%s.%N)
/usr/bin/time -f "%e %M %U %S" -o "$dir.time" target/release/gouji check "$dir" --format json --quiet > "$dir.json" || true
read -r secs kb user sys <<EOT
$(tail -n 1 "$dir.time")
EOT
python3 - "$dir.json" "$n" "$secs" "$kb" "$t0" "$t1" "$user" "$sys" <<'PY'
import json, sys
path, n, secs, kb, t0, t1, user, sys_ = sys.argv[1:]
d = json.load(open(path))
s = d["summary"]
reports = d["reports"]
planted = sum(1 for r in reports if "-planted" in r["path"])
found = sum(1 for r in reports if any(f["rule"] == "t4.block_total" for f in r["findings"]))
other = sum(1 for r in reports for f in r["findings"] if f["rule"] != "t4.block_total")
cat = float(t1) - float(t0)
print(f"{n} reports, {s['paired']} paired: {float(secs):.2f} s ({int(n) / float(secs):,.0f} reports/s; cat {cat:.2f} s, {float(secs) / cat:.1f}x), "
      f"user {user} s, sys {sys_} s, peak {int(kb) / 1024:.1f} MiB; planted found {found} / {planted}, other findings {other}")
PY
