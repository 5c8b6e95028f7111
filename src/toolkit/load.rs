//! Reading a toolkit file: TOML into raw spanned records, then validated into a `Toolkit`.
//! Every problem is gathered (not just the first) and points at its file, line and column.

use super::rules::{self, Broken};
use super::{Adjustments, Basis, Kind, Proxy, Tag, Toolkit, MAX_DURATION};
use crate::diag::{nearest, Diagnostic, Problems};
use crate::num::{exact_toml, Dec};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Toolkits shipped inside the binary, so a project runs on a machine with no `proxies/` folder.
pub const BUNDLED: &[(&str, &str)] = &[("uk-core", include_str!("../../proxies/uk-core.toml"))];

/// Largest ratio between the highest and lowest entries of a price index.
const MAX_INDEX_SPREAD: i64 = 1000;

/// Versions of the toolkit format this build understands (see docs/toolkit-format.md).
/// Decision: version 1 is refused, not read with guesses: it has no `basis`, `per_story`,
/// `transfer` or `never_with`, and reading it as if it had would value stories and transfers
/// the way version 2 exists to stop.
const FORMAT_VERSIONS: &[i64] = &[2];

/// Fewest before-and-after pairs from which a measured change is valued, unless the toolkit
/// says otherwise (`min_pairs`): the usual rule of thumb for a paired t interval to be trusted.
pub const DEFAULT_MIN_PAIRS: u64 = 30;

/// What the error for a version-1 toolkit tells its keeper to add.
const UPGRADE_HELP: &str = "add format_version = 2 under [toolkit]; then give every outcome [[proxy]] a basis table (where each default adjustment comes from), every [[tag]] that carries a proxy a per_story (or harm = true), and mark transfers (transfer = true), whole-period costs (whole_period = true) and pairs never to add (never_with); docs/toolkit-format.md, \"Changes from version 1\", lists each";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    toolkit: Spanned<RawHeader>,
    #[serde(default)]
    price_index: BTreeMap<String, Spanned<Dec>>,
    #[serde(default)]
    proxy: Vec<Spanned<RawProxy>>,
    #[serde(default)]
    tag: Vec<Spanned<RawTag>>,
    #[serde(default)]
    indicator: Vec<Spanned<super::indicator::RawIndicator>>,
    #[serde(default)]
    place: Vec<super::place::RawPlace>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    format_version: Option<Spanned<i64>>,
    id: Spanned<String>,
    version: Spanned<String>,
    title: String,
    currency: Spanned<String>,
    price_year: Spanned<i32>,
    discount_rate: Spanned<Dec>,
    discount_first_year: bool,
    price_index_source: Option<String>,
    price_index_url: Option<String>,
    price_index_licence: Option<String>,
    fingerprint: Option<Spanned<String>>,
    min_pairs: Option<Spanned<i64>>,
    wellby_value: Option<Spanned<Dec>>,
    wellby_low: Option<Spanned<Dec>>,
    wellby_high: Option<Spanned<Dec>>,
    wellby_price_year: Option<Spanned<i32>>,
    wellby_source: Option<String>,
    wellby_url: Option<String>,
    wellby_licence: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProxy {
    id: Spanned<String>,
    name: Spanned<String>,
    kind: Kind,
    unit: Spanned<String>,
    value: Spanned<Dec>,
    low: Option<Spanned<Dec>>,
    high: Option<Spanned<Dec>>,
    price_year: Spanned<i32>,
    beneficiary: Spanned<String>,
    cashable: Option<bool>,
    source: Spanned<String>,
    url: Spanned<String>,
    licence: Spanned<String>,
    method: Option<String>,
    rationale: Option<String>,
    deadweight: Spanned<Dec>,
    attribution: Spanned<Dec>,
    displacement: Spanned<Dec>,
    drop_off: Spanned<Dec>,
    duration: Spanned<i64>,
    themes: Spanned<Vec<String>>,
    basis: Option<Spanned<RawBasis>>,
    #[serde(default)]
    transfer: bool,
    #[serde(default)]
    whole_period: bool,
    never_with: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `basis = { deadweight = "...", ... }`: each key optional here so that every missing one is
/// reported by name.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBasis {
    deadweight: Option<String>,
    attribution: Option<String>,
    displacement: Option<String>,
    drop_off: Option<String>,
    duration: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    id: Spanned<String>,
    label: Spanned<String>,
    theme: Spanned<String>,
    proxy: Option<Spanned<String>>,
    per_story: Option<Spanned<Dec>>,
    #[serde(default)]
    harm: bool,
}

