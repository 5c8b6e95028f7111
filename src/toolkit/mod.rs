//! The shared toolkit (proxy bank): financial proxies, story tags, the price index and discounting rules.
//! Owns the types every later stage reads; `load` turns a TOML file into a validated `Toolkit`.

mod canonical;
pub mod diff;
pub mod import;
pub mod indicator;
mod load;
pub mod place;
pub mod rules;
pub mod stamp;

pub use canonical::{canonical_text, fingerprint};

pub use load::{find, for_project, load_file, parse, Source, BUNDLED};

use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

/// What sort of value a proxy counts, kept apart so totals never mix them silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The value of volunteers' time (replacement cost), per hour.
    Volunteering,
    /// Savings to public budgets (NHS, council, police, DWP ...).
    Fiscal,
    /// Gains to the economy (earnings, productivity).
    Economic,
    /// Gains to people's wellbeing.
    Wellbeing,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Volunteering,
        Kind::Fiscal,
        Kind::Economic,
        Kind::Wellbeing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Volunteering => "volunteering",
            Kind::Fiscal => "fiscal",
            Kind::Economic => "economic",
            Kind::Wellbeing => "wellbeing",
        }
    }
}

/// The SROI impact adjustments: shares taken off (fractions 0..1) and how long the outcome lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adjustments {
    /// Share that would have happened anyway.
    pub deadweight: Decimal,
    /// Share owed to other people or organisations.
    pub attribution: Decimal,
    /// Share that merely moved a problem elsewhere.
    pub displacement: Decimal,
    /// Share lost each year after the first.
    pub drop_off: Decimal,
    /// Whole years the outcome lasts (1..=30).
    pub duration: u32,
}

impl Adjustments {
    /// Nothing taken off, for one year.
    pub const NONE: Adjustments = Adjustments {
        deadweight: Decimal::ZERO,
        attribution: Decimal::ZERO,
        displacement: Decimal::ZERO,
        drop_off: Decimal::ZERO,
        duration: 1,
    };
}

pub use crate::limits::MAX_DURATION;

/// One financial proxy: a money value standing in for an outcome, with its published source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proxy {
    pub id: String,
    pub name: String,
    pub kind: Kind,
    pub unit: String,
    /// Value of one unit in the proxy's own `price_year` prices; negative for a harm.
    pub value: Decimal,
    pub low: Option<Decimal>,
    pub high: Option<Decimal>,
    pub price_year: i32,
    pub beneficiary: String,
    pub cashable: Option<bool>,
    pub source: String,
    pub url: String,
    pub licence: String,
    pub method: Option<String>,
    pub rationale: Option<String>,
    pub defaults: Adjustments,
    /// Where each default adjustment comes from; required for every outcome proxy.
    pub basis: Option<Basis>,
    /// At least one; the first is the primary theme used for totals by theme.
    pub themes: Vec<String>,
    /// Money moved from one party to another (a benefit, a tax or duty), not created: shown in
    /// the fiscal view, never inside social value (HM Treasury Green Book).
    pub transfer: bool,
    /// The cost of a whole period or episode (a year of temporary accommodation, the whole
    /// cost of a crime): never valued from a story, which evidences one instance of a change.
    pub whole_period: bool,
    /// Proxies that must never be claimed for the same people as this one, as declared here;
    /// [`Toolkit::never_together`] reads the pairs both ways.
    pub never_with: Vec<String>,
}

impl Proxy {
    pub fn primary_theme(&self) -> &str {
        self.themes.first().map_or("", String::as_str)
    }
}

/// Where a proxy's default adjustments come from: the evaluation or evidence behind each, or
/// `convention: ...` with the published range the figure sits in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Basis {
    pub deadweight: String,
    pub attribution: String,
    pub displacement: String,
    pub drop_off: String,
    pub duration: String,
}

