//! Survey indicators a toolkit declares (`[[indicator]]`: a question, its scale and direction)
//! and the WELLBY value (`[toolkit] wellby_*`) that turns life-satisfaction changes into money.

use super::load::Checker;
use super::{Adjustments, Kind, Proxy, MAX_DURATION};
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use toml::Spanned;

/// The id of the proxy a toolkit's `wellby_*` fields make: lines valued from people's own
/// life-satisfaction answers use it.
pub const WELLBY_PROXY: &str = "wellby";

/// How an indicator's change may be turned into money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Valuation {
    /// HM Treasury Green Book wellbeing method: a change of one point of life satisfaction
    /// (0-10) for one person for one year is one WELLBY.
    Wellby,
}

/// A question people answer before and after, on a numbered scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Indicator {
    pub id: String,
    pub name: String,
    pub scale_min: Decimal,
    pub scale_max: Decimal,
    pub higher_is_better: bool,
    pub source: String,
    pub url: Option<String>,
    /// Only indicators with a declared method are valued; the rest are evidence.
    pub valuation: Option<Valuation>,
    pub defaults: Adjustments,
    /// Where the default adjustments come from; required when the indicator is valued.
    pub basis: Option<super::Basis>,
    pub themes: Vec<String>,
    /// Declared by an organisation in its own project, not by the shared toolkit.
    pub local: bool,
}

