//! The readings of one glued run: every way to cut its characters into the cells of a row
//! that the form allows — each cell a number of its column's domain, no leading zero but
//! `0` itself, a sign only where the column is signed, a decimal point only inside a
//! decimal cell. Spaces in the run are not boundaries (scrapers put them anywhere).

use crate::report::model::Span;
use crate::template::Domain;
use rust_decimal::Decimal;

/// The characters of a run that can be part of a number, with where each is.
#[derive(Clone, Debug, Default)]
pub struct Run {
    pub chars: Vec<u8>,
    pub spans: Vec<Span>,
}

impl Run {
    /// The run of `text`, printed at `offset` (spaces dropped, each character's place kept).
    /// `None` when it holds anything but digits, `-`, `.` and spaces.
    pub fn new(text: &str, offset: usize) -> Option<Run> {
        let mut run = Run::default();
        for (i, c) in text.char_indices() {
            match c {
                '0'..='9' | '-' | '.' => {
                    run.chars.push(c as u8);
                    run.spans.push(Span::new(offset + i, 1));
                }
                c if crate::report::value::is_space(c) => {}
                _ => return None,
            }
        }
        Some(run)
    }

    /// The number of digits.
    pub fn digits(&self) -> usize {
        self.chars.iter().filter(|c| c.is_ascii_digit()).count()
    }

    /// The text of cut `a..b`, without spaces.
    pub fn text(&self, a: usize, b: usize) -> &str {
        // Only ASCII bytes are kept.
        std::str::from_utf8(&self.chars[a..b]).unwrap_or("")
    }

    /// From the first to the last character of cut `a..b` in the source.
    pub fn span(&self, a: usize, b: usize) -> Span {
        self.spans[a].join(self.spans[b - 1])
    }
}

/// One reading: where each cell ends (exclusive), and the cells' values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    pub ends: Vec<usize>,
    pub values: Vec<Decimal>,
}

impl Reading {
    /// Cell `i` as a range of run characters.
    pub fn cut(&self, i: usize) -> (usize, usize) {
        (if i == 0 { 0 } else { self.ends[i - 1] }, self.ends[i])
    }

    /// `23|0|0|0|0|0|23`.
    pub fn show(&self, run: &Run) -> String {
        (0..self.ends.len()).map(|i| run.text(self.cut(i).0, self.cut(i).1)).collect::<Vec<_>>().join("|")
    }
}

/// The work spent on readings, shared by every run of a table: past it the rest are doubts.
pub struct Budget(pub u64);

/// The run has more readings than can be looked at.
#[derive(Debug, PartialEq, Eq)]
pub struct Exhausted;

/// Every reading of `run` as cells of `domains`, in order of the first cell's length.
pub fn readings(run: &Run, domains: &[Domain], budget: &mut Budget) -> Result<Vec<Reading>, Exhausted> {
    let mut out = Vec::new();
    let mut ends = Vec::with_capacity(domains.len());
    walk(run, domains, 0, &mut ends, &mut out, budget)?;
    Ok(out
        .into_iter()
        .map(|ends: Vec<usize>| {
            let values = (0..ends.len())
                .map(|i| {
                    let a = if i == 0 { 0 } else { ends[i - 1] };
                    run.text(a, ends[i]).parse::<Decimal>().unwrap_or_default()
                })
                .collect();
            Reading { ends, values }
        })
        .collect())
}

/// Readings kept at most for one run; more is a run no identity will settle.
const MAX_READINGS: usize = 4096;

fn walk(run: &Run, domains: &[Domain], start: usize, ends: &mut Vec<usize>, out: &mut Vec<Vec<usize>>, budget: &mut Budget) -> Result<(), Exhausted> {
    let Some((&domain, rest)) = domains.split_first() else {
        return Ok(());
    };
    if rest.is_empty() {
        // The last cell takes what is left.
        budget.0 = budget.0.checked_sub(1).ok_or(Exhausted)?;
        if start < run.chars.len() && matches!(number(&run.chars[start..], domain), Fit::Yes) {
            if out.len() >= MAX_READINGS {
                return Err(Exhausted);
            }
            ends.push(run.chars.len());
            out.push(ends.clone());
            ends.pop();
        }
        return Ok(());
    }
    // Each later cell needs at least one character.
    let last = run.chars.len().saturating_sub(rest.len());
    for end in start + 1..=last {
        budget.0 = budget.0.checked_sub(1).ok_or(Exhausted)?;
        match number(&run.chars[start..end], domain) {
            Fit::Yes => {
                ends.push(end);
                walk(run, rest, end, ends, out, budget)?;
                ends.pop();
            }
            Fit::NotYet => {}
            Fit::Never => break,
        }
    }
    Ok(())
}

