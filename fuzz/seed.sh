#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the repository's own
# fixtures: reports per form, rule files, template files. DOCX and PDF seeds are made from
# the HTML fixture by seed_docs.py (python3, standard library only). Safe to re-run: files
# are copied by name, nothing is removed.
set -euo pipefail
cd "$(dirname "$0")"
root=..
c=corpus
mkdir -p "$c"/{pipe,html,docx,pdf,markdown,rules,templates,review}

cp "$root"/examples/*.txt "$root"/tests/fixtures/pipe/*.txt "$root"/tests/fixtures/check/*.txt \
   "$root"/tests/fixtures/templates/*.txt "$root"/rules/official/cases/*.txt "$c/pipe/"
cp "$root"/tests/fixtures/html/*.html "$c/html/"
cp "$root"/tests/fixtures/markdown/*.md "$c/markdown/"
find "$root"/rules "$root"/tests/rules -name '*.gouji' | while read -r f; do
    cp "$f" "$c/rules/$(echo "${f#"$root"/}" | tr / _)"
done
find "$root"/templates "$root"/tests/templates "$root"/tests/fixtures/templates -name '*.toml' | while read -r f; do
    cp "$f" "$c/templates/$(echo "${f#"$root"/}" | tr / _)"
done
# Review files: one as gouji writes it (an id of example-2023's findings), one by hand.
cat > "$c/review/written.toml" <<'TOML'
# gouji 复核记录
[findings.4705b97c4d404dd3]
status = "忽略"
rule = "t4.block_total"
report = "example-2023.txt"
message = "行政复议：总计 0"
by = "张三"
at = "2026-12-04T10:45:41+08:00"
comment = "口径不同"

[findings.4705b97c4d404dd3.values]
"t4.review.total" = "0"
"t4.review.maintained" = "10"
TOML
printf '[findings.abcdef]\nstatus = "confirmed"\n[findings."x y"]\nstatus = "dismissed"\ncomment = """多行\n原因"""\n' > "$c/review/hand.toml"
python3 seed_docs.py "$root"/tests/fixtures/html/mouxian_2023.html "$c"
for t in pipe html docx pdf markdown rules templates review; do
    echo "$t: $(ls "$c/$t" | wc -l) seeds"
done
