//! Property tests of the valuation arithmetic: one line's formula, rebasing, and totals.
//! Owns the algebraic laws (bounds, monotonicity, linearity, round trips, sums, order independence).

mod common;

use proptest::prelude::*;
use proptest::test_runner::Config;
use rust_decimal::Decimal;
use social_value::date::Date;
use social_value::project::{
    EvidenceByLine, EvidenceType, Grade, Investment, Organisation, OutcomeLine, OutcomeRows,
    Period, Project, Stories,
};
use social_value::toolkit::{parse, Adjustments, Toolkit};
use social_value::value::formula::{value_line, LineValue};
use social_value::value::{from_graded_inputs, from_inputs, Valuation};
use std::collections::BTreeMap;
use std::path::Path;

/// 1,000 cases for every property (the minimum); no regression files are written, so a
/// run never leaves files in the worktree (a failure prints its minimal input instead).
fn config() -> Config {
    Config {
        cases: 1000,
        failure_persistence: None,
        ..Config::default()
    }
}

/// A Decimal between `lo` and `hi` (given in units of 10^-dp), sometimes with trailing zeros
/// dropped, so scales vary as they would in files.
fn dec(lo: i64, hi: i64, dp: u32) -> impl Strategy<Value = Decimal> {
    (lo..=hi, any::<bool>()).prop_map(move |(m, tidy)| {
        let d = Decimal::new(m, dp);
        if tidy {
            d.normalize()
        } else {
            d
        }
    })
}

/// Quantities 0..=1,000,000 with up to 2 decimals.
fn quantity() -> impl Strategy<Value = Decimal> {
    dec(0, 100_000_000, 2)
}

/// Unit values -£10,000..=£100,000 with up to 2 decimals.
fn unit_value() -> impl Strategy<Value = Decimal> {
    dec(-1_000_000, 10_000_000, 2)
}

/// Fractions 0..=1 with up to 4 decimals, with the end points drawn often.
fn fraction() -> impl Strategy<Value = Decimal> {
    prop_oneof![1 => Just(Decimal::ZERO), 1 => Just(Decimal::ONE), 8 => dec(0, 10_000, 4)]
}

/// Discount rates 0..=0.1 with up to 4 decimals.
fn rate() -> impl Strategy<Value = Decimal> {
    dec(0, 1_000, 4)
}

fn adjustments() -> impl Strategy<Value = Adjustments> {
    (fraction(), fraction(), fraction(), fraction(), 1u32..=30).prop_map(
        |(deadweight, attribution, displacement, drop_off, duration)| Adjustments {
            deadweight,
            attribution,
            displacement,
            drop_off,
            duration,
        },
    )
}

/// A fraction and a second one at least as large.
fn raised() -> impl Strategy<Value = (Decimal, Decimal)> {
    (fraction(), fraction()).prop_map(|(a, b)| if a <= b { (a, b) } else { (b, a) })
}

fn value(q: Decimal, v: Decimal, adj: &Adjustments, r: Decimal, first: bool) -> LineValue {
    value_line(q, v, adj, r, first).expect("realistic inputs never overflow")
}

fn sum(values: impl IntoIterator<Item = Decimal>) -> Decimal {
    values.into_iter().fold(Decimal::ZERO, |a, b| a + b)
}

/// The shared test toolkit (tests/common/mod.rs).
fn test_kit() -> Toolkit {
    parse(common::TOOLKIT, Path::new("test-kit.toml")).unwrap_or_else(|p| panic!("{p}"))
}

/// Its valued proxies: a benefit, a rebased fiscal saving and a harm (negative value).
const PROXIES: [&str; 3] = ["outcome.big", "health.ae-attendance", "harm.complaint"];

/// Where a row's outcome arose: the organisation's own place (none given), or another.
const PLACES: [Option<&str>; 3] = [None, Some("E08000001"), Some("E08000003")];

fn outcome_lines() -> impl Strategy<Value = Vec<OutcomeLine>> {
    prop::collection::vec(
        (0..PROXIES.len(), quantity(), adjustments(), 0..PLACES.len()),
        1..=8,
    )
    .prop_map(|rows| {
        rows.into_iter()
            .enumerate()
            .map(|(i, (p, quantity, adjustments, place))| OutcomeLine {
                line: i as u64 + 2,
                proxy: PROXIES[p].to_string(),
                quantity,
                adjustments,
                overridden: Vec::new(),
                reason: None,
                note: None,
                partnership: None,
                place: PLACES[place].map(str::to_string),
                quantity_range: None,
                overlap_reason: None,
            })
            .collect()
    })
}

