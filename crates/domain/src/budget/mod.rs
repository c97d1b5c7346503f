//! A cluster's money (经费, DOMAIN.md §4.10): a yearly budget by source and by category, and
//! the rules an expenditure meets before it is approved. Amounts are whole fen (分) in an `i64`,
//! never floating point, so sums and balances are exact.

use serde::{Deserialize, Serialize};

use crate::Problem;

/// Whole fen: 1 yuan = 100.
pub type Fen = i64;

coded_enum! {
    /// What the money is spent on.
    SpendCategory {
        Research => ("research", "教研活动"),
        Training => ("training", "培训"),
        ExchangeAllowance => ("exchange_allowance", "交流补助"),
        SharedEquipment => ("shared_equipment", "设备共享"),
        StudentActivities => ("student_activities", "学生活动"),
        Office => ("office", "办公与会议"),
        Other => ("other", "其他"),
    }
}

coded_enum! {
    /// Where the money comes from.
    Source {
        CountyPerCluster => ("county_per_cluster", "县财政（按学区）"),
        CountyPerSchool => ("county_per_school", "县财政（按成员校）"),
        Other => ("other", "其他来源"),
    }
}

/// How full a category is, in whole per cent of its allotment, at which a warning shows.
pub const WARN_PERCENT: i64 = 80;

/// What an expenditure would do to its category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Spend {
    /// Within the budget; the share of the allotment used afterwards.
    Fine { used_percent: i64 },
    /// Within the budget but past [`WARN_PERCENT`] afterwards.
    Warning { used_percent: i64 },
}

/// Whether `amount` may be spent from a category of `allotted` of which `spent` is approved
/// already: refused past 100 % (the bureau raises the budget first), a warning past 80 %.
pub fn check_spend(allotted: Fen, spent: Fen, amount: Fen) -> Result<Spend, Problem> {
    if amount <= 0 {
        return Err(Problem::OutOfRange { value: yuan(amount), min: "0.01".into(), max: yuan(allotted) });
    }
    let after = spent + amount;
    if after > allotted {
        return Err(Problem::OverBudget { balance: yuan(allotted - spent), amount: yuan(amount) });
    }
    let used_percent = if allotted == 0 { 100 } else { after * 100 / allotted };
    Ok(if used_percent >= WARN_PERCENT { Spend::Warning { used_percent } } else { Spend::Fine { used_percent } })
}

/// Who approves an expenditure: the cluster head always; the bureau too above `bureau_limit`.
pub fn needs_bureau(amount: Fen, bureau_limit: Fen) -> bool {
    amount > bureau_limit
}

/// Fen as yuan with two decimals: `1234567` → `12345.67`.
pub fn yuan(fen: Fen) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", fen.abs() / 100, fen.abs() % 100)
}

/// The most an amount may be: one billion yuan.
pub const MAX_FEN: Fen = 100_000_000_000;

/// An amount as typed, or what is wrong with it in the person's terms: below zero, more than
/// two decimals (分), too large, or not a number at all.
pub fn read_yuan(text: &str) -> Result<Fen, crate::Problem> {
    let value: String = text.trim().chars().take(30).collect();
    if let Some(f) = parse_yuan(text) {
        return if f <= MAX_FEN { Ok(f) } else { Err(crate::Problem::OutOfRange { value, min: "0".into(), max: money(MAX_FEN) }) };
    }
    let t = value.trim_start_matches(['¥', '￥']);
    if let Some(rest) = t.strip_prefix('-').or_else(|| t.strip_prefix('－'))
        && parse_yuan(rest).is_some()
    {
        return Err(crate::Problem::OutOfRange { value, min: "0".into(), max: money(MAX_FEN) });
    }
    if t.split_once('.').is_some_and(|(w, d)| parse_yuan(w).is_some() && d.len() > 2 && d.chars().all(|c| c.is_ascii_digit())) {
        return Err(crate::Problem::TooManyDecimals { value });
    }
    Err(crate::Problem::NotANumber { value })
}

