//! Monte Carlo ranges: proxy values and quantities drawn from PERT distributions over
//! low/central/high, adjustments from beta distributions about their central values, durations
//! a year either way, and measured changes from their interval; many times, with a seed.

use super::model::{Input, Model};
use super::{Exact, TooLarge};
use rand::rngs::StdRng;
use rand::SeedableRng;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use statrs::distribution::{Beta, StudentsT};
use std::collections::BTreeMap;

/// How concentrated the beta distribution of an adjustment is about its central value:
/// Beta(κm, κ(1−m)) has mean m; κ = 20 gives a standard deviation of about 9 points at m = 20%,
/// close to the half-width of the interquartile ranges across published SROIs.
pub const CONCENTRATION: f64 = 20.0;

/// Summary of one simulated quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spread {
    pub p5: Decimal,
    pub median: Decimal,
    pub p95: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Simulation {
    pub runs: u32,
    pub seed: u64,
    pub present_value: Spread,
    /// `None` when nothing was invested.
    pub ratio: Option<Spread>,
    /// Share of runs whose ratio is below 1:1.
    pub p_below_one: Option<Decimal>,
    /// How many runs that is (shown instead of a share that would round to 0.0%).
    pub runs_below_one: u32,
    /// Ratio histogram: (from, to, runs), 20 equal bins over the simulated range.
    pub histogram: Vec<(Decimal, Decimal, u32)>,
}

/// A PERT draw over (low, mode, high): low + (high − low) × Beta(α, β),
/// α = 1 + 4(mode − low)/(high − low), β = 1 + 4(high − mode)/(high − low).
fn pert(low: f64, mode: f64, high: f64) -> Option<Beta> {
    let span = high - low;
    if span <= 0.0 {
        return None;
    }
    Beta::new(
        1.0 + 4.0 * (mode - low) / span,
        1.0 + 4.0 * (high - mode) / span,
    )
    .ok()
}

/// How one line's quantity is drawn in a run.
enum QuantityDraw {
    Fixed,
    /// low + (high − low) × Beta (PERT about the quantity).
    Pert(f64, f64, Beta),
    /// pairs × (mean + se × T(pairs − 1)) × weight, the mean change drawn from its interval.
    Measured {
        pairs: f64,
        mean: f64,
        se: f64,
        weight: f64,
        t: StudentsT,
    },
}

impl QuantityDraw {
    fn new(i: &Input) -> QuantityDraw {
        let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
        if let Some(m) = &i.measured {
            let df = m.pairs.saturating_sub(1).max(1) as f64;
            let t = StudentsT::new(0.0, 1.0, df);
            if let Ok(t) = t {
                use statrs::distribution::ContinuousCDF;
                let half = (f(m.ci.1) - f(m.ci.0)) / 2.0;
                return QuantityDraw::Measured {
                    pairs: m.pairs as f64,
                    mean: f(m.mean_change),
                    se: half / t.inverse_cdf(0.975),
                    weight: f(m.weight),
                    t,
                };
            }
        }
        let (lo, mid, hi) = (f(i.quantity_low), f(i.quantity), f(i.quantity_high));
        match pert(lo, mid, hi) {
            Some(b) => QuantityDraw::Pert(lo, hi, b),
            None => QuantityDraw::Fixed,
        }
    }

    fn draw(&self, i: &Input, rng: &mut StdRng) -> Result<Decimal, TooLarge> {
        use rand::distr::Distribution;
        let what = "a simulated quantity";
        match self {
            QuantityDraw::Fixed => Ok(i.quantity),
            QuantityDraw::Pert(lo, hi, b) => dec(lo + (hi - lo) * b.sample(rng)).or_too_large(what),
            QuantityDraw::Measured {
                pairs,
                mean,
                se,
                weight,
                t,
            } => dec(pairs * (mean + se * t.sample(rng)) * weight).or_too_large(what),
        }
    }
}

/// A duration a year either way ([`super::duration_range`]), each equally likely.
fn draw_years(years: u32, rng: &mut StdRng) -> u32 {
    use rand::RngExt;
    let (lo, hi) = super::duration_range(years);
    if lo == hi {
        return years;
    }
    rng.random_range(lo..=hi)
}

fn about(m: f64) -> Option<Beta> {
    (m > 0.0 && m < 1.0)
        .then(|| Beta::new(CONCENTRATION * m, CONCENTRATION * (1.0 - m)).ok())
        .flatten()
}

/// A draw as an exact decimal (8 places), or `None` when it is past Decimal's range (or not a
/// number): never a silent zero in its place.
fn dec(x: f64) -> Option<Decimal> {
    dec_fast(x).or_else(|| Decimal::from_f64(x).map(|d| d.round_dp(8)))
}