impl Indicator {
    /// The adjustments of the WELLBY line this indicator's change is valued on. Unless the
    /// project says the change persists, it is counted for the time measured only: one year at
    /// most, with no later years (so no drop-off).
    pub fn wellby_adjustments(&self, persists: bool) -> Adjustments {
        let mut a = self.defaults;
        if !persists {
            a.duration = 1;
            a.drop_off = Decimal::ZERO;
        }
        a
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawIndicator {
    id: Spanned<String>,
    name: Spanned<String>,
    scale_min: Spanned<Dec>,
    scale_max: Spanned<Dec>,
    higher_is_better: bool,
    source: Spanned<String>,
    url: Option<String>,
    valuation: Option<Spanned<String>>,
    deadweight: Option<Spanned<Dec>>,
    attribution: Option<Spanned<Dec>>,
    displacement: Option<Spanned<Dec>>,
    drop_off: Option<Spanned<Dec>>,
    duration: Option<Spanned<i64>>,
    #[serde(default)]
    themes: Vec<String>,
    basis: Option<Spanned<super::load::RawBasis>>,
}

/// The `wellby_*` fields of `[toolkit]`.
#[derive(Default)]
pub(super) struct RawWellby {
    pub wellby_value: Option<Spanned<Dec>>,
    pub wellby_low: Option<Spanned<Dec>>,
    pub wellby_high: Option<Spanned<Dec>>,
    pub wellby_price_year: Option<Spanned<i32>>,
    pub wellby_source: Option<String>,
    pub wellby_url: Option<String>,
    pub wellby_licence: Option<String>,
}

impl Checker<'_> {
    /// The WELLBY proxy the header's `wellby_*` fields describe, if they give a value.
    pub(super) fn wellby(
        &mut self,
        w: &RawWellby,
        index: &BTreeMap<i32, Decimal>,
        header: std::ops::Range<usize>,
    ) -> Option<Proxy> {
        let value_field = w.wellby_value.as_ref()?;
        let value = self.num(value_field);
        let year = match &w.wellby_price_year {
            Some(y) => {
                let year = *y.get_ref();
                if !index.is_empty() {
                    self.rule(
                        y.span(),
                        super::rules::price_year(year, index, WELLBY_PROXY),
                    );
                }
                year
            }
            None => {
                self.err(
                    value_field.span(),
                    "wellby_value needs wellby_price_year".into(),
                    Some(
                        "HM Treasury's values are in 2019 prices: wellby_price_year = 2019".into(),
                    ),
                );
                0
            }
        };
        let mut text = |v: &Option<String>, what: &str| -> String {
            let t = v.as_deref().unwrap_or("").trim().to_string();
            if t.is_empty() {
                self.err(
                    header.clone(),
                    format!("wellby_value needs {what}"),
                    Some("every value carries its published source, URL and licence".into()),
                );
            }
            t
        };
        let source = text(&w.wellby_source, "wellby_source");
        let url = text(&w.wellby_url, "wellby_url");
        let licence = text(&w.wellby_licence, "wellby_licence");
        self.rule(
            value_field.span(),
            super::rules::unit_value(value, "wellby_value"),
        );
        let low = w.wellby_low.as_ref().map(|s| self.num(s));
        let high = w.wellby_high.as_ref().map(|s| self.num(s));
        if let (Some(l), Some(sp)) = (low, &w.wellby_low) {
            self.rule(sp.span(), super::rules::low(l, value));
        }
        if let (Some(h), Some(sp)) = (high, &w.wellby_high) {
            self.rule(sp.span(), super::rules::high(h, value));
        }
        Some(Proxy {
            id: WELLBY_PROXY.into(),
            name: "One WELLBY: one point of life satisfaction (0-10) for one person for one year, from people's own answers".into(),
            kind: Kind::Wellbeing,
            unit: "WELLBY".into(),
            value,
            low,
            high,
            price_year: year,
            beneficiary: "individual".into(),
            cashable: Some(false),
            source,
            url,
            licence,
            method: Some("WELLBYs = people measured before and after × their mean change in life satisfaction × the share of a year between the two answers (at most 1, unless the project says the change persists), valued at wellby_value (HM Treasury Green Book wellbeing method); only from min_pairs pairs with a 95% interval that excludes no change".into()),
            rationale: Some("the adjustments are the indicator's own (see [[indicator]])".into()),
            defaults: Adjustments::NONE,
            basis: None,
            themes: vec!["wellbeing".into()],
            transfer: false,
            whole_period: false,
            never_with: Vec::new(),
        })
    }

    /// Checks the `[[indicator]]` tables; `wellby` says whether the toolkit can value them.
    pub(super) fn indicators(
        &mut self,
        raw: Vec<Spanned<RawIndicator>>,
        wellby: bool,
        local: bool,
    ) -> Vec<Indicator> {
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(raw.len());
        for sp in raw {
            let r = sp.into_inner();
            let id = self.nonempty(&r.id, "indicator id");
            if !id.is_empty() {
                self.rule(r.id.span(), super::rules::id(&id, "indicator id"));
            }
            if !seen.insert(id.clone()) {
                self.err(
                    r.id.span(),
                    format!("indicator id \"{id}\" is used twice"),
                    None,
                );
            }
            let name = self.nonempty(&r.name, "indicator name");
            let source = self.nonempty(&r.source, "indicator source");
            let (lo, hi) = (self.num(&r.scale_min), self.num(&r.scale_max));
            if lo >= hi {
                self.err(
                    r.scale_max.span(),
                    format!("scale_max {hi} must be above scale_min {lo}"),
                    None,
                );
            }
            if lo.abs() > Decimal::from(1_000_000) || hi.abs() > Decimal::from(1_000_000) {
                self.err(
                    r.scale_max.span(),
                    "a scale runs within ±1,000,000".into(),
                    None,
                );
            }
            let valuation = match r.valuation.as_ref().map(|v| v.get_ref().trim()) {
                None => None,
                Some("wellby") if local => {
                    self.err(r.valuation.as_ref().map_or(0..0, Spanned::span), "an indicator of the project's own cannot be valued".into(), Some("only the shared toolkit may declare a valuation method, so that results stay comparable".into()));
                    None
                }
                Some("wellby") => {
                    if !wellby {
                        self.err(
                            r.valuation.as_ref().map_or(0..0, Spanned::span),
                            "valuation = \"wellby\" needs wellby_value in [toolkit]".into(),
                            None,
                        );
                    }
                    if lo != Decimal::ZERO || hi != Decimal::TEN || !r.higher_is_better {
                        self.err(r.valuation.as_ref().map_or(0..0, Spanned::span), "the WELLBY method values life satisfaction on a 0-10 scale, higher better".into(), Some("use scale_min = 0, scale_max = 10, higher_is_better = true".into()));
                    }
                    Some(Valuation::Wellby)
                }
                Some(other) => {
                    self.err(r.valuation.as_ref().map_or(0..0, Spanned::span), format!("valuation \"{other}\" is not a method social-value knows"), Some("the method known is \"wellby\"; leave it out to report the indicator unvalued".into()));
                    None
                }
            };
            let mut fraction = |f: &Option<Spanned<Dec>>, what: &str| {
                f.as_ref().map_or(Decimal::ZERO, |f| self.fraction(f, what))
            };
            let deadweight = fraction(&r.deadweight, "deadweight");
            let attribution = fraction(&r.attribution, "attribution");
            let displacement = fraction(&r.displacement, "displacement");
            let drop_off = fraction(&r.drop_off, "drop_off");
            let duration = match &r.duration {
                Some(d) => {
                    self.rule(d.span(), super::rules::duration(*d.get_ref()));
                    d.get_ref().clamp(&1, &i64::from(MAX_DURATION)).to_owned() as u32
                }
                None => 1,
            };
            let basis = self.read_basis(
                r.basis.as_ref(),
                r.id.span(),
                &format!("valued indicator \"{id}\""),
                valuation.is_some(),
            );
            out.push(Indicator {
                basis,
                id,
                name,
                scale_min: lo,
                scale_max: hi,
                higher_is_better: r.higher_is_better,
                source,
                url: r.url,
                valuation,
                defaults: Adjustments {
                    deadweight,
                    attribution,
                    displacement,
                    drop_off,
                    duration,
                },
                themes: if r.themes.is_empty() {
                    vec!["wellbeing".into()]
                } else {
                    r.themes
                },
                local,
            });
        }
        out
    }
}

/// The `[[indicator]]` tables of a project.toml: an organisation's own questions, marked local
/// and never valued. Other keys of the file are read elsewhere.
pub fn local(text: &str, path: &std::path::Path) -> Result<Vec<Indicator>, crate::diag::Problems> {
    #[derive(Deserialize)]
    struct Only {
        #[serde(default)]
        indicator: Vec<Spanned<RawIndicator>>,
    }
    let only: Only = toml::from_str(text).map_err(|e| {
        crate::read::input::toml_error(&e, text, path, crate::read::input::TomlFile::Project)
    })?;
    let mut c = Checker {
        text,
        path,
        problems: crate::diag::Problems::new(),
    };
    let found = c.indicators(only.indicator, false, true);
    c.problems.into_result(found)
}
