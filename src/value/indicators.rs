//! Distance travelled: each indicator's before-and-after statistics (paired t interval,
//! effect size, who improved), and the WELLBYs a life-satisfaction change is worth.

use crate::project::indicators::{Answer, Settings};
use crate::toolkit::indicator::{Indicator, Valuation};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::{Decimal, RoundingStrategy};

/// Fewest pairs for an interval: below this, only counts are shown. A change is valued only
/// from the toolkit's `min_pairs` (30 in uk-core).
pub const MIN_PAIRS: u64 = 5;

/// Days in the year a dated gap is measured against: answers 365 days apart or more count a
/// whole year, nearer ones that share of it.
pub const DAYS_IN_YEAR: u32 = 365;

/// Decimal places WELLBYs are held to, rounded down (so a claim is never rounded up).
pub const WELLBY_PLACES: u32 = 4;
/// Below this many pairs a result is labelled a small sample.
pub const SMALL_SAMPLE: u64 = 30;

/// What one indicator's answers show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorResult {
    pub id: String,
    pub name: String,
    pub scale_min: Decimal,
    pub scale_max: Decimal,
    pub higher_is_better: bool,
    pub local: bool,
    pub source: String,
    pub themes: Vec<String>,
    /// People with at least one answer.
    pub people: u64,
    /// People with both answers; the statistics are over them.
    pub pairs: u64,
    /// People with only one answer: reported, not used.
    pub unpaired: u64,
    pub mean_before: Option<Decimal>,
    pub mean_after: Option<Decimal>,
    /// Mean of (after − before), on the scale as asked (so negative is better when lower is).
    pub mean_change: Option<Decimal>,
    /// 95% interval for the mean change (paired t), from [`MIN_PAIRS`] pairs.
    pub ci: Option<(Decimal, Decimal)>,
    /// Standard deviation of the changes (n − 1).
    pub sd_change: Option<Decimal>,
    /// Cohen's d for paired samples: mean change ÷ standard deviation of the changes.
    pub effect_size: Option<Decimal>,
    /// Better, the same, worse (by the indicator's direction).
    pub improved: u64,
    pub same: u64,
    pub worse: u64,
    pub small_sample: bool,
    /// WELLBYs valued: pairs × mean change × time weight (life satisfaction only, from the
    /// toolkit's `min_pairs` pairs, when the interval excludes no change).
    pub wellbys: Option<Decimal>,
    /// For an indicator the toolkit values, why this change was not valued (too few pairs,
    /// an interval that includes no change): reported as indicative.
    pub not_valued: Option<String>,
    /// The mean share of a year between the two answers (at most 1 each), which the WELLBYs
    /// were multiplied by; `None` when not valued or when the change is said to persist.
    pub time_weight: Option<Decimal>,
    /// Why the change lasts beyond the time measured, when the project says it does.
    pub persists: Option<String>,
    /// The line of the first pair with no dates, when the change would be valued but neither
    /// dates nor `months_between` say how far apart the answers were.
    pub undated: Option<u64>,
}

