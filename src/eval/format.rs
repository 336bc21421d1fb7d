//! Numbers in messages, printed for people: cell values exactly as they are, computed
//! values with a long tail (a ratio, 1 / 7) rounded for display and marked 约, and the
//! formats a rule asks for (`{r:%}` → `14.3%`, `{x:.2}`).

use crate::check::ir::NumFormat;
use rust_decimal::{Decimal, RoundingStrategy};

/// Decimals shown before a value is rounded for display.
const MAX_SHOWN: u32 = 6;

/// A number as it is, or rounded to 4 decimals (marked 约) when it has more than 6.
pub fn plain(d: Decimal) -> String {
    let d = d.normalize();
    if d.scale() <= MAX_SHOWN {
        return d.to_string();
    }
    format!("约 {}", d.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero).normalize())
}

/// A number in the format a message hole asks for.
pub fn number(d: Decimal, f: NumFormat) -> String {
    let round = |d: Decimal, dp: u32| d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    match f {
        NumFormat::Plain => plain(d),
        NumFormat::Places(dp) => format!("{:.*}", dp as usize, round(d, dp)),
        NumFormat::Percent(dp) => match d.checked_mul(Decimal::ONE_HUNDRED) {
            Some(p) => format!("{:.*}%", dp as usize, round(p, dp)),
            None => plain(d),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn people_read_short_numbers() {
        let seventh = Decimal::ONE / Decimal::from(7);
        assert_eq!(plain(seventh), "约 0.1429");
        assert_eq!(plain(Decimal::from_str("5949.088667").unwrap()), "5949.088667");
        assert_eq!(plain(Decimal::from_str("5.000").unwrap()), "5");
        assert_eq!(number(seventh, NumFormat::Percent(1)), "14.3%");
        assert_eq!(number(Decimal::from_str("0.5").unwrap(), NumFormat::Percent(0)), "50%");
        assert_eq!(number(seventh, NumFormat::Places(2)), "0.14");
        assert_eq!(number(Decimal::from(3), NumFormat::Places(1)), "3.0");
    }
}
