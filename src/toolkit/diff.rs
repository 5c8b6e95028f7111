//! What changed between two versions of a toolkit: proxies added, removed and re-valued,
//! changed defaults and sources, tags, and the price index. Networks update banks yearly.

use super::indicator::Indicator;
use super::{Proxy, Tag, Toolkit};
use rust_decimal::Decimal;

/// One field that differs, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A proxy whose value or price year changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revalued {
    pub id: String,
    pub old_value: Decimal,
    pub old_year: i32,
    pub new_value: Decimal,
    pub new_year: i32,
    /// Both values in the new toolkit's price year (using its index), when it covers both years.
    pub comparable: Option<(Decimal, Decimal, i32)>,
}

impl Revalued {
    /// Percentage change in real terms (or as written, when the years cannot be compared).
    pub fn percent(&self) -> Option<Decimal> {
        let (old, new) = match self.comparable {
            Some((o, n, _)) => (o, n),
            None => (self.old_value, self.new_value),
        };
        (!old.is_zero())
            .then(|| {
                new.checked_sub(old)?
                    .checked_mul(Decimal::ONE_HUNDRED)?
                    .checked_div(old.abs())
            })
            .flatten()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diff {
    pub header: Vec<Change>,
    pub price_index: Vec<Change>,
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub revalued: Vec<Revalued>,
    /// Other changed fields, by proxy id.
    pub changed: Vec<(String, Vec<Change>)>,
    pub tags_added: Vec<String>,
    pub tags_removed: Vec<String>,
    pub tags_changed: Vec<(String, Vec<Change>)>,
    pub indicators_added: Vec<String>,
    pub indicators_removed: Vec<String>,
    pub indicators_changed: Vec<(String, Vec<Change>)>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        *self == Diff::default()
    }
}

fn opt<T: ToString>(v: &Option<T>) -> String {
    v.as_ref()
        .map_or_else(|| "(none)".to_string(), ToString::to_string)
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn push(out: &mut Vec<Change>, field: &str, old: String, new: String) {
    if old != new {
        out.push(Change {
            field: field.to_string(),
            old,
            new,
        });
    }
}

fn proxy_changes(a: &Proxy, b: &Proxy) -> Vec<Change> {
    let mut c = Vec::new();
    push(&mut c, "name", a.name.clone(), b.name.clone());
    push(
        &mut c,
        "kind",
        a.kind.as_str().into(),
        b.kind.as_str().into(),
    );
    push(&mut c, "unit", a.unit.clone(), b.unit.clone());
    push(&mut c, "low", opt(&a.low.map(dec)), opt(&b.low.map(dec)));
    push(&mut c, "high", opt(&a.high.map(dec)), opt(&b.high.map(dec)));
    push(
        &mut c,
        "beneficiary",
        a.beneficiary.clone(),
        b.beneficiary.clone(),
    );
    push(&mut c, "cashable", opt(&a.cashable), opt(&b.cashable));
    push(
        &mut c,
        "deadweight",
        dec(a.defaults.deadweight),
        dec(b.defaults.deadweight),
    );
    push(
        &mut c,
        "attribution",
        dec(a.defaults.attribution),
        dec(b.defaults.attribution),
    );
    push(
        &mut c,
        "displacement",
        dec(a.defaults.displacement),
        dec(b.defaults.displacement),
    );
    push(
        &mut c,
        "drop_off",
        dec(a.defaults.drop_off),
        dec(b.defaults.drop_off),
    );
    push(
        &mut c,
        "duration",
        a.defaults.duration.to_string(),
        b.defaults.duration.to_string(),
    );
    push(&mut c, "themes", a.themes.join(", "), b.themes.join(", "));
    push(&mut c, "source", a.source.clone(), b.source.clone());
    push(&mut c, "url", a.url.clone(), b.url.clone());
    push(&mut c, "licence", a.licence.clone(), b.licence.clone());
    push(&mut c, "method", opt(&a.method), opt(&b.method));
    push(&mut c, "rationale", opt(&a.rationale), opt(&b.rationale));
    c
}

fn tag_changes(a: &Tag, b: &Tag) -> Vec<Change> {
    let mut c = Vec::new();
    push(&mut c, "label", a.label.clone(), b.label.clone());
    push(&mut c, "theme", a.theme.clone(), b.theme.clone());
    push(&mut c, "proxy", opt(&a.proxy), opt(&b.proxy));
    c
}

fn indicator_changes(a: &Indicator, b: &Indicator) -> Vec<Change> {
    let mut c = Vec::new();
    push(&mut c, "name", a.name.clone(), b.name.clone());
    push(&mut c, "scale_min", dec(a.scale_min), dec(b.scale_min));
    push(&mut c, "scale_max", dec(a.scale_max), dec(b.scale_max));
    push(
        &mut c,
        "higher_is_better",
        a.higher_is_better.to_string(),
        b.higher_is_better.to_string(),
    );
    push(&mut c, "source", a.source.clone(), b.source.clone());
    push(&mut c, "url", opt(&a.url), opt(&b.url));
    let valued = |i: &Indicator| i.valuation.map_or("none", |_| "wellby").to_string();
    push(&mut c, "valuation", valued(a), valued(b));
    let (x, y) = (&a.defaults, &b.defaults);
    push(&mut c, "deadweight", dec(x.deadweight), dec(y.deadweight));
    push(
        &mut c,
        "attribution",
        dec(x.attribution),
        dec(y.attribution),
    );
    push(
        &mut c,
        "displacement",
        dec(x.displacement),
        dec(y.displacement),
    );
    push(&mut c, "drop_off", dec(x.drop_off), dec(y.drop_off));
    push(
        &mut c,
        "duration",
        x.duration.to_string(),
        y.duration.to_string(),
    );
    push(&mut c, "themes", a.themes.join(", "), b.themes.join(", "));
    c
}

/// Everything that differs between `old` and `new`, in a stable order (by id).
pub fn diff(old: &Toolkit, new: &Toolkit) -> Diff {
    let mut d = Diff::default();
    let h = &mut d.header;
    push(h, "id", old.id.clone(), new.id.clone());
    push(h, "version", old.version.clone(), new.version.clone());
    push(h, "title", old.title.clone(), new.title.clone());
    push(
        h,
        "price_year",
        old.price_year.to_string(),
        new.price_year.to_string(),
    );
    push(
        h,
        "discount_rate",
        dec(old.discount_rate),
        dec(new.discount_rate),
    );
    push(
        h,
        "discount_first_year",
        old.discount_first_year.to_string(),
        new.discount_first_year.to_string(),
    );
    push(
        h,
        "price_index_source",
        opt(&old.price_index_source),
        opt(&new.price_index_source),
    );
    push(
        h,
        "fingerprint",
        old.fingerprint.clone(),
        new.fingerprint.clone(),
    );
    let years: std::collections::BTreeSet<i32> = old
        .price_index
        .keys()
        .chain(new.price_index.keys())
        .copied()
        .collect();
    for y in years {
        let o = old.price_index.get(&y).map(|v| dec(*v));
        let n = new.price_index.get(&y).map(|v| dec(*v));
        push(&mut d.price_index, &y.to_string(), opt(&o), opt(&n));
    }

    let mut ids: Vec<&str> = old
        .proxies
        .iter()
        .chain(&new.proxies)
        .map(|p| p.id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        match (old.proxy(id), new.proxy(id)) {
            (Some(_), None) => d.removed.push(id.to_string()),
            (None, Some(_)) => d.added.push(id.to_string()),
            (Some(a), Some(b)) => {
                if a.value != b.value || a.price_year != b.price_year {
                    let comparable = new
                        .rebase(a.value, a.price_year)
                        .zip(new.rebase(b.value, b.price_year))
                        .map(|(o, n)| (o, n, new.price_year));
                    d.revalued.push(Revalued {
                        id: id.to_string(),
                        old_value: a.value,
                        old_year: a.price_year,
                        new_value: b.value,
                        new_year: b.price_year,
                        comparable,
                    });
                }
                let c = proxy_changes(a, b);
                if !c.is_empty() {
                    d.changed.push((id.to_string(), c));
                }
            }
            (None, None) => {}
        }
    }

    let mut tag_ids: Vec<&str> = old
        .tags
        .iter()
        .chain(&new.tags)
        .map(|t| t.id.as_str())
        .collect();
    tag_ids.sort_unstable();
    tag_ids.dedup();
    for id in tag_ids {
        match (old.tag(id), new.tag(id)) {
            (Some(_), None) => d.tags_removed.push(id.to_string()),
            (None, Some(_)) => d.tags_added.push(id.to_string()),
            (Some(a), Some(b)) => {
                let c = tag_changes(a, b);
                if !c.is_empty() {
                    d.tags_changed.push((id.to_string(), c));
                }
            }
            (None, None) => {}
        }
    }

    let mut indicator_ids: Vec<&str> = old
        .indicators
        .iter()
        .chain(&new.indicators)
        .map(|i| i.id.as_str())
        .collect();
    indicator_ids.sort_unstable();
    indicator_ids.dedup();
    for id in indicator_ids {
        match (old.indicator(id), new.indicator(id)) {
            (Some(_), None) => d.indicators_removed.push(id.to_string()),
            (None, Some(_)) => d.indicators_added.push(id.to_string()),
            (Some(a), Some(b)) => {
                let c = indicator_changes(a, b);
                if !c.is_empty() {
                    d.indicators_changed.push((id.to_string(), c));
                }
            }
            (None, None) => {}
        }
    }
    d
}