/// Statistics for one indicator's answers. Means are exact; the standard deviation, interval
/// and effect size come from floating-point statistics (they are measures of spread, not
/// money) and are rounded to 4 places. A valued indicator's WELLBYs follow [`wellbys`].
pub fn analyse(
    ind: &Indicator,
    answers: &[Answer],
    min_pairs: u64,
    settings: &Settings,
) -> IndicatorResult {
    let people = answers.len() as u64;
    let pairs: Vec<(Decimal, Decimal)> = answers
        .iter()
        .filter_map(|a| Some((a.before?, a.after?)))
        .collect();
    let n = pairs.len() as u64;
    let mean = |xs: Vec<Decimal>| -> Option<Decimal> {
        let total = crate::num::checked_sum(xs)?;
        (n > 0)
            .then(|| total.checked_div(Decimal::from(n)))
            .flatten()
    };
    let mean_before = mean(pairs.iter().map(|p| p.0).collect());
    let mean_after = mean(pairs.iter().map(|p| p.1).collect());
    let changes: Vec<Decimal> = pairs.iter().map(|(b, a)| a - b).collect();
    let mean_change = mean(changes.clone());
    let (mut improved, mut same, mut worse) = (0, 0, 0);
    for c in &changes {
        let better = if ind.higher_is_better {
            *c > Decimal::ZERO
        } else {
            *c < Decimal::ZERO
        };
        if c.is_zero() {
            same += 1;
        } else if better {
            improved += 1;
        } else {
            worse += 1;
        }
    }
    let to_f = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let sd = (n >= 2).then(|| {
        let m = mean_change.map_or(0.0, to_f);
        let ss: f64 = changes.iter().map(|c| (to_f(*c) - m).powi(2)).sum();
        (ss / (n - 1) as f64).sqrt()
    });
    let dec4 = |x: f64| Decimal::from_f64(x).map(|d| d.round_dp(4));
    let ci = match (mean_change, sd) {
        (Some(m), Some(s)) if n >= MIN_PAIRS => {
            let t = t_975(n - 1);
            let half = t * s / (n as f64).sqrt();
            match (dec4(to_f(m) - half), dec4(to_f(m) + half)) {
                (Some(lo), Some(hi)) => Some((lo, hi)),
                _ => None,
            }
        }
        _ => None,
    };
    let effect_size = match (mean_change, sd) {
        (Some(m), Some(s)) if s > 0.0 => dec4(to_f(m) / s),
        _ => None,
    };
    let mut r = IndicatorResult {
        id: ind.id.clone(),
        name: ind.name.clone(),
        scale_min: ind.scale_min,
        scale_max: ind.scale_max,
        higher_is_better: ind.higher_is_better,
        local: ind.local,
        source: ind.source.clone(),
        themes: ind.themes.clone(),
        people,
        pairs: n,
        unpaired: people - n,
        mean_before,
        mean_after,
        mean_change,
        ci,
        sd_change: sd.and_then(dec4),
        effect_size,
        improved,
        same,
        worse,
        small_sample: n < SMALL_SAMPLE,
        wellbys: None,
        not_valued: None,
        time_weight: None,
        persists: None,
        undated: None,
    };
    if ind.valuation == Some(Valuation::Wellby) {
        wellbys(&mut r, answers, min_pairs, settings);
    }
    r
}

/// Values a life-satisfaction change, or says why not. Decision, defensible before impressive:
/// only from `min_pairs` pairs whose 95% interval excludes no change; WELLBYs = pairs × mean
/// change × the mean share of a year between the answers (each gap at most a year), unless
/// the project says, with a reason, that the change persists (then a whole first year).
fn wellbys(r: &mut IndicatorResult, answers: &[Answer], min_pairs: u64, settings: &Settings) {
    let fixed4 = |d: Decimal| crate::num::fixed(d, 4);
    if r.pairs < min_pairs {
        r.not_valued = Some(format!(
            "{} pairs of answers: a change is valued from {min_pairs} pairs",
            r.pairs
        ));
        return;
    }
    match r.ci {
        Some((lo, hi)) if lo > Decimal::ZERO || hi < Decimal::ZERO => {}
        Some((lo, hi)) => {
            r.not_valued = Some(format!(
                "the 95% interval of the mean change, {} to {}, includes no change",
                fixed4(lo),
                fixed4(hi)
            ));
            return;
        }
        None => {
            r.not_valued = Some("the change has no interval to test".into());
            return;
        }
    }
    let pairs: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.before.is_some() && a.after.is_some())
        .collect();
    let sum_changes = pairs
        .iter()
        .filter_map(|a| Some(a.after? - a.before?))
        .try_fold(Decimal::ZERO, |acc, c| acc.checked_add(c));
    let weights = match &settings.persists {
        Some(reason) => {
            r.persists = Some(reason.clone());
            Some(Decimal::from(r.pairs))
        }
        None => sum_of_weights(&pairs, settings.months_between)
            .map_err(|line| r.undated = Some(line))
            .ok(),
    };
    let (Some(sum_changes), Some(weights)) = (sum_changes, weights) else {
        r.not_valued =
            Some("the answers are not dated, so the time between them is unknown".into());
        return;
    };
    let n = Decimal::from(r.pairs);
    r.wellbys = sum_changes
        .checked_mul(weights)
        .and_then(|x| x.checked_div(n))
        .map(|w| w.round_dp_with_strategy(WELLBY_PLACES, RoundingStrategy::ToNegativeInfinity));
    if settings.persists.is_none() {
        r.time_weight = weights.checked_div(n);
    }
}