fn investments() -> impl Strategy<Value = Vec<Investment>> {
    prop::collection::vec((dec(0, 100_000_000, 2), any::<bool>()), 0..=3).prop_map(|v| {
        v.into_iter()
            .map(|(amount, in_kind)| Investment {
                source: "Grant".into(),
                amount,
                in_kind,
            })
            .collect()
    })
}

fn valuation(tk: &Toolkit, investments: &[Investment], lines: Vec<OutcomeLine>) -> Valuation {
    let project = Project::from_parts(
        Path::new("project.toml"),
        &tk.id,
        Organisation {
            name: "Test Org".into(),
            id: "GB-TEST-1".into(),
            place: Some("E08000010".into()),
        },
        Period {
            start: Date::new(2024, 4, 1).unwrap(),
            end: Date::new(2025, 3, 31).unwrap(),
        },
        investments.to_vec(),
        None,
        None,
    );
    let rows = OutcomeRows {
        lines,
        ..OutcomeRows::default()
    };
    from_inputs(&project, tk, None, rows, Stories::default()).unwrap_or_else(|p| panic!("{p}"))
}

/// A toolkit text with just a header and a price index (no proxies are needed to rebase).
fn index_toolkit(price_year: i32, index: &[(i32, Decimal)]) -> String {
    let mut t = format!(
        "[toolkit]\nformat_version = 2\nid = \"gen\"\nversion = \"1\"\ntitle = \"Generated\"\ncurrency = \"GBP\"\n\
         price_year = {price_year}\ndiscount_rate = 0.035\ndiscount_first_year = false\n\n\
         [price_index]\n"
    );
    for (year, v) in index {
        t.push_str(&format!("{year} = {v}\n"));
    }
    t
}

/// Exactly equal: each year's present value is held to 12 places (value::formula::PV_PLACES),
/// so sums of lines are exact in any order or grouping.
fn same(a: Decimal, b: Decimal, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(a, b, "{}", what);
    Ok(())
}

/// Two breakdowns with the same keys and equal values.
fn same_maps<K: Ord>(
    a: &BTreeMap<K, Decimal>,
    b: &BTreeMap<K, Decimal>,
    what: &str,
) -> Result<(), TestCaseError> {
    prop_assert!(a.keys().eq(b.keys()), "{what}: different keys");
    a.iter()
        .zip(b.values())
        .try_for_each(|((_, x), y)| same(*x, *y, what))
}