impl Basis {
    /// Each adjustment's name and its basis, in the order adjustments are applied.
    pub fn fields(&self) -> [(&'static str, &str); 5] {
        [
            ("deadweight", &self.deadweight),
            ("attribution", &self.attribution),
            ("displacement", &self.displacement),
            ("drop_off", &self.drop_off),
            ("duration", &self.duration),
        ]
    }

    /// Whether a basis is a convention rather than evidence (it starts with `convention`).
    pub fn is_convention(text: &str) -> bool {
        text.trim_start()
            .get(..10)
            .is_some_and(|w| w.eq_ignore_ascii_case("convention"))
    }
}

/// A word of the shared story vocabulary; it may carry a proxy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub id: String,
    pub label: String,
    pub theme: String,
    pub proxy: Option<String>,
    /// How much of the proxy (in its unit, above 0 and at most 1) one consented story
    /// evidences; required exactly when the tag can be valued (see [`Toolkit::story_value`]).
    pub per_story: Option<Decimal>,
    /// A harm done to a person (abuse, self-harm, a crime suffered): such a story is evidence
    /// only, never priced, so that nobody's worst day becomes a figure.
    pub harm: bool,
}

/// A validated toolkit: every proxy's price year is indexed, every tag's proxy exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toolkit {
    pub id: String,
    pub version: String,
    pub title: String,
    pub currency: String,
    pub price_year: i32,
    pub discount_rate: Decimal,
    /// true: year 1 is divided by (1+r)^1; false: year 1 is undiscounted.
    pub discount_first_year: bool,
    pub price_index: BTreeMap<i32, Decimal>,
    pub price_index_source: Option<String>,
    pub price_index_url: Option<String>,
    pub price_index_licence: Option<String>,
    pub proxies: Vec<Proxy>,
    pub tags: Vec<Tag>,
    /// Survey questions the toolkit knows (`[[indicator]]`).
    pub indicators: Vec<indicator::Indicator>,
    /// Places the toolkit names (`[[place]]`), so returns may give a name instead of a code.
    pub places: Vec<place::Place>,
    /// The same places, looked up by name or code.
    pub place_index: place::PlaceIndex,
    /// Where it was read from, for messages and the audit trail.
    pub origin: String,
    /// SHA-256 of the canonical content (see [`fingerprint`]), computed when loaded.
    pub fingerprint: String,
    /// Fewest before-and-after pairs from which a measured change is valued.
    pub min_pairs: u64,
    /// For each proxy, the proxies that must never be added for the same people, both ways
    /// round (declared `never_with` lists, and the WELLBY's wellbeing proxies).
    pub never: BTreeMap<String, Vec<String>>,
    /// Proxies, tags and indicators by id, built once when the toolkit is loaded.
    ids: Ids,
}

/// Where each proxy, tag and indicator id sits in its list, so that a lookup per outcome row,
/// story tag or answer costs the same whatever the size of the toolkit (issue 19).
/// Decision: positions, not references, so `Toolkit` stays a plain owned value; the first of
/// two equal ids is kept, as a scan from the start would find (a loaded toolkit refuses
/// duplicates, so this only matters to code that builds one by hand).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Ids {
    proxies: FxHashMap<String, usize>,
    tags: FxHashMap<String, usize>,
    indicators: FxHashMap<String, usize>,
}

impl Ids {
    pub(crate) fn of(proxies: &[Proxy], tags: &[Tag], indicators: &[indicator::Indicator]) -> Ids {
        Ids {
            proxies: positions(proxies.iter().map(|p| p.id.as_str())),
            tags: positions(tags.iter().map(|t| t.id.as_str())),
            indicators: positions(indicators.iter().map(|i| i.id.as_str())),
        }
    }
}

/// Each id's first position among `ids`.
pub(crate) fn positions<'a>(
    ids: impl ExactSizeIterator<Item = &'a str>,
) -> FxHashMap<String, usize> {
    let mut map = FxHashMap::with_capacity_and_hasher(ids.len(), Default::default());
    for (i, id) in ids.enumerate() {
        map.entry(id.to_string()).or_insert(i);
    }
    map
}

/// The item of `list` with id `id`, found by its position in `index`: the first such item, as
/// a scan from the start finds. The fields of a toolkit are public (no code changes one once
/// loaded), so the item found is checked against the id, and a list whose length no longer
/// matches its index is scanned instead.
fn by_id<'a, T>(
    list: &'a [T],
    index: &FxHashMap<String, usize>,
    id: &str,
    id_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let indexed = index
        .get(id)
        .and_then(|&i| list.get(i))
        .filter(|item| id_of(item) == id);
    match indexed {
        Some(item) => Some(item),
        None if index.len() == list.len() => None,
        None => list.iter().find(|item| id_of(item) == id),
    }
}