/// [`dec`] by integer arithmetic, for a draw whose value times 10⁸ lies clearly between two
/// whole numbers and clearly off the half between them; `None` for any other (the caller then
/// converts the slow way). Decision (issue 19): `Decimal::from_f64` takes most of a
/// simulation's time, and the draws must stay exactly as they were, so this gives the same
/// decimal or none. Why it is the same: `from_f64` keeps at most 16 significant digits and is
/// within 1.3 × 10⁻¹⁵ of the draw (relative) plus 10⁻²⁸; with the draw's exact value times 10⁸
/// further than 10⁻¹⁴ of itself (plus 10⁻¹²) from a whole number or a half, that decimal has
/// more than 8 places and rounds to the same 8 as the exact value does, whatever the rule for
/// halves. `fast_draws_are_the_decimals_of_from_f64` checks it on 120,000 draws and the edges.
fn dec_fast(x: f64) -> Option<Decimal> {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7FF) as i32;
    // Whole numbers (exponent at least 0), subnormals, infinities and NaN: the slow way.
    let shift = 1075 - biased;
    if biased == 0 || !(1..=100).contains(&shift) {
        return None;
    }
    let mantissa = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
    // |x| × 10⁸ = scaled / 2^shift, exactly (scaled < 2⁸⁰).
    let scaled = mantissa * 100_000_000;
    let whole = scaled >> shift;
    let part = scaled & ((1u128 << shift) - 1);
    // The part as a fraction of one; f64 is close enough to compare with the margin.
    let fraction = part as f64 / (1u128 << shift) as f64;
    let margin = (whole as f64 + fraction) * 1e-14 + 1e-12;
    if fraction <= margin || fraction >= 1.0 - margin || (fraction - 0.5).abs() <= margin {
        return None;
    }
    let units = whole + u128::from(fraction > 0.5);
    let units = i128::try_from(units).ok().filter(|&u| u > 0)?;
    let signed = if x.is_sign_negative() { -units } else { units };
    Decimal::try_from_i128_with_scale(signed, 8).ok()
}

