#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/, not committed) from the repository's own
# fixtures: reports per form, rule files, template files. DOCX and PDF seeds are made from
# the HTML fixture by seed_docs.py (python3, standard library only). Safe to re-run: files
# are copied by name, nothing is removed.
set -euo pipefail
cd "$(dirname "$0")"
root=..
c=corpus
mkdir -p "$c"/{pipe,html,docx,pdf,markdown,rules,templates}

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
python3 seed_docs.py "$root"/tests/fixtures/html/mouxian_2023.html "$c"
for t in pipe html docx pdf markdown rules templates; do
    echo "$t: $(ls "$c/$t" | wc -l) seeds"
done