impl Toolkit {
    pub fn proxy(&self, id: &str) -> Option<&Proxy> {
        by_id(&self.proxies, &self.ids.proxies, id, |p| &p.id)
    }

    pub fn tag(&self, id: &str) -> Option<&Tag> {
        by_id(&self.tags, &self.ids.tags, id, |t| &t.id)
    }

    /// The proxies that must never be added for the same people as proxy `id`.
    pub fn never_with(&self, id: &str) -> &[String] {
        self.never.get(id).map_or(&[], Vec::as_slice)
    }

    /// What one consented story with tag `t` is valued as: its proxy and the quantity of it
    /// (`per_story`). `None` when the tag is evidence only: it carries no proxy, it is a harm,
    /// or its proxy is a whole-period cost.
    pub fn story_value<'a>(&'a self, t: &'a Tag) -> Option<(&'a Proxy, Decimal)> {
        let proxy = self.proxy(t.proxy.as_deref()?)?;
        if t.harm || proxy.whole_period {
            return None;
        }
        Some((proxy, t.per_story?))
    }

    pub fn indicator(&self, id: &str) -> Option<&indicator::Indicator> {
        by_id(&self.indicators, &self.ids.indicators, id, |i| &i.id)
    }

    /// Proxies matching every word (case-insensitive, any part of a word: `lonel` finds
    /// loneliness) in their id, name, unit, kind, beneficiary, themes, source or method, or in
    /// the label of a story tag that carries them.
    pub fn search(&self, words: &[&str]) -> Vec<&Proxy> {
        let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        self.proxies
            .iter()
            .filter(|p| {
                let mut hay = format!(
                    "{} {} {} {} {} {} {} {}",
                    p.id,
                    p.name,
                    p.unit,
                    p.kind.as_str(),
                    p.beneficiary,
                    p.themes.join(" "),
                    p.source,
                    p.method.as_deref().unwrap_or("")
                );
                for t in self
                    .tags
                    .iter()
                    .filter(|t| t.proxy.as_deref() == Some(p.id.as_str()))
                {
                    hay.push(' ');
                    hay.push_str(&t.label);
                    hay.push(' ');
                    hay.push_str(&t.id);
                }
                let hay = hay.to_lowercase();
                words.iter().all(|w| hay.contains(w.as_str()))
            })
            .collect()
    }

    /// A value in `from_year` prices expressed in the toolkit's price year:
    /// value × index[toolkit year] ÷ index[from year]. Exact; `None` if a year is not indexed.
    pub fn rebase(&self, value: Decimal, from_year: i32) -> Option<Decimal> {
        let to = self.price_index.get(&self.price_year)?;
        let from = self.price_index.get(&from_year)?;
        value.checked_mul(*to)?.checked_div(*from)
    }

    /// The proxy's unit value in the toolkit's price year.
    pub fn rebased_value(&self, proxy: &Proxy) -> Decimal {
        // Validation guarantees both years are indexed and the index is positive.
        self.rebase(proxy.value, proxy.price_year)
            .unwrap_or(proxy.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every bundled proxy must cite a real, redistributable source; no HACT values, ever.
    #[test]
    fn bundled_toolkits_are_valid_and_cite_their_sources() {
        for (name, _) in BUNDLED {
            let tk = load_file(&Source::Bundled(name)).unwrap_or_else(|p| panic!("{name}: {p}"));
            assert!(
                tk.proxies.len() >= 12,
                "{name} has only {} proxies",
                tk.proxies.len()
            );
            for p in &tk.proxies {
                assert!(
                    p.url.starts_with("https://") || p.url.starts_with("http://"),
                    "{}: {}",
                    p.id,
                    p.url
                );
                assert!(
                    !p.source.trim().is_empty() && !p.licence.trim().is_empty(),
                    "{}",
                    p.id
                );
                let text = format!("{} {} {}", p.source, p.licence, p.url).to_lowercase();
                assert!(
                    !text.contains("hact") && !text.contains("social value bank"),
                    "{} cites HACT",
                    p.id
                );
                assert!(
                    !p.licence.contains("NC") && !p.licence.contains("ND"),
                    "{}: {}",
                    p.id,
                    p.licence
                );
                assert!(tk.rebase(p.value, p.price_year).is_some(), "{}", p.id);
            }
        }
    }

    fn uk_core() -> Toolkit {
        parse(
            include_str!("../../proxies/uk-core.toml"),
            std::path::Path::new("uk-core.toml"),
        )
        .unwrap()
    }

    /// Lookups by id give what a scan from the start gives, for every id and for ids that
    /// differ only in case or are missing.
    #[test]
    fn lookups_by_id_find_what_a_scan_finds() {
        let tk = uk_core();
        assert!(!tk.tags.is_empty() && !tk.indicators.is_empty());
        for p in &tk.proxies {
            assert!(std::ptr::eq(tk.proxy(&p.id).unwrap(), p), "{}", p.id);
            assert!(tk.proxy(&p.id.to_uppercase()).is_none(), "{}", p.id);
        }
        for t in &tk.tags {
            assert!(std::ptr::eq(tk.tag(&t.id).unwrap(), t), "{}", t.id);
            assert!(tk.tag(&format!("{} ", t.id)).is_none());
        }
        for i in &tk.indicators {
            assert!(std::ptr::eq(tk.indicator(&i.id).unwrap(), i), "{}", i.id);
        }
        assert!(tk.proxy("").is_none() && tk.tag("no-such-tag").is_none());
        assert!(tk.indicator("no.such").is_none());
        assert!(tk.proxy(indicator::WELLBY_PROXY).is_some());
    }

    /// A toolkit changed by hand after loading (its lists are public) is still searched as a
    /// scan would: the first of two equal ids, and ids added at the end.
    #[test]
    fn a_toolkit_changed_after_loading_finds_the_first_of_equal_ids() {
        let mut tk = uk_core();
        let id = tk.proxies[3].id.clone();
        let mut twin = tk.proxies[3].clone();
        twin.name = "the twin, listed first".into();
        tk.proxies.insert(0, twin);
        assert_eq!(tk.proxy(&id).unwrap().name, "the twin, listed first");
        let mut extra = tk.proxies[1].clone();
        extra.id = "added.by-hand".into();
        tk.proxies.push(extra);
        assert_eq!(tk.proxy("added.by-hand").unwrap().id, "added.by-hand");
        let mut tag = tk.tags[0].clone();
        tag.label = "first".into();
        tk.tags.insert(0, tag.clone());
        assert_eq!(tk.tag(&tag.id).unwrap().label, "first");
    }

    #[test]
    fn positions_keep_the_first_of_equal_ids() {
        let p = positions(["a", "b", "a", "c", "b"].into_iter());
        assert_eq!((p["a"], p["b"], p["c"], p.len()), (0, 1, 3, 3));
    }

    #[test]
    fn numbers_are_kept_exactly_as_written() {
        let text = include_str!("../../proxies/uk-core.toml").replacen(
            "2013 = ",
            "2013 = 73.03370000000000000001 # was ",
            1,
        );
        let tk = parse(&text, std::path::Path::new("uk-core.toml")).unwrap();
        assert_eq!(tk.price_index[&2013].to_string(), "73.03370000000000000001");
    }

    #[test]
    fn a_price_index_on_two_bases_is_refused() {
        let text =
            include_str!("../../proxies/uk-core.toml").replacen("2013 = ", "2013 = 0.01 # was ", 1);
        let err = parse(&text, std::path::Path::new("uk-core.toml")).unwrap_err();
        assert!(
            err.to_string().contains("more than 1000 times apart"),
            "{err}"
        );
    }

    #[test]
    fn rebasing_is_exact_and_reversible() {
        let text = include_str!("../../proxies/uk-core.toml");
        let tk = parse(text, std::path::Path::new("uk-core.toml")).unwrap();
        let v = Decimal::new(13_800, 2);
        let forward = tk.rebase(v, 2013).unwrap();
        let back = forward * tk.price_index[&2013] / tk.price_index[&tk.price_year];
        assert_eq!(crate::num::money(back), "138.00");
        assert_eq!(tk.rebase(v, 1900), None);
    }
}