/// Fen as people read an amount on a page or a report: `¥600,000.00`, `-¥12.50`.
pub fn money(fen: Fen) -> String {
    let plain = yuan(fen.abs());
    let (whole, cents) = plain.split_once('.').unwrap_or((&plain, "00"));
    let digits: Vec<char> = whole.chars().collect();
    let mut grouped = String::new();
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(*d);
    }
    format!("{}¥{grouped}.{cents}", if fen < 0 { "-" } else { "" })
}

/// Yuan as typed (`12345.6`, `12,345.67`, `￥300`) to fen, exactly; None when it does not read or
/// has more than two decimals.
pub fn parse_yuan(text: &str) -> Option<Fen> {
    let t: String = text.trim().trim_start_matches(['¥', '￥']).chars().filter(|c| *c != ',' && *c != '，').collect();
    let (whole, part) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || part.len() > 2 || !whole.chars().all(|c| c.is_ascii_digit()) || !part.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let whole: Fen = whole.parse().ok()?;
    let part: Fen = if part.is_empty() { 0 } else { format!("{part:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_warns_at_eighty_and_stops_at_a_hundred_per_cent() {
        let allotted = 5_000_000; // 50,000 yuan
        assert_eq!(check_spend(allotted, 0, 1_000_000), Ok(Spend::Fine { used_percent: 20 }));
        assert_eq!(check_spend(allotted, 3_000_000, 1_000_000), Ok(Spend::Warning { used_percent: 80 }));
        assert_eq!(check_spend(allotted, 4_999_999, 1), Ok(Spend::Warning { used_percent: 100 }));
        assert_eq!(
            check_spend(allotted, 4_999_999, 2),
            Err(Problem::OverBudget { balance: "0.01".into(), amount: "0.02".into() }),
            "one fen too many is refused"
        );
        assert!(check_spend(allotted, 0, 0).is_err() && check_spend(allotted, 0, -5).is_err());
        assert!(needs_bureau(500_001, 500_000) && !needs_bureau(500_000, 500_000));
    }

    #[test]
    fn yuan_read_and_written_exactly() {
        assert_eq!(parse_yuan("12,345.6"), Some(1_234_560));
        assert_eq!(parse_yuan("￥300"), Some(30_000));
        assert_eq!(parse_yuan("0.07"), Some(7));
        for bad in ["", "1.234", "-5", "1e3", "abc", ".5", "99999999999999999999"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
        assert_eq!(yuan(1_234_560), "12345.60");
        assert_eq!(yuan(-7), "-0.07");
        // 0.1 + 0.2 in fen is exactly 0.3.
        assert_eq!(parse_yuan("0.1").unwrap() + parse_yuan("0.2").unwrap(), parse_yuan("0.3").unwrap());
    }
}

#[cfg(test)]
mod money_tests {
    #[test]
    fn amounts_read_with_the_sign_separators_and_fen() {
        assert_eq!(super::money(60_000_000), "¥600,000.00");
        assert_eq!(super::money(99), "¥0.99");
        assert_eq!(super::money(-1250), "-¥12.50");
        assert_eq!(super::money(123_456_789_012), "¥1,234,567,890.12");
        assert_eq!(super::parse_yuan(&super::money(7_000_000)), Some(7_000_000), "what is shown reads back");
    }

    #[test]
    fn a_wrong_amount_says_what_is_wrong() {
        use crate::Problem;
        assert_eq!(super::read_yuan("1,200.5"), Ok(120_050));
        assert!(matches!(super::read_yuan("-50"), Err(Problem::OutOfRange { .. })));
        assert!(matches!(super::read_yuan("12.345"), Err(Problem::TooManyDecimals { .. })));
        assert!(matches!(super::read_yuan("2000000000"), Err(Problem::OutOfRange { .. })));
        assert!(matches!(super::read_yuan("十万"), Err(Problem::NotANumber { .. })));
    }
}