/// Σ over pairs of min(1, gap ÷ a year): a dated pair's days ÷ 365, else `months_between` ÷ 12.
/// `Err(line)` names the first pair with neither.
fn sum_of_weights(pairs: &[&Answer], months_between: Option<Decimal>) -> Result<Decimal, u64> {
    let year = Decimal::from(DAYS_IN_YEAR);
    let by_months = months_between.map(|m| m.min(Decimal::from(12)) / Decimal::from(12));
    let mut capped_days = Decimal::ZERO;
    let mut months_pairs = Decimal::ZERO;
    for a in pairs {
        match (a.days, by_months) {
            (Some(d), _) => capped_days += Decimal::from(d.min(DAYS_IN_YEAR)),
            (None, Some(_)) => months_pairs += Decimal::ONE,
            (None, None) => return Err(a.line),
        }
    }
    Ok(capped_days / year + months_pairs * by_months.unwrap_or_default())
}

/// The 97.5th percentile of Student's t with `df` degrees of freedom (statrs).
fn t_975(df: u64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df as f64).map_or(1.96, |t| t.inverse_cdf(0.975))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolkit::Adjustments;

    fn indicator(higher_is_better: bool, wellby: bool) -> Indicator {
        Indicator {
            id: "x".into(),
            name: "x".into(),
            scale_min: Decimal::ZERO,
            scale_max: Decimal::TEN,
            higher_is_better,
            source: "s".into(),
            url: None,
            valuation: wellby.then_some(Valuation::Wellby),
            defaults: Adjustments::NONE,
            basis: None,
            themes: vec!["wellbeing".into()],
            local: false,
        }
    }

    fn pairs(v: &[(i64, i64)]) -> Vec<Answer> {
        v.iter()
            .enumerate()
            .map(|(i, &(b, a))| Answer {
                before: Some(Decimal::from(b)),
                after: Some(Decimal::from(a)),
                days: None,
                line: i as u64 + 2,
            })
            .collect()
    }

    fn twelve_months() -> Settings {
        Settings {
            months_between: Some(Decimal::from(12)),
            ..Settings::default()
        }
    }

    fn analyse(ind: &Indicator, answers: &[Answer]) -> IndicatorResult {
        super::analyse(ind, answers, 30, &twelve_months())
    }

    /// A known paired sample; the expected figures were computed independently in Python:
    /// changes = [2, 1, 0, 3, 1, 2, -1, 2, 1, 2]; statistics.mean = 1.3,
    /// statistics.stdev = 1.1595018087284057, t(0.975, 9) = 2.262157 (published t tables),
    /// half width = t * sd / sqrt(10) = 0.8294576, interval 0.4705424 to 2.1294576,
    /// d = 1.3 / sd = 1.1211712.
    #[test]
    fn a_known_paired_sample_gives_the_mean_change_interval_and_effect_size() {
        let before = [5, 6, 4, 3, 6, 5, 7, 4, 5, 6];
        let after = [7, 7, 4, 6, 7, 7, 6, 6, 6, 8];
        let answers = pairs(
            &before
                .iter()
                .zip(after.iter())
                .map(|(b, a)| (*b, *a))
                .collect::<Vec<_>>(),
        );
        let r = analyse(&indicator(true, false), &answers);
        assert_eq!(r.pairs, 10);
        assert_eq!(r.mean_before, Some(Decimal::new(51, 1)));
        assert_eq!(r.mean_after, Some(Decimal::new(64, 1)));
        assert_eq!(r.mean_change, Some(Decimal::new(13, 1)));
        assert_eq!(r.sd_change, Some(Decimal::new(11595, 4)));
        assert_eq!(r.ci, Some((Decimal::new(4705, 4), Decimal::new(21295, 4))));
        assert_eq!(r.effect_size, Some(Decimal::new(11212, 4)));
        assert_eq!((r.improved, r.same, r.worse), (8, 1, 1));
        assert!(r.small_sample);
        assert_eq!(r.wellbys, None, "not a valued indicator");
    }

    #[test]
    fn lower_is_better_counts_falls_as_improvement_and_unpaired_answers_are_counted() {
        let mut answers = pairs(&[(8, 6), (7, 7), (5, 6), (9, 4), (6, 5)]);
        answers.push(Answer {
            before: Some(Decimal::from(7)),
            after: None,
            days: None,
            line: 9,
        });
        let r = analyse(&indicator(false, false), &answers);
        assert_eq!((r.people, r.pairs, r.unpaired), (6, 5, 1));
        assert_eq!((r.improved, r.same, r.worse), (3, 1, 1));
        assert_eq!(r.mean_change, Some(Decimal::new(-14, 1)));
    }

    /// 40 pairs, changes cycling 0, 1, 1, 2 (sum 40, mean 1, interval well above 0), each pair
    /// answered 122 days apart. Independently (Python's decimal module):
    /// 40 × 1 × 122/365 = 13.369863013..., held to 4 places rounding down: 13.3698.
    #[test]
    fn wellbys_are_time_weighted_by_the_days_between_answers() {
        let mut answers = pairs(
            &(0..40)
                .map(|i| (5, 5 + [0, 1, 1, 2][i % 4]))
                .collect::<Vec<_>>(),
        );
        for a in &mut answers {
            a.days = Some(122);
        }
        let r = super::analyse(&indicator(true, true), &answers, 30, &Settings::default());
        assert_eq!(r.not_valued, None);
        assert_eq!(r.wellbys, Some(Decimal::new(133_698, 4)));
        assert_eq!(crate::num::fixed(r.time_weight.unwrap(), 4), "0.3342");
        // A gap of a year or more counts one year, never more.
        for a in &mut answers {
            a.days = Some(500);
        }
        let r = super::analyse(&indicator(true, true), &answers, 30, &Settings::default());
        assert_eq!(r.wellbys, Some(Decimal::from(40)));
        // Six months stated once for undated rows halves them.
        let six = Settings {
            months_between: Some(Decimal::from(6)),
            ..Settings::default()
        };
        let undated = pairs(
            &(0..40)
                .map(|i| (5, 5 + [0, 1, 1, 2][i % 4]))
                .collect::<Vec<_>>(),
        );
        let r = super::analyse(&indicator(true, true), &undated, 30, &six);
        assert_eq!(r.wellbys, Some(Decimal::from(20)));
        // With neither, the first undated pair is named and nothing is valued.
        let r = super::analyse(&indicator(true, true), &undated, 30, &Settings::default());
        assert_eq!((r.wellbys, r.undated), (None, Some(2)));
        // Said to persist (with a reason): a whole first year.
        let lasts = Settings {
            persists: Some("a year-later follow-up kept the gain".into()),
            ..Settings::default()
        };
        let r = super::analyse(&indicator(true, true), &undated, 30, &lasts);
        assert_eq!((r.wellbys, r.time_weight), (Some(Decimal::from(40)), None));
    }

    #[test]
    fn a_change_is_valued_only_from_enough_pairs_with_an_interval_clear_of_zero() {
        // 10 real improvements: too few pairs.
        let few = pairs(&[(5, 7); 10]);
        let r = analyse(&indicator(true, true), &few);
        assert_eq!(r.wellbys, None);
        assert!(
            r.not_valued.as_deref().unwrap().contains("10 pairs"),
            "{r:?}"
        );
        // 40 pairs whose changes average 0.25 with a spread that includes 0.
        let weak: Vec<(i64, i64)> = (0..40).map(|i| (5, 5 + [-1, 0, 1, 1][i % 4])).collect();
        let r = analyse(&indicator(true, true), &pairs(&weak));
        assert_eq!(r.wellbys, None);
        assert!(
            r.not_valued
                .as_deref()
                .unwrap()
                .contains("includes no change"),
            "{r:?}"
        );
    }

    #[test]
    fn fewer_than_five_pairs_give_no_interval_and_no_wellbys() {
        let r = analyse(
            &indicator(true, true),
            &pairs(&[(5, 6), (5, 7), (4, 4), (6, 8)]),
        );
        assert_eq!(r.ci, None);
        assert_eq!(r.wellbys, None);
        assert_eq!(r.mean_change, Some(Decimal::new(125, 2)));
    }

    #[test]
    fn half_a_point_for_a_hundred_people_is_fifty_wellbys() {
        let answers: Vec<Answer> = (0..100)
            .map(|i| Answer {
                before: Some(Decimal::new(60 + (i % 3), 1)),
                after: Some(Decimal::new(65 + (i % 3), 1)),
                days: None,
                line: i as u64 + 2,
            })
            .collect();
        let r = analyse(&indicator(true, true), &answers);
        assert_eq!(r.mean_change, Some(Decimal::new(5, 1)));
        assert_eq!(r.wellbys, Some(Decimal::new(500, 1)));
        assert!(!r.small_sample);
    }
}
