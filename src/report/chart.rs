//! The report's charts, drawn with plotters: as SVG text to inline in HTML, and as PNG files
//! for slides, with a font bundled in the binary so no system font is needed.
//!
//! Money is exact everywhere else; here values become `f64` only to place pixels, and every
//! figure printed on a chart is formatted from the exact decimal.

use super::truncate;
use crate::num::{fixed, money_gbp};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use std::path::Path;
use std::sync::Once;

/// Chart size in pixels (SVG user units).
pub const SIZE: (u32, u32) = (760, 380);

/// Greys and one dark blue: distinguishable in greyscale by lightness alone.
const DARK: RGBColor = RGBColor(31, 58, 95);
const MID: RGBColor = RGBColor(110, 130, 160);
const LIGHT: RGBColor = RGBColor(190, 190, 190);
const INK: RGBColor = RGBColor(30, 30, 30);

/// What the numbers on a chart are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Money,
    Hours,
    /// An SROI ratio (`2.33`).
    Ratio,
    /// A count of simulation runs.
    Runs,
    /// A score on a survey scale (`6.45`).
    Score,
}

/// One bar: its label, exact value, and role in a waterfall.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    pub value: Decimal,
    pub step: Step,
    /// An interval drawn as a line through the bar (vertical charts), e.g. a 95% interval.
    pub whisker: Option<(Decimal, Decimal)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// A plain bar from zero (or a waterfall total).
    Total,
    /// A waterfall change from the running total.
    Change,
    /// A bar from this value to the bar's value (a tornado's range), labelled with both ends.
    Span(Decimal),
}

impl Bar {
    pub fn new(label: impl Into<String>, value: Decimal) -> Bar {
        Bar {
            label: label.into(),
            value,
            step: Step::Total,
            whisker: None,
        }
    }

    /// The bar with an interval drawn through it.
    pub fn with_whisker(mut self, low: Decimal, high: Decimal) -> Bar {
        self.whisker = Some((low, high));
        self
    }

    pub fn change(label: impl Into<String>, value: Decimal) -> Bar {
        Bar {
            label: label.into(),
            value,
            step: Step::Change,
            whisker: None,
        }
    }
}

/// A chart: a title, bars, and how to lay them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// File name without extension, e.g. `value-by-theme`.
    pub name: String,
    pub title: String,
    pub unit: Unit,
    pub horizontal: bool,
    pub bars: Vec<Bar>,
}

fn label_of(d: Decimal, unit: Unit) -> String {
    match unit {
        Unit::Money => money_gbp(d.round_dp(0)).trim_end_matches(".00").to_string(),
        Unit::Hours => format!("{} h", fixed(d, 0)),
        Unit::Ratio => fixed(d, 2),
        Unit::Runs => fixed(d, 0),
        Unit::Score => fixed(d, 2),
    }
}

fn axis_label(v: f64, unit: Unit) -> String {
    let a = v.abs();
    let sign = if v < 0.0 { "-" } else { "" };
    match unit {
        Unit::Money if a >= 1_000_000.0 => format!("{sign}£{:.1}m", a / 1_000_000.0),
        Unit::Money if a >= 10_000.0 => format!("{sign}£{:.0}k", a / 1_000.0),
        Unit::Money => format!(
            "{sign}{}",
            money_gbp(Decimal::from_f64(a.round()).unwrap_or_default()).trim_end_matches(".00")
        ),
        Unit::Hours => format!("{sign}{a:.0} h"),
        Unit::Ratio => format!("{sign}{a:.1}"),
        Unit::Runs => format!("{sign}{a:.0}"),
        Unit::Score => format!("{sign}{a:.1}"),
    }
}

