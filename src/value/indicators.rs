//! Distance travelled: each indicator's before-and-after statistics (paired t interval,
//! effect size, who improved), and the WELLBYs a life-satisfaction change is worth.

use crate::project::indicators::Answer;
use crate::toolkit::indicator::{Indicator, Valuation};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;

/// Fewest pairs for an interval (and for valuing a change): below this, only counts are shown.
pub const MIN_PAIRS: u64 = 5;
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
    /// Sum of changes in WELLBYs (life satisfaction only, from [`MIN_PAIRS`] pairs).
    pub wellbys: Option<Decimal>,
}

/// Statistics for one indicator's answers. Means are exact; the standard deviation, interval
/// and effect size come from floating-point statistics (they are measures of spread, not
/// money) and are rounded to 4 places.
pub fn analyse(ind: &Indicator, answers: &[Answer]) -> IndicatorResult {
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
    let wellbys = (ind.valuation == Some(Valuation::Wellby) && n >= MIN_PAIRS)
        .then(|| crate::num::checked_sum(changes.iter().copied()))
        .flatten();
    IndicatorResult {
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
        wellbys,
    }
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
            themes: vec!["wellbeing".into()],
            local: false,
        }
    }

    fn pairs(v: &[(i64, i64)]) -> Vec<Answer> {
        v.iter()
            .map(|&(b, a)| Answer {
                before: Some(Decimal::from(b)),
                after: Some(Decimal::from(a)),
            })
            .collect()
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
        });
        let r = analyse(&indicator(false, false), &answers);
        assert_eq!((r.people, r.pairs, r.unpaired), (6, 5, 1));
        assert_eq!((r.improved, r.same, r.worse), (3, 1, 1));
        assert_eq!(r.mean_change, Some(Decimal::new(-14, 1)));
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
            })
            .collect();
        let r = analyse(&indicator(true, true), &answers);
        assert_eq!(r.mean_change, Some(Decimal::new(5, 1)));
        assert_eq!(r.wellbys, Some(Decimal::new(500, 1)));
        assert!(!r.small_sample);
    }
}