proptest! {
    #![proptest_config(config())]

    /// 1,000 cases. Discounting divides by (1 + r)^e >= 1, so no year is worth more than its
    /// undiscounted impact; harms (negative unit values, drawn half the time) are bounded the
    /// other way. The years' present values add up to the line's exactly.
    #[test]
    fn present_value_never_exceeds_the_undiscounted_sum(
        q in quantity(), v in prop_oneof![dec(-1_000_000, -1, 2), dec(0, 10_000_000, 2)],
        adj in adjustments(), r in rate(), first in any::<bool>(),
    ) {
        let lv = value(q, v, &adj, r, first);
        // Undiscounted impacts: impact_year1 × (1 − drop_off)^(year − 1), year by year.
        let keep = Decimal::ONE - adj.drop_off;
        let mut impact = lv.impact_year1;
        let mut undiscounted = Vec::new();
        for year in 1..=adj.duration {
            if year > 1 {
                impact *= keep;
            }
            undiscounted.push(impact);
        }
        let years: Vec<Decimal> = lv.years.iter().map(|y| y.impact).collect();
        prop_assert_eq!(&years, &undiscounted);
        let undiscounted = sum(undiscounted);
        if v >= Decimal::ZERO {
            prop_assert!(lv.present_value <= undiscounted, "{} > {}", lv.present_value, undiscounted);
            prop_assert!(lv.present_value >= Decimal::ZERO);
        } else {
            prop_assert!(lv.present_value >= undiscounted, "{} < {}", lv.present_value, undiscounted);
            prop_assert!(lv.present_value <= Decimal::ZERO);
        }
        prop_assert_eq!(lv.present_value, sum(lv.years.iter().map(|y| y.present_value)));
    }

    /// 1,000 cases. Raising any one of the four adjustments (others fixed) never raises the
    /// present value of a benefit; each is checked on the same generated line.
    #[test]
    fn raising_an_adjustment_never_raises_value(
        q in quantity(), v in dec(0, 10_000_000, 2), adj in adjustments(), r in rate(),
        first in any::<bool>(), (low, high) in raised(),
    ) {
        type Set = fn(&mut Adjustments, Decimal);
        let setters: [(&str, Set); 4] = [
            ("deadweight", |a, x| a.deadweight = x),
            ("attribution", |a, x| a.attribution = x),
            ("displacement", |a, x| a.displacement = x),
            ("drop_off", |a, x| a.drop_off = x),
        ];
        for (name, set) in setters {
            let (mut before, mut after) = (adj, adj);
            set(&mut before, low);
            set(&mut after, high);
            let pv_before = value(q, v, &before, r, first).present_value;
            let pv_after = value(q, v, &after, r, first).present_value;
            prop_assert!(pv_after <= pv_before, "{name} {low} -> {high}: {pv_before} -> {pv_after}");
        }
    }

    /// 1,000 cases. Gross and year-1 impact scale exactly with quantity (they carry at most 16
    /// decimals; even k × q near 10^8 at £100,000 stays exact). The present value scales to
    /// within the cut each year's figure gets (value::formula::PV_PLACES: toward zero at 12
    /// places, so each year errs by under 10^-12): k × (cut figure) and the cut of (k × figure)
    /// differ by under (k + 1) × 10^-12 a year. Tolerance: exactly that, and at most £0.01
    /// apart to the penny, tighter than the k × £0.01 the issue allows.
    #[test]
    fn value_is_linear_in_quantity(
        q in quantity(), v in unit_value(), adj in adjustments(), r in rate(),
        first in any::<bool>(), k in 1i64..=100,
    ) {
        let k = Decimal::from(k);
        let one = value(q, v, &adj, r, first);
        let many = value(k * q, v, &adj, r, first);
        prop_assert_eq!(many.gross, k * one.gross);
        prop_assert_eq!(many.impact_year1, k * one.impact_year1);
        let scaled = k * one.present_value;
        if many.present_value != scaled {
            let diff = (many.present_value - scaled).abs();
            let years = Decimal::from(adj.duration.max(1));
            let bound = (k + Decimal::ONE) * years * Decimal::new(1, 12);
            prop_assert!(diff < bound, "{} vs {}", many.present_value, scaled);
            let pennies = (many.present_value.round_dp(2) - scaled.round_dp(2)).abs();
            prop_assert!(pennies <= Decimal::new(1, 2));
        }
    }

    /// 1,000 cases. A value rebased from one indexed year to the toolkit's price year, then back
    /// (by a toolkit priced in the original year), is the same to the penny.
    #[test]
    fn rebasing_to_a_year_and_back_returns_the_same_value(
        index in prop::collection::btree_map(2000i32..=2030, dec(500_000, 1_500_000, 4), 2..=6),
        picks in (any::<prop::sample::Index>(), any::<prop::sample::Index>()),
        v in unit_value(),
    ) {
        let index: Vec<(i32, Decimal)> = index.into_iter().collect();
        let to = index[picks.0.index(index.len())].0;
        let from = index[picks.1.index(index.len())].0;
        let kit = |year| {
            parse(&index_toolkit(year, &index), Path::new("gen.toml"))
                .unwrap_or_else(|p| panic!("{p}"))
        };
        let there = kit(to).rebase(v, from).expect("both years indexed");
        let back = kit(from).rebase(there, to).expect("both years indexed");
        prop_assert_eq!(back.round_dp(2), v.round_dp(2), "{} -> {} -> {}", v, there, back);
    }

    /// 1,000 cases. The totals are the lines' sums: present value and year-1 impact exactly, and
    /// each breakdown (by kind, beneficiary, primary theme, place) adds up to the present value;
    /// the investment sits in the organisation's own place.
    #[test]
    fn totals_equal_the_sum_of_the_lines(lines in outcome_lines(), inv in investments()) {
        let val = valuation(&test_kit(), &inv, lines);
        let t = &val.totals;
        let pvs: Vec<Decimal> = val.lines.iter().map(|l| l.value.present_value).collect();
        prop_assert_eq!(t.present_value, sum(pvs.iter().copied()));
        prop_assert_eq!(t.impact_year1, sum(val.lines.iter().map(|l| l.value.impact_year1)));
        prop_assert_eq!(t.harms, sum(pvs.iter().copied().filter(|p| *p < Decimal::ZERO)));
        prop_assert_eq!(t.investment, sum(inv.iter().map(|i| i.amount)));
        prop_assert_eq!(t.net_present_value, t.present_value - t.investment);
        let ratio = (t.investment > Decimal::ZERO).then(|| t.present_value / t.investment);
        prop_assert_eq!(t.sroi_ratio, ratio);
        same(sum(t.by_kind.values().copied()), t.present_value, "by kind")?;
        same(sum(t.by_beneficiary.values().copied()), t.present_value, "by beneficiary")?;
        same(sum(t.by_theme.values().copied()), t.present_value, "by theme")?;
        same(sum(val.by_place.iter().map(|p| p.present_value)), t.present_value, "by place")?;
        let own = val.by_place.iter().find(|p| p.place.as_deref() == Some("E08000010"));
        prop_assert_eq!(own.map(|p| p.investment), Some(t.investment));
    }

    /// 1,000 cases. The same lines in any order give the same totals: exactly for money in and
    /// year-1 impact (exact sums), and exactly for present-value sums too.
    #[test]
    fn sums_are_independent_of_input_order(
        (lines, shuffled) in outcome_lines()
            .prop_flat_map(|l| (Just(l.clone()), Just(l).prop_shuffle())),
        inv in investments(),
    ) {
        let tk = test_kit();
        let a = valuation(&tk, &inv, lines).totals;
        let b = valuation(&tk, &inv, shuffled).totals;
        prop_assert_eq!(
            (a.cash, a.in_kind, a.investment, a.impact_year1, a.payback_months),
            (b.cash, b.in_kind, b.investment, b.impact_year1, b.payback_months)
        );
        same(a.present_value, b.present_value, "present value")?;
        same(a.net_present_value, b.net_present_value, "net present value")?;
        same(a.harms, b.harms, "harms")?;
        same_maps(&a.by_kind, &b.by_kind, "by kind")?;
        same_maps(&a.by_beneficiary, &b.by_beneficiary, "by beneficiary")?;
        same_maps(&a.by_theme, &b.by_theme, "by theme")?;
    }
}