fn px(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The spans each bar covers: from 0 for totals, from the running total for changes. The
/// running total only places pixels (every label is formatted from a bar's own exact value), so
/// it saturates at Decimal's bounds, past anything a chart can draw apart, rather than overflow.
fn spans(bars: &[Bar]) -> Vec<(f64, f64)> {
    let mut running = Decimal::ZERO;
    bars.iter()
        .map(|b| match b.step {
            Step::Total => {
                running = b.value;
                (0.0, px(b.value))
            }
            Step::Change => {
                let from = running;
                running = running.saturating_add(b.value);
                (px(from), px(running))
            }
            Step::Span(from) => (px(from), px(b.value)),
        })
        .collect()
}

fn colour(b: &Bar) -> RGBColor {
    // A bar carrying an interval is light, so the dark interval line shows across it.
    if b.whisker.is_some() {
        return LIGHT;
    }
    match b.step {
        Step::Total => DARK,
        Step::Change if b.value < Decimal::ZERO => LIGHT,
        Step::Change | Step::Span(_) => MID,
    }
}

type DrawResult<E> = Result<(), DrawingAreaErrorKind<E>>;

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Chart) -> DrawResult<DB::ErrorType> {
    root.fill(&WHITE)?;
    let n = c.bars.len().max(1);
    // Segmented coordinates over 0..last cover n slots (two for a single bar: an empty range
    // would draw nothing).
    let last = (n - 1).max(1);
    let sp = spans(&c.bars);
    let lo = sp
        .iter()
        .flat_map(|(a, b)| [*a, *b])
        .fold(0.0_f64, f64::min);
    let hi = sp
        .iter()
        .flat_map(|(a, b)| [*a, *b])
        .chain(c.bars.iter().filter_map(|b| b.whisker.map(|w| px(w.1))))
        .fold(0.0_f64, f64::max);
    let pad = ((hi - lo).abs() * 0.18).max(1.0);
    // Money, hours and runs start from zero; ranges (a tornado) zoom to where they lie.
    let spanning = c.bars.iter().any(|b| matches!(b.step, Step::Span(_)));
    let (lo, hi) = if spanning {
        let low = sp.iter().map(|(a, b)| a.min(*b)).fold(f64::MAX, f64::min);
        let pad = ((hi - low) * 0.1).max(0.05);
        (low - pad, hi + 4.0 * pad)
    } else {
        (if lo < 0.0 { lo - pad } else { 0.0 }, hi + pad)
    };
    let text = ("sans-serif", 13).into_font().color(&INK);
    let title = ("sans-serif", 17)
        .into_font()
        .style(FontStyle::Bold)
        .color(&INK);
    let labels: Vec<String> = c
        .bars
        .iter()
        .map(|b| truncate(&b.label, if c.horizontal { 30 } else { 18 }))
        .collect();
    // Horizontal charts list the first bar at the top.
    let every = n.div_ceil(15).max(1);
    let slot = |i: usize| if c.horizontal { last - i } else { i };
    let name_of = |v: &SegmentValue<usize>| match v {
        // With many bars (a long period's months) every k-th is labelled, so labels never overlap.
        SegmentValue::CenterOf(i) if *i <= last && (c.horizontal || i % every == 0) => {
            labels.get(slot(*i)).cloned().unwrap_or_default()
        }
        _ => String::new(),
    };
    if c.horizontal {
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, title)
            .margin(12)
            .x_label_area_size(28)
            .y_label_area_size(210)
            .build_cartesian_2d(lo..hi, (0..last).into_segmented())?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .y_labels(n)
            .y_label_formatter(&name_of)
            .x_label_formatter(&|v| axis_label(*v, c.unit))
            .label_style(text.clone())
            .axis_desc_style(text.clone())
            .draw()?;
        for (i, (b, (from, to))) in c.bars.iter().zip(&sp).enumerate() {
            let y = slot(i);
            let mut r = Rectangle::new(
                [
                    (*from, SegmentValue::Exact(y)),
                    (*to, SegmentValue::Exact(y + 1)),
                ],
                colour(b).filled(),
            );
            r.set_margin(5, 5, 0, 0);
            chart.draw_series(std::iter::once(r))?;
            let at = if spanning {
                from.max(*to)
            } else if *to >= 0.0 {
                *to
            } else {
                *from
            };
            let shown = match b.step {
                Step::Span(f) => {
                    format!(" {} to {}", label_of(f, c.unit), label_of(b.value, c.unit))
                }
                _ => format!(" {}", label_of(b.value, c.unit)),
            };
            chart.draw_series(std::iter::once(Text::new(
                shown,
                (at, SegmentValue::CenterOf(y)),
                text.clone().pos(Pos::new(HPos::Left, VPos::Center)),
            )))?;
        }
    } else {
        let mut chart = ChartBuilder::on(root)
            .caption(&c.title, title)
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d((0..last).into_segmented(), lo..hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(225, 225, 225))
            .x_labels(n)
            .x_label_formatter(&name_of)
            .y_label_formatter(&|v| axis_label(*v, c.unit))
            .label_style(text.clone())
            .draw()?;
        for (i, (b, (from, to))) in c.bars.iter().zip(&sp).enumerate() {
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(i), *from),
                    (SegmentValue::Exact(i + 1), *to),
                ],
                colour(b).filled(),
            );
            r.set_margin(0, 0, 6, 6);
            chart.draw_series(std::iter::once(r))?;
            if let Some((w_lo, w_hi)) = b.whisker {
                let at = SegmentValue::CenterOf(i);
                let ink = ShapeStyle::from(&INK).stroke_width(3);
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(at.clone(), px(w_lo)), (at, px(w_hi))],
                    ink,
                )))?;
            }
            if n <= 8 {
                let top = from.max(*to).max(b.whisker.map_or(f64::MIN, |w| px(w.1)));
                chart.draw_series(std::iter::once(Text::new(
                    label_of(b.value, c.unit),
                    (SegmentValue::CenterOf(i), top),
                    text.clone().pos(Pos::new(HPos::Center, VPos::Bottom)),
                )))?;
            }
        }
    }
    root.present()
}

