//! The narrative as facts (issue 13, first stage): every number of a section's prose with
//! its unit, span and sentence, read at import. The seed and 淮安 2024 are `#[ignore]`d
//! corpus tests; the fixture ones always run.

mod common;

use gouji::report::facts::Fact;
use gouji::report::Report;
use std::path::Path;

fn fixture(path: &str) -> Report {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    gouji::read(path, &std::fs::read(&full).unwrap(), None).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn facts(r: &Report, section: u8) -> Vec<&Fact> {
    r.sections.iter().filter(|s| s.number == section).flat_map(|s| &s.facts).collect()
}

/// Each fact's span shows its number and unit, inside its sentence, inside its section.
fn assert_spans(r: &Report) -> usize {
    let mut n = 0;
    for s in &r.sections {
        for f in s.facts.iter().filter(|f| f.span_exact) {
            let shown = r.text(f.span);
            assert!(shown.starts_with(&f.raw), "{}: {shown:?} for {:?}", r.path, f.raw);
            assert!(f.unit.is_none_or(|u| shown.ends_with(u)), "{}: {shown:?} unit {:?}", r.path, f.unit);
            assert!(f.sentence.offset <= f.span.offset && f.span.end() <= f.sentence.end(), "{}: {f:?}", r.path);
            assert!(s.span.offset <= f.sentence.offset && f.sentence.end() <= s.span.end(), "{}: {f:?} outside §{}", r.path, s.number);
            n += 1;
        }
    }
    n
}

#[test]
fn prose_numbers_become_facts_with_their_sentences() {
    let r = fixture("tests/fixtures/markdown/mouxian_2022.md");
    let got: Vec<(String, Option<&str>)> = facts(&r, 1).iter().map(|f| (f.value.to_string(), f.unit)).collect();
    let want = [("2022", Some("年")), ("33", Some("件")), ("1", Some("件")), ("32", Some("件"))];
    assert_eq!(got, want.map(|(v, u)| (v.to_string(), u)));
    let received = facts(&r, 1)[1];
    assert!(r.text(received.sentence).contains("共收到政府信息公开申请33件"), "{}", r.text(received.sentence));
    // Table cells are not prose: section 3's facts come from its prose only (it has none).
    assert!(facts(&r, 3).is_empty(), "{:?}", facts(&r, 3));
    assert_spans(&r);
}

#[test]
fn facts_of_every_form_point_at_their_text() {
    for path in ["tests/fixtures/markdown/mouzhen_2020.md", "tests/fixtures/pipe/planted_errors.txt", "tests/fixtures/html/mouxian_2023.html"] {
        let r = fixture(path);
        assert!(assert_spans(&r) > 0, "{path} has facts");
    }
}

#[test]
#[ignore]
fn corpus_seed_says_it_received_five() {
    let path = common::seed();
    let r = gouji::read_file(path.to_str().unwrap(), None).unwrap();
    let before = |f: &Fact| &r.source[f.sentence.offset..f.span.offset];
    let five = facts(&r, 1).into_iter().find(|f| before(f).ends_with("收到依申请公开信息")).expect("the 收到 fact");
    assert_eq!((five.value.to_string(), five.unit), ("5".to_string(), Some("件")));
    assert_spans(&r);
}

#[test]
#[ignore]
fn corpus_008_huaian_states_its_figures() {
    let r = gouji::read_file(common::corpus_file("008_huaian-city_2024.pdf").to_str().unwrap(), None).unwrap();
    let values: Vec<String> = r.sections.iter().flat_map(|s| &s.facts).filter(|f| f.unit == Some("件")).map(|f| f.value.to_string()).collect();
    for want in ["3119", "3050", "103", "351", "46"] {
        assert!(values.iter().any(|v| v == want), "{want} not among {values:?}");
    }
    assert_spans(&r);
}