/// Where a toolkit came from: a file on disk or one bundled in the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Bundled(&'static str),
}

/// Finds toolkit `id` for a project in `project_dir`: `<dir>/<id>.toml`, `<dir>/proxies/<id>.toml`,
/// `./proxies/<id>.toml`, then the toolkits bundled in the binary.
pub fn find(id: &str, project_dir: &Path) -> Option<Source> {
    // An id is a name, never a path (`../x` would reach outside the folders searched).
    if rules::id(id, "toolkit id").is_some() {
        return None;
    }
    let file = format!("{id}.toml");
    let candidates = [
        project_dir.join(&file),
        project_dir.join("proxies").join(&file),
        Path::new("proxies").join(&file),
    ];
    if let Some(p) = candidates.into_iter().find(|p| p.is_file()) {
        return Some(Source::File(p));
    }
    BUNDLED
        .iter()
        .find(|(name, _)| *name == id)
        .map(|(name, _)| Source::Bundled(name))
}

/// Reads and validates the toolkit at `source`.
pub fn load_file(source: &Source) -> Result<Toolkit, Problems> {
    match source {
        Source::File(path) => {
            let text = crate::read::input::read_text_file(path)?;
            parse(&text, path)
        }
        Source::Bundled(name) => {
            let text = BUNDLED
                .iter()
                .find(|(n, _)| n == name)
                .map_or("", |(_, t)| *t);
            parse(text, Path::new(&format!("<bundled {name}.toml>")))
        }
    }
}

/// Parses and validates toolkit text; `path` is used in messages.
pub fn parse(text: &str, path: &Path) -> Result<Toolkit, Problems> {
    // Read a table at a time, so a large bank's parse takes a table's memory, not 35 times
    // the file's.
    let raw: RawFile = crate::read::toml::from_str(text, crate::read::toml::TOOLKIT)
        .map_err(|e| e.problems(text, path, crate::read::input::TomlFile::Toolkit))?;
    Checker {
        text,
        path,
        problems: Problems::new(),
    }
    .check(raw)
}

pub(super) struct Checker<'a> {
    pub(super) text: &'a str,
    pub(super) path: &'a Path,
    pub(super) problems: Problems,
}