/// The chart as an SVG document.
pub fn svg(c: &Chart) -> Result<String, String> {
    // Text is measured with the bundled font to lay the chart out, even in SVG.
    register_font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        draw(&root, c).map_err(|e| format!("chart {}: {e}", c.name))?;
    }
    Ok(out)
}

static FONT: Once = Once::new();

/// Makes the bundled Noto Sans the "sans-serif" of every chart (once per process).
fn register_font() {
    FONT.call_once(|| {
        // Failure would mean the bundled font bytes are broken; charts would then lack text.
        let _ =
            plotters::style::register_font("sans-serif", FontStyle::Normal, notosans::REGULAR_TTF);
        let _ = plotters::style::register_font("sans-serif", FontStyle::Bold, notosans::BOLD_TTF);
    });
}

/// Draws the chart as a PNG file at `path`.
/// Writes the chart as a PNG, atomically: drawn beside `path` under a temporary name, then
/// renamed, so a failure never leaves half an image.
pub fn png(c: &Chart, path: &Path) -> Result<(), String> {
    register_font();
    let name = path
        .file_name()
        .map_or_else(|| "chart".into(), |n| n.to_string_lossy().into_owned());
    // The encoder goes by the extension, so the temporary name ends in .png too.
    let tmp =
        crate::write::parent_dir(path).join(format!(".{name}.{}.tmp.png", std::process::id()));
    let drawn = {
        let root = BitMapBackend::new(&tmp, SIZE).into_drawing_area();
        draw(&root, c).and_then(|()| root.present())
    };
    let result = drawn
        .map_err(|e| format!("chart {}: {e}", c.name))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| format!("chart {}: {e}", c.name)));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn waterfall() -> Chart {
        Chart {
            name: "waterfall".into(),
            title: "From gross value to present value".into(),
            unit: Unit::Money,
            horizontal: false,
            bars: vec![
                Bar::new("Gross", d("510000")),
                Bar::change("Deadweight", d("-204000")),
                Bar::change("Attribution", d("-91800")),
                Bar::change("Later years", d("144869.57")),
                Bar::new("Present value", d("359069.57")),
            ],
        }
    }

    #[test]
    fn waterfall_steps_run_from_the_running_total() {
        let s = spans(&waterfall().bars);
        assert_eq!(s[1], (510000.0, 306000.0));
        assert_eq!(s[2], (306000.0, 214200.0));
        assert_eq!(s[4], (0.0, 359069.57));
    }

    #[test]
    fn a_waterfall_past_decimals_range_draws_without_overflow() {
        let mut c = waterfall();
        c.bars = vec![
            Bar::new("Gross", Decimal::MAX),
            Bar::change("More", Decimal::MAX),
        ];
        assert_eq!(spans(&c.bars)[1].1, Decimal::MAX.to_f64().unwrap());
        assert!(svg(&c).is_ok());
    }

    #[test]
    fn svg_has_labels_and_escapes_text() {
        let mut c = waterfall();
        c.bars[0].label = "<script>x</script>".into();
        let svg = svg(&c).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..50]);
        assert!(svg.contains("£359,070"), "value label missing");
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.matches("<rect").count() >= 5);
    }

    #[test]
    fn png_renders_with_the_bundled_font() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("w.png");
        png(&waterfall(), &p).unwrap();
        let bytes = std::fs::read(&p).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        assert!(
            bytes.len() > 5_000,
            "suspiciously small PNG: {} bytes",
            bytes.len()
        );
    }
}