proptest! {
    #![proptest_config(config())]

    /// 1,000 cases. With any evidence type on each line, the value on the four grades adds up
    /// exactly to the present value, each grade is the sum of its own lines, and all four are
    /// listed even when empty.
    #[test]
    fn the_value_on_each_grade_adds_up_to_the_present_value(
        lines in outcome_lines(),
        types in prop::collection::vec(0..EvidenceType::ALL.len(), 8),
        inv in investments(),
    ) {
        let mut evidence = EvidenceByLine::default();
        for (l, k) in lines.iter().zip(&types) {
            evidence.insert(l.line, EvidenceType::ALL[*k]);
        }
        let tk = test_kit();
        let plain = valuation(&tk, &inv, lines.clone());
        let project = Project::from_parts(
            Path::new("project.toml"), &tk.id, plain.organisation.clone(), plain.period,
            inv.clone(), None, None,
        );
        let rows = OutcomeRows { lines, ..OutcomeRows::default() };
        let val = from_graded_inputs(&project, &tk, None, (rows, &evidence), Stories::default())
            .unwrap_or_else(|p| panic!("{p}"));
        let t = &val.totals;
        prop_assert_eq!(t.present_value, plain.totals.present_value, "grades change no figure");
        prop_assert!(t.by_grade.keys().copied().eq(Grade::ALL), "all four grades, in order");
        same(sum(t.by_grade.values().copied()), t.present_value, "by grade")?;
        for (g, x) in &t.by_grade {
            let own = val.lines.iter().filter(|l| !l.transfer && l.grade() == *g);
            let own = own.map(|l| l.value.present_value);
            same(*x, sum(own), g.as_str())?;
        }
    }
}