impl Checker<'_> {
    pub(super) fn err(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        let mut d = Diagnostic::error(message).at_span(self.path, self.text, span);
        d.help = help;
        self.problems.push(d);
    }

    pub(super) fn nonempty(&mut self, field: &Spanned<String>, what: &str) -> String {
        let v = field.get_ref().trim().to_string();
        if v.is_empty() {
            self.err(field.span(), format!("{what} is empty"), None);
        }
        v
    }

    /// Reports a broken rule at `span`, if there is one.
    pub(super) fn rule(&mut self, span: Range<usize>, broken: Option<Broken>) {
        if let Some(b) = broken {
            self.err(span, b.message, b.help);
        }
    }

    /// A number exactly as written in the file (see [`exact_toml`]).
    pub(super) fn num(&mut self, field: &Spanned<Dec>) -> Decimal {
        let raw = self.text.get(field.span()).unwrap_or("");
        match exact_toml(raw, field.get_ref().0) {
            Ok(d) => d,
            Err(e) => {
                self.err(field.span(), e.to_string(), None);
                field.get_ref().0
            }
        }
    }

    pub(super) fn fraction(&mut self, field: &Spanned<Dec>, what: &str) -> Decimal {
        let v = self.num(field);
        self.rule(field.span(), rules::fraction(v, what));
        v
    }

    fn check(mut self, raw: RawFile) -> Result<Toolkit, Problems> {
        let header_span = raw.toolkit.span();
        let h = raw.toolkit.into_inner();
        match &h.format_version {
            Some(fv) if FORMAT_VERSIONS.contains(fv.get_ref()) => {}
            Some(fv) if *fv.get_ref() == 1 => self.err(
                fv.span(),
                "toolkit format_version 1 is no longer read: format 2 makes the rules against over-claiming explicit".into(),
                Some(UPGRADE_HELP.into()),
            ),
            Some(fv) => self.err(
                fv.span(),
                format!("toolkit format_version {} is not understood by this version of social-value", fv.get_ref()),
                Some("use format_version = 2, or update social-value".into()),
            ),
            None => self.err(
                h.id.span(),
                "the toolkit does not say format_version = 2, so it is read as format 1, which is no longer read".into(),
                Some(UPGRADE_HELP.into()),
            ),
        }
        let min_pairs = match &h.min_pairs {
            None => DEFAULT_MIN_PAIRS,
            Some(m) => {
                match u64::try_from(*m.get_ref()) {
                    Ok(n) if (5..=1_000_000).contains(&n) => n,
                    _ => {
                        self.err(
                        m.span(),
                        format!("min_pairs must be a whole number from 5 to 1,000,000, found {}", m.get_ref()),
                        Some(format!("{DEFAULT_MIN_PAIRS} is the usual rule of thumb for a paired interval")),
                    );
                        DEFAULT_MIN_PAIRS
                    }
                }
            }
        };
        let id = self.nonempty(&h.id, "toolkit id");
        check_id(&mut self, &h.id, "toolkit id");
        let version = self.nonempty(&h.version, "toolkit version");
        if h.currency.get_ref() != "GBP" {
            self.err(
                h.currency.span(),
                format!("currency \"{}\" is not supported", h.currency.get_ref()),
                Some(
                    "this version values everything in pounds sterling: currency = \"GBP\"".into(),
                ),
            );
        }
        let rate = self.num(&h.discount_rate);
        if rate < Decimal::ZERO || rate >= Decimal::ONE {
            self.err(
                h.discount_rate.span(),
                format!("discount_rate must be at least 0 and below 1, found {rate}"),
                Some("the HM Treasury Green Book rate is 0.035 (3.5%)".into()),
            );
        }

        let mut index = BTreeMap::new();
        for (key, val) in &raw.price_index {
            let year = key
                .trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1800..=2200).contains(y));
            let v = self.num(val);
            match year {
                None => self.err(
                    val.span(),
                    format!("price_index key \"{key}\" is not a year"),
                    Some("write one line per year, e.g. 2024 = 100.0".into()),
                ),
                Some(_) if v <= Decimal::ZERO || v > Decimal::from(1_000_000) => self.err(
                    val.span(),
                    format!(
                        "price index for {key} must be above 0 and at most 1,000,000, found {v}"
                    ),
                    None,
                ),
                Some(y) => {
                    index.insert(y, v);
                }
            }
        }
        // Real price indices move by far less than this over centuries; a bigger spread is a
        // slip (e.g. one entry on a different base) and could make rebased values overflow.
        if let (Some(lo), Some(hi)) = (index.values().min(), index.values().max()) {
            if *hi > *lo * Decimal::from(MAX_INDEX_SPREAD) {
                let span = raw
                    .price_index
                    .values()
                    .find(|v| self.num(v) == *hi)
                    .map_or(header_span.clone(), |v| v.span());
                self.err(
                    span,
                    format!("the price index runs from {lo} to {hi}, more than {MAX_INDEX_SPREAD} times apart"),
                    Some("check that every year uses the same base (e.g. 2024 = 100)".into()),
                );
            }
        }
        let price_year = *h.price_year.get_ref();
        if !raw.price_index.is_empty() && !index.contains_key(&price_year) {
            self.err(
                h.price_year.span(),
                format!("the toolkit's price_year {price_year} has no entry in [price_index]"),
                Some(format!(
                    "add `{price_year} = 100.0` (or its published index) to [price_index]"
                )),
            );
        } else if raw.price_index.is_empty() {
            self.err(
                header_span.clone(),
                "the toolkit has no [price_index] table".into(),
                Some(format!(
                    "add [price_index] with at least `{price_year} = 100.0`"
                )),
            );
        }

        let mut proxies = Vec::with_capacity(raw.proxy.len());
        let mut declared_never = Vec::new();
        let mut seen = HashSet::new();
        for sp in raw.proxy {
            let mut p = sp.into_inner();
            let pid = self.nonempty(&p.id, "proxy id");
            check_id(&mut self, &p.id, "proxy id");
            if !seen.insert(pid.clone()) {
                self.err(
                    p.id.span(),
                    format!("proxy id \"{pid}\" is used twice"),
                    Some("every proxy needs its own id".into()),
                );
            }
            declared_never.push(p.never_with.take());
            proxies.push(self.proxy(p, pid, &index));
        }

        let raw_wellby = super::indicator::RawWellby {
            wellby_value: h.wellby_value,
            wellby_low: h.wellby_low,
            wellby_high: h.wellby_high,
            wellby_price_year: h.wellby_price_year,
            wellby_source: h.wellby_source,
            wellby_url: h.wellby_url,
            wellby_licence: h.wellby_licence,
        };
        let wellby = self.wellby(&raw_wellby, &index, header_span.clone());
        if let Some(w) = wellby {
            if proxies.iter().any(|p: &Proxy| p.id == w.id) {
                self.err(
                    header_span.clone(),
                    format!(
                        "proxy id \"{}\" is reserved for the WELLBY value of wellby_value",
                        w.id
                    ),
                    Some("rename that proxy".into()),
                );
            }
            proxies.push(w);
        }
        let never = self.never_pairs(&mut proxies, declared_never);
        let has_wellby = proxies
            .iter()
            .any(|p| p.id == super::indicator::WELLBY_PROXY);
        let indicators = self.indicators(raw.indicator, has_wellby, false);
        let places = self.places(raw.place);

        let mut tags = Vec::with_capacity(raw.tag.len());
        let mut seen_tags = HashSet::new();
        // Each tag's proxy found by id, not by a scan of every proxy per tag.
        let proxy_at = super::positions(proxies.iter().map(|p| p.id.as_str()));
        for st in raw.tag {
            let t = st.into_inner();
            let tid = self.nonempty(&t.id, "tag id");
            check_id(&mut self, &t.id, "tag id");
            if !seen_tags.insert(tid.clone()) {
                self.err(t.id.span(), format!("tag id \"{tid}\" is used twice"), None);
            }
            tags.push(self.tag(t, tid, (&proxies, &proxy_at)));
        }

        let ids = super::Ids::of(&proxies, &tags, &indicators);
        let toolkit = Toolkit {
            id,
            version,
            title: h.title,
            currency: h.currency.into_inner(),
            price_year,
            discount_rate: rate,
            discount_first_year: h.discount_first_year,
            price_index: index,
            price_index_source: h.price_index_source,
            price_index_url: h.price_index_url,
            price_index_licence: h.price_index_licence,
            proxies,
            tags,
            indicators,
            place_index: super::place::PlaceIndex::new(&places),
            places,
            origin: self.path.display().to_string(),
            fingerprint: String::new(),
            min_pairs,
            never,
            ids,
        };
        if self.problems.has_errors() {
            return Err(self.problems);
        }
        let fingerprint = super::fingerprint(&toolkit);
        if let Some(stamped) = &h.fingerprint {
            if stamped.get_ref().trim() != fingerprint {
                self.err(
                    stamped.span(),
                    "the toolkit has changed since this fingerprint was stamped on it".into(),
                    Some(format!("its content now gives {fingerprint}; if the change is intended, run `social-value toolkit check FILE --stamp`")),
                );
            }
        }
        self.problems.into_result(Toolkit {
            fingerprint,
            ..toolkit
        })
    }

    fn proxy(&mut self, p: RawProxy, id: String, index: &BTreeMap<i32, Decimal>) -> Proxy {
        let name = self.nonempty(&p.name, "proxy name");
        let unit = self.nonempty(&p.unit, "proxy unit");
        let beneficiary = self.nonempty(&p.beneficiary, "beneficiary");
        let source = self.nonempty(&p.source, "source");
        let url = p.url.get_ref().trim().to_string();
        self.rule(p.url.span(), rules::url(&url));
        let licence = self.nonempty(&p.licence, "licence");
        let value = self.num(&p.value);
        self.rule(p.value.span(), rules::unit_value(value, "value"));
        let low = p.low.as_ref().map(|s| self.num(s));
        let high = p.high.as_ref().map(|s| self.num(s));
        if let (Some(l), Some(sp)) = (low, &p.low) {
            self.rule(
                sp.span(),
                rules::low(l, value).or_else(|| rules::unit_value(l, "low")),
            );
        }
        if let (Some(h), Some(sp)) = (high, &p.high) {
            self.rule(
                sp.span(),
                rules::high(h, value).or_else(|| rules::unit_value(h, "high")),
            );
        }
        let year = *p.price_year.get_ref();
        if !index.is_empty() {
            self.rule(p.price_year.span(), rules::price_year(year, index, &id));
        }
        let duration = *p.duration.get_ref();
        self.rule(p.duration.span(), rules::duration(duration));
        let defaults = Adjustments {
            deadweight: self.fraction(&p.deadweight, "deadweight"),
            attribution: self.fraction(&p.attribution, "attribution"),
            displacement: self.fraction(&p.displacement, "displacement"),
            drop_off: self.fraction(&p.drop_off, "drop_off"),
            duration: duration.clamp(1, i64::from(MAX_DURATION)) as u32,
        };
        let themes: Vec<String> = p
            .themes
            .get_ref()
            .iter()
            .map(|t| t.trim().to_string())
            .collect();
        if themes.is_empty() || themes.iter().any(String::is_empty) {
            self.err(
                p.themes.span(),
                format!("proxy \"{id}\" needs at least one non-empty theme"),
                Some("e.g. themes = [\"health\"]; the first is the primary theme".into()),
            );
        }
        if p.kind == Kind::Volunteering && (p.transfer || p.whole_period) {
            self.err(
                p.id.span(),
                format!("volunteering proxy \"{id}\" cannot be a transfer or a whole-period cost"),
                Some("an hour of volunteers' time is valued at what it would cost to replace: remove transfer and whole_period".into()),
            );
        }
        let basis = self.basis(&p, &id, &defaults);
        Proxy {
            id,
            name,
            kind: p.kind,
            unit,
            value,
            low,
            high,
            price_year: year,
            beneficiary,
            cashable: p.cashable,
            source,
            url,
            licence,
            method: p.method,
            rationale: p.rationale,
            defaults,
            basis,
            themes,
            transfer: p.transfer,
            whole_period: p.whole_period,
            never_with: Vec::new(),
        }
    }

    /// Reads a proxy's `basis`: required, every adjustment named, for any proxy but volunteer
    /// time; a deadweight of 0 needs evidence, not a convention.
    fn basis(&mut self, p: &RawProxy, id: &str, defaults: &Adjustments) -> Option<Basis> {
        let outcome = p.kind != Kind::Volunteering;
        let basis = self.read_basis(
            p.basis.as_ref(),
            p.id.span(),
            &format!("outcome proxy \"{id}\""),
            outcome,
        );
        let evidenced = basis
            .as_ref()
            .is_some_and(|b| !b.deadweight.is_empty() && !Basis::is_convention(&b.deadweight));
        if outcome && defaults.deadweight.is_zero() && !evidenced {
            self.err(
                p.deadweight.span(),
                format!("outcome proxy \"{id}\" assumes nothing would have happened anyway (deadweight 0), with no evidence for it"),
                Some("give basis.deadweight the evaluation that shows it, or use a deadweight from published practice (the median in SROI reports is 20%)".into()),
            );
        }
        basis
    }

    /// Reads a `basis` table: every adjustment must be named. `owner` names what it belongs to
    /// in messages; `required` says whether its absence is an error.
    pub(super) fn read_basis(
        &mut self,
        raw: Option<&Spanned<RawBasis>>,
        at: Range<usize>,
        owner: &str,
        required: bool,
    ) -> Option<Basis> {
        let Some(raw) = raw else {
            if required {
                self.err(
                    at,
                    format!("{owner} has no basis for its default adjustments"),
                    Some("add basis = { deadweight = \"...\", attribution = \"...\", displacement = \"...\", drop_off = \"...\", duration = \"...\" }: the evaluation each comes from, or \"convention: ...\" with the published range it sits in".into()),
                );
            }
            return None;
        };
        let span = raw.span();
        let raw = raw.get_ref();
        let mut field = |v: &Option<String>, what: &str| -> String {
            let t = v.as_deref().unwrap_or("").trim().to_string();
            if t.is_empty() {
                self.err(
                    span.clone(),
                    format!("{owner}: basis gives nothing for {what}"),
                    Some(format!("add {what} = \"...\" to basis: the evidence, or \"convention: ...\" with its published range")),
                );
            }
            t
        };
        Some(Basis {
            deadweight: field(&raw.deadweight, "deadweight"),
            attribution: field(&raw.attribution, "attribution"),
            displacement: field(&raw.displacement, "displacement"),
            drop_off: field(&raw.drop_off, "drop_off"),
            duration: field(&raw.duration, "duration"),
        })
    }

    /// Checks the `never_with` lists (known ids, not the proxy itself, not volunteer time) and
    /// returns every proxy's partners both ways round, the WELLBY's included: life satisfaction
    /// already holds the wellbeing that a wellbeing proxy sharing one of its themes prices.
    fn never_pairs(
        &mut self,
        proxies: &mut [Proxy],
        declared: Vec<Option<Spanned<Vec<Spanned<String>>>>>,
    ) -> BTreeMap<String, Vec<String>> {
        let ids: HashSet<String> = proxies.iter().map(|p| p.id.clone()).collect();
        let mut never: BTreeMap<String, Vec<String>> = BTreeMap::new();
        // Duplicates are removed once at the end (sorting), so a long list stays linear.
        let mut pair = |a: &str, b: &str| {
            for (x, y) in [(a, b), (b, a)] {
                never.entry(x.to_string()).or_default().push(y.to_string());
            }
        };
        for (i, list) in declared.into_iter().enumerate() {
            let Some(list) = list else { continue };
            let me = proxies[i].id.clone();
            for other in list.into_inner() {
                let name = other.get_ref().trim().to_string();
                let problem = if name == me {
                    Some((format!("proxy \"{me}\" lists itself in never_with"), None))
                } else if !ids.contains(&name) {
                    // Suggestions for the first hundred only: each compares with every id.
                    let help = (self.problems.list.len() < 100)
                        .then(|| nearest(&name, ids.iter().map(String::as_str)))
                        .flatten()
                        .map(|n| format!("did you mean \"{n}\"?"));
                    Some((format!("proxy \"{me}\": never_with names \"{name}\", which is not in this toolkit"), help))
                } else if proxies[i].kind == Kind::Volunteering {
                    Some((format!("volunteering proxy \"{me}\" cannot have never_with"), Some("the value of an hour given is never an outcome; pairs are between outcome proxies".into())))
                } else {
                    None
                };
                match problem {
                    Some((m, help)) => self.err(other.span(), m, help),
                    None => {
                        proxies[i].never_with.push(name.clone());
                        pair(&me, &name);
                    }
                }
            }
        }
        if let Some(w) = proxies
            .iter()
            .find(|p| p.id == super::indicator::WELLBY_PROXY)
        {
            let others: Vec<String> = proxies
                .iter()
                .filter(|p| p.id != w.id && p.kind == Kind::Wellbeing)
                .filter(|p| p.themes.iter().any(|t| w.themes.contains(t)))
                .map(|p| p.id.clone())
                .collect();
            for o in others {
                pair(super::indicator::WELLBY_PROXY, &o);
            }
        }
        for list in never.values_mut() {
            list.sort();
            list.dedup();
        }
        never
    }

    /// Checks a `[[tag]]`: its proxy exists and is not volunteer time, and `per_story` is
    /// given exactly when a story with the tag can be valued.
    fn tag(
        &mut self,
        t: RawTag,
        id: String,
        (proxies, proxy_at): (&[Proxy], &FxHashMap<String, usize>),
    ) -> Tag {
        let label = self.nonempty(&t.label, "tag label");
        let theme = self.nonempty(&t.theme, "tag theme");
        let proxy = t.proxy.as_ref().map(|p| p.get_ref().trim().to_string());
        let mut valued = false;
        if let (Some(sp), Some(pid)) = (&t.proxy, &proxy) {
            match proxy_at.get(pid.as_str()).map(|&i| &proxies[i]) {
                None => {
                    // Suggestions for the first hundred problems only: each compares with
                    // every proxy id (an error path, so a scan is fine there).
                    let help = (self.problems.list.len() < 100)
                        .then(|| nearest(pid, proxies.iter().map(|p| p.id.as_str())))
                        .flatten()
                        .map(|n| format!("did you mean \"{n}\"?"));
                    self.err(
                        sp.span(),
                        format!("tag \"{id}\" names proxy \"{pid}\", which is not in this toolkit"),
                        help,
                    );
                }
                Some(p) if p.kind == Kind::Volunteering => self.err(
                    sp.span(),
                    format!("tag \"{id}\" names volunteering proxy \"{pid}\""),
                    Some(
                        "volunteer time is counted from hours, not stories; use an outcome proxy"
                            .into(),
                    ),
                ),
                Some(p) => valued = !t.harm && !p.whole_period,
            }
        }
        let per_story = t.per_story.as_ref().map(|f| (self.num(f), f.span()));
        match (&per_story, valued) {
            (None, true) => self.err(
                t.proxy.as_ref().map_or(t.id.span(), Spanned::span),
                format!("tag \"{id}\" carries a proxy but does not say how much of it one story evidences"),
                Some("add per_story = 0.25 (a number above 0 and at most 1, in the proxy's unit), with a comment giving its basis".into()),
            ),
            (Some((_, span)), false) => self.err(
                span.clone(),
                format!("tag \"{id}\" gives per_story, but a story with it is never valued"),
                Some(if t.harm {
                    "a harm done to a person is evidence only: remove per_story".into()
                } else if proxy.is_some() {
                    "its proxy is a whole-period cost, which one story cannot evidence: remove per_story".into()
                } else {
                    "per_story goes with a proxy: add proxy, or remove per_story".into()
                }),
            ),
            (Some((x, span)), true) if *x <= Decimal::ZERO || *x > Decimal::ONE => self.err(
                span.clone(),
                format!("tag \"{id}\": per_story must be above 0 and at most 1, found {x}"),
                Some("one story evidences at most one unit of an outcome: a fraction such as 0.25".into()),
            ),
            _ => {}
        }
        Tag {
            id,
            label,
            theme,
            proxy,
            per_story: per_story.filter(|_| valued).map(|(x, _)| x),
            harm: t.harm,
        }
    }
}

fn check_id(c: &mut Checker, id: &Spanned<String>, what: &str) {
    // Emptiness is reported by `nonempty`.
    if !id.get_ref().is_empty() {
        c.rule(id.span(), rules::id(id.get_ref(), what));
    }
}

/// The toolkit a project names: `explicit` if given (`--toolkit PATH`), otherwise found by [`find`].
pub fn for_project(
    id: &str,
    project_file: &Path,
    explicit: Option<&Path>,
) -> Result<Toolkit, Problems> {
    let dir = project_file.parent().unwrap_or(Path::new("."));
    let source = match explicit {
        Some(p) => Source::File(p.to_path_buf()),
        None => find(id, dir).ok_or_else(|| {
            Problems::one(
                Diagnostic::error(format!("cannot find toolkit \"{id}\""))
                    .in_file(project_file)
                    .with_help(format!(
                        "put {id}.toml next to the project or in a proxies/ folder, or give --toolkit PATH; bundled toolkits: {}",
                        BUNDLED.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                    )),
            )
        })?,
    };
    load_file(&source)
}