enum Fit {
    Yes,
    /// Not a number, but a longer cut may be (`-`, `3.`).
    NotYet,
    /// No longer cut is one either (a leading zero, a second point).
    Never,
}

/// Whether `s` is one cell of `domain`.
fn number(s: &[u8], domain: Domain) -> Fit {
    let (neg, body) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, s),
    };
    if neg && domain != Domain::Signed {
        return Fit::Never;
    }
    if body.is_empty() {
        return Fit::NotYet;
    }
    if body.iter().skip(1).any(|&c| c == b'-') {
        return Fit::Never;
    }
    let points = body.iter().filter(|&&c| c == b'.').count();
    if points > usize::from(domain == Domain::Decimal) || body[0] == b'.' {
        return Fit::Never;
    }
    if body[0] == b'0' && body.len() > 1 && body[1] != b'.' {
        return Fit::Never;
    }
    if neg && body == b"0" {
        return Fit::NotYet;
    }
    if body.last() == Some(&b'.') {
        return Fit::NotYet;
    }
    Fit::Yes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(text: &str, domains: &[Domain]) -> Vec<String> {
        let run = Run::new(text, 0).expect("a run");
        readings(&run, domains, &mut Budget(1_000_000)).expect("within budget").iter().map(|r| r.show(&run)).collect()
    }

    const SEVEN: [Domain; 7] = [Domain::Count; 7];

    #[test]
    fn zeros_are_one_reading() {
        assert_eq!(shown("0000000", &SEVEN), ["0|0|0|0|0|0|0"]);
        assert_eq!(shown("0 0 00 00 0", &SEVEN), ["0|0|0|0|0|0|0"]);
        assert!(shown("000000", &SEVEN).is_empty(), "six digits cannot fill seven cells");
    }

    #[test]
    fn no_leading_zeros_and_spaces_are_not_boundaries() {
        let got = shown("230 000023", &SEVEN);
        assert!(got.contains(&"23|0|0|0|0|0|23".to_string()), "{got:?}");
        assert!(got.iter().all(|r| !r.split('|').any(|c| c.len() > 1 && c.starts_with('0'))), "{got:?}");
        // 2|30|0|0|0|0|23 is a reading by form; only an identity rules it out.
        assert!(got.contains(&"2|30|0|0|0|0|23".to_string()), "{got:?}");
    }

    #[test]
    fn signs_only_in_signed_columns() {
        let d = [Domain::Count, Domain::Signed, Domain::Count];
        assert_eq!(shown("2648-18538", &d), ["2648|-1|8538", "2648|-18|538", "2648|-185|38", "2648|-1853|8"]);
        assert!(shown("2648-18538", &[Domain::Count; 3]).is_empty());
        assert!(shown("1-0", &d).is_empty(), "-0 is no number");
    }

    #[test]
    fn points_only_inside_decimal_cells() {
        assert_eq!(shown("9116.36", &[Domain::Decimal]), ["9116.36"]);
        assert_eq!(shown("0.5", &[Domain::Decimal]), ["0.5"]);
        assert!(shown("9116.36", &[Domain::Count]).is_empty());
        let got = shown("39573802895.90", &[Domain::Count, Domain::Decimal]);
        // 395738|02895.90 has a leading zero.
        assert_eq!(got.len(), 9, "{got:?}");
    }

    #[test]
    fn the_budget_ends_a_long_run() {
        let run = Run::new(&"1".repeat(200), 0).unwrap();
        assert_eq!(readings(&run, &SEVEN, &mut Budget(10_000)), Err(Exhausted));
    }

    #[test]
    fn other_characters_are_no_run() {
        assert!(Run::new("12a3", 0).is_none());
        let run = Run::new("1 2", 5).unwrap();
        assert_eq!(run.span(0, 2), Span::new(5, 3));
    }
}