/// Nearest-rank percentile of sorted values (zero when there are none).
pub fn percentile(sorted: &[Decimal], p: u32) -> Decimal {
    if sorted.is_empty() {
        return Decimal::ZERO;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn spread(mut v: Vec<Decimal>) -> Spread {
    v.sort_unstable();
    Spread {
        p5: percentile(&v, 5),
        median: percentile(&v, 50),
        p95: percentile(&v, 95),
    }
}

/// Runs the simulation. The same model, runs and seed always give the same result.
pub fn simulate(m: &Model, runs: u32, seed: u64) -> Result<Simulation, TooLarge> {
    use rand::distr::Distribution;
    let mut rng = StdRng::seed_from_u64(seed);
    // One draw per proxy per run, shared by every line using it; one per adjustment per line.
    let mut proxies: BTreeMap<&str, (f64, f64, Option<Beta>)> = BTreeMap::new();
    for i in &m.inputs {
        let (lo, mid, hi) = (
            i.low.to_f64().unwrap_or(0.0),
            i.value.to_f64().unwrap_or(0.0),
            i.high.to_f64().unwrap_or(0.0),
        );
        proxies
            .entry(i.proxy.as_str())
            .or_insert((lo, hi, pert(lo, mid, hi)));
    }
    let fractions: Vec<[Option<Beta>; 4]> = m
        .inputs
        .iter()
        .map(|i| {
            if i.volunteering {
                return [None, None, None, None];
            }
            let a = &i.adjustments;
            [a.deadweight, a.attribution, a.displacement, a.drop_off]
                .map(|x| about(x.to_f64().unwrap_or(0.0)))
        })
        .collect();
    let quantities: Vec<QuantityDraw> = m.inputs.iter().map(QuantityDraw::new).collect();
    let mut pvs = Vec::with_capacity(runs as usize);
    let mut ratios = Vec::with_capacity(runs as usize);
    let mut values: BTreeMap<&str, Decimal> = BTreeMap::new();
    for _ in 0..runs {
        for (id, (lo, hi, dist)) in &proxies {
            let x = match dist {
                Some(b) => lo + (hi - lo) * b.sample(&mut rng),
                None => *lo,
            };
            values.insert(id, dec(x).or_too_large("a simulated proxy value")?);
        }
        let mut pv = Decimal::ZERO;
        for ((i, f), q) in m.inputs.iter().zip(&fractions).zip(&quantities) {
            let mut adj = i.adjustments;
            if !i.volunteering {
                adj.duration = draw_years(adj.duration, &mut rng);
            }
            let quantity = q.draw(i, &mut rng)?;
            let slots = [
                &mut adj.deadweight,
                &mut adj.attribution,
                &mut adj.displacement,
                &mut adj.drop_off,
            ];
            for (slot, dist) in slots.into_iter().zip(f) {
                if let Some(b) = dist {
                    // A beta draw lies in [0, 1].
                    *slot = dec(b.sample(&mut rng)).unwrap_or_default();
                }
            }
            let value = if i.low == i.high {
                i.value
            } else {
                values.get(i.proxy.as_str()).copied().unwrap_or(i.value)
            };
            let what = "the present value in a simulated run";
            let line = m.line_pv(quantity, value, &adj).or_too_large(what)?;
            pv = pv.checked_add(line).or_too_large(what)?;
        }
        // Every run's ratio, or none: a run left out would skew the range and the share
        // below 1:1.
        if let Some(r) = m.checked_ratio(pv, "the SROI ratio in a simulated run")? {
            ratios.push(r);
        }
        pvs.push(pv);
    }
    let below = ratios.iter().filter(|r| **r < Decimal::ONE).count();
    let p_below_one = (!ratios.is_empty())
        .then(|| Decimal::from(below as u64) / Decimal::from(ratios.len() as u64));
    let histogram = histogram(&ratios, 20);
    Ok(Simulation {
        runs,
        seed,
        present_value: spread(pvs),
        ratio: (!ratios.is_empty()).then(|| spread(ratios)),
        p_below_one,
        runs_below_one: u32::try_from(below).unwrap_or(u32::MAX),
        histogram,
    })
}

/// `bins` equal bins over the values' range: (from, to, count), every value counted once.
/// Values spread wider than Decimal holds (from below −3.9 × 10^28 to above 3.9 × 10^28) are
/// binned by dividing before subtracting, which rounds in the 28th digit instead of
/// overflowing; the top edge is the largest decimal when one cent more would not fit.
pub fn histogram(values: &[Decimal], bins: u32) -> Vec<(Decimal, Decimal, u32)> {
    let (Some(lo), Some(hi)) = (values.iter().min(), values.iter().max()) else {
        return Vec::new();
    };
    let (lo, hi) = (
        lo.round_dp(2),
        hi.round_dp(2).saturating_add(Decimal::new(1, 2)),
    );
    let count = u32::try_from(values.len()).unwrap_or(u32::MAX);
    if bins <= 1 {
        return (bins == 1).then_some((lo, hi, count)).into_iter().collect();
    }
    let n = Decimal::from(bins);
    // With two bins or more, hi / n − lo / n is within Decimal's range.
    let width = hi
        .checked_sub(lo)
        .map_or_else(|| hi / n - lo / n, |span| span / n);
    let bin = |v: Decimal| {
        let at = match v.checked_sub(lo) {
            Some(d) => d.checked_div(width),
            None => (v / n - lo / n).checked_div(width / n),
        };
        // Zero width: every value is `lo` (at Decimal's very top), in the first bin.
        at.unwrap_or_default()
            .floor()
            .to_u32()
            .unwrap_or(0)
            .min(bins - 1)
    };
    let mut counts = vec![0u32; bins as usize];
    for v in values {
        let k = bin(*v) as usize;
        counts[k] = counts[k].saturating_add(1);
    }
    // lo + width × k lies within lo..=hi (but for rounding in the last digit); when width × k
    // alone would not fit, it is taken in halves.
    let edge = |k: u32| {
        let k = Decimal::from(k);
        width
            .checked_mul(k)
            .and_then(|w| lo.checked_add(w))
            .unwrap_or_else(|| {
                let half = (width / Decimal::TWO).saturating_mul(k);
                (lo / Decimal::TWO)
                    .saturating_add(half)
                    .saturating_mul(Decimal::TWO)
            })
    };
    counts
        .iter()
        .zip(0u32..)
        .map(|(c, k)| (edge(k), edge(k + 1), *c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow conversion the fast one must match, byte for byte (value and scale).
    fn slow(x: f64) -> Option<Decimal> {
        Decimal::from_f64(x).map(|d| d.round_dp(8))
    }

    #[test]
    fn fast_draws_are_the_decimals_of_from_f64() {
        use rand::RngExt;
        let mut rng = StdRng::seed_from_u64(19);
        let mut xs: Vec<f64> = Vec::new();
        // Draws as a simulation makes them: fractions, money, counts, harms, tiny and huge.
        for _ in 0..20_000 {
            let u: f64 = rng.random();
            xs.extend([u, u * 1_000.0, u * 1e6 - 5e5, u * 1e-7, u * 1e12, -u]);
        }
        // Near the edges: on, and a few steps of f64 either side of, whole and half units.
        for k in [0u64, 1, 5, 12_345, 99_999_999, 123_456_789_012] {
            for half in [0.0, 0.5] {
                let at = (k as f64 + half) / 1e8;
                let mut below = at;
                let mut above = at;
                for _ in 0..50 {
                    xs.extend([below, above, -below, -above]);
                    below = below.next_down();
                    above = above.next_up();
                }
            }
        }
        xs.extend([
            0.5,
            0.125,
            0.1,
            0.3,
            1.0,
            2.5,
            1e-9,
            5e-9,
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
        ]);
        let mut fast = 0;
        for x in xs {
            let slow = slow(x);
            let got = dec(x);
            assert_eq!(got, slow, "{x:e}");
            assert_eq!(
                got.map(|d| d.to_string()),
                slow.map(|d| d.to_string()),
                "{x:e}"
            );
            fast += usize::from(dec_fast(x).is_some());
        }
        // The fast way is the usual one, or it would save nothing.
        assert!(fast > 80_000, "only {fast} draws took the fast way");
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let v: Vec<Decimal> = (1..=100).map(Decimal::from).collect();
        assert_eq!(percentile(&v, 5), Decimal::from(5));
        assert_eq!(percentile(&v, 50), Decimal::from(50));
        assert_eq!(percentile(&v, 95), Decimal::from(95));
        assert_eq!(percentile(&v[..1], 95), Decimal::from(1));
    }

    #[test]
    fn pert_is_centred_on_the_mode_and_fixed_without_a_range() {
        assert!(pert(5.0, 5.0, 5.0).is_none());
        use statrs::statistics::Distribution as _;
        let b = pert(0.0, 5.0, 10.0).unwrap();
        assert!((b.mean().unwrap() - 0.5).abs() < 1e-12);
    }

    /// Issue 18: ratios from −7 × 10^28 to 7 × 10^28 overflowed `hi − lo` (exit 101).
    #[test]
    fn histogram_of_values_wider_than_decimal_holds_counts_every_value() {
        let big = Decimal::from_i128_with_scale(7 * 10i128.pow(28), 0);
        let v = [-big, Decimal::ZERO, big, Decimal::MAX, Decimal::MIN];
        let h = histogram(&v, 20);
        assert_eq!(h.len(), 20);
        assert_eq!(h.iter().map(|b| b.2).sum::<u32>(), 5);
        // The least in the first bin, the greatest in the last, −7 × 10^28 in the second.
        assert_eq!((h[0].2, h[1].2, h[19].2), (1, 1, 1));
        assert_eq!(h[0].0, Decimal::MIN);
        assert!(h.windows(2).all(|w| w[0].0 < w[1].0));
        // All at the very top, and degenerate bin counts: no panic, every value counted.
        assert_eq!(histogram(&[Decimal::MAX; 3], 20)[0].2, 3);
        assert_eq!(histogram(&v, 1), vec![(Decimal::MIN, Decimal::MAX, 5)]);
        assert!(histogram(&v, 0).is_empty());
    }

    /// A run whose ratio does not fit stops the simulation with its name, instead of being
    /// left out of the range (or overflowing): here the central ratio, 60 × £1 over 10^-27,
    /// fits, but a draw of the proxy towards £100 does not.
    #[test]
    fn a_simulated_ratio_too_large_is_named_not_dropped() {
        use crate::toolkit::Adjustments;
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        let input = Input {
            line: 0,
            proxy: "x".into(),
            name: "Outcome".into(),
            quantity: d("60"),
            quantity_low: d("60"),
            quantity_high: d("60"),
            measured: None,
            value: d("1"),
            low: d("-100"),
            high: d("100"),
            adjustments: Adjustments {
                deadweight: d("0"),
                attribution: d("0"),
                displacement: d("0"),
                drop_off: d("0"),
                duration: 1,
            },
            volunteering: false,
        };
        let m = Model {
            inputs: vec![input],
            investment: d("0.000000000000000000000000001"),
            rate: d("0.035"),
            discount_first_year: false,
        };
        assert!(m.checked_ratio(d("60"), "x").unwrap().is_some());
        let e = simulate(&m, 200, 1).unwrap_err();
        assert_eq!(e.what, "the SROI ratio in a simulated run");
        let shown = e.diagnostic(m.investment).to_string();
        assert!(shown.contains("£0.000000000000000000000000001"), "{shown}");
    }

    #[test]
    fn histogram_counts_every_value() {
        let v: Vec<Decimal> = (0..1000).map(|i| Decimal::new(i, 2)).collect();
        let h = histogram(&v, 20);
        assert_eq!(h.len(), 20);
        assert_eq!(h.iter().map(|b| b.2).sum::<u32>(), 1000);
    }
}
