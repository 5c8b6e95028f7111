//! Reading a toolkit file: TOML into raw spanned records, then validated into a `Toolkit`.
//! Every problem is gathered (not just the first) and points at its file, line and column.

use super::{Adjustments, Kind, Proxy, Tag, Toolkit, MAX_DURATION};
use crate::diag::{nearest, Diagnostic, Problems};
use crate::num::Dec;
use rust_decimal::Decimal;
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Toolkits shipped inside the binary, so a project runs on a machine with no `proxies/` folder.
pub const BUNDLED: &[(&str, &str)] = &[("uk-core", include_str!("../../proxies/uk-core.toml"))];

/// Versions of the toolkit format this build understands (see docs/toolkit-format.md).
const FORMAT_VERSIONS: &[i64] = &[1];

/// Largest magnitude accepted for one unit of a proxy, so sums can never overflow.
const MAX_UNIT_VALUE: i64 = 1_000_000_000;

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
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTag {
    id: Spanned<String>,
    label: Spanned<String>,
    theme: Spanned<String>,
    proxy: Option<Spanned<String>>,
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
            let text = crate::input::read_text_file(path)?;
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
    let raw: RawFile =
        toml::from_str(text).map_err(|e| crate::input::toml_error(&e, text, path))?;
    Checker {
        text,
        path,
        problems: Problems::new(),
    }
    .check(raw)
}

struct Checker<'a> {
    text: &'a str,
    path: &'a Path,
    problems: Problems,
}

impl Checker<'_> {
    fn err(&mut self, span: Range<usize>, message: String, help: Option<String>) {
        let mut d = Diagnostic::error(message).at_span(self.path, self.text, span);
        d.help = help;
        self.problems.push(d);
    }

    fn nonempty(&mut self, field: &Spanned<String>, what: &str) -> String {
        let v = field.get_ref().trim().to_string();
        if v.is_empty() {
            self.err(field.span(), format!("{what} is empty"), None);
        }
        v
    }

    fn fraction(&mut self, field: &Spanned<Dec>, what: &str) -> Decimal {
        let v = field.get_ref().0;
        if v < Decimal::ZERO || v > Decimal::ONE {
            let help = if v > Decimal::ONE && v <= Decimal::ONE_HUNDRED {
                format!(
                    "write it as a fraction: {} for {v}%",
                    (v / Decimal::ONE_HUNDRED).normalize()
                )
            } else {
                "a fraction is between 0 and 1, e.g. 0.2 for 20%".to_string()
            };
            self.err(
                field.span(),
                format!("{what} must be between 0 and 1, found {v}"),
                Some(help),
            );
        }
        v
    }

    fn check(mut self, raw: RawFile) -> Result<Toolkit, Problems> {
        let header_span = raw.toolkit.span();
        let h = raw.toolkit.into_inner();
        if let Some(fv) = &h.format_version {
            if !FORMAT_VERSIONS.contains(fv.get_ref()) {
                self.err(
                    fv.span(),
                    format!("toolkit format_version {} is not understood by this version of social-value", fv.get_ref()),
                    Some("use format_version = 1, or update social-value".into()),
                );
            }
        }
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
        let rate = h.discount_rate.get_ref().0;
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
            let v = val.get_ref().0;
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
                header_span,
                "the toolkit has no [price_index] table".into(),
                Some(format!(
                    "add [price_index] with at least `{price_year} = 100.0`"
                )),
            );
        }

        let mut proxies = Vec::with_capacity(raw.proxy.len());
        let mut seen = HashSet::new();
        for sp in raw.proxy {
            let p = sp.into_inner();
            let pid = self.nonempty(&p.id, "proxy id");
            check_id(&mut self, &p.id, "proxy id");
            if !seen.insert(pid.clone()) {
                self.err(
                    p.id.span(),
                    format!("proxy id \"{pid}\" is used twice"),
                    Some("every proxy needs its own id".into()),
                );
            }
            proxies.push(self.proxy(p, pid, &index));
        }

        let mut tags = Vec::with_capacity(raw.tag.len());
        let mut seen_tags = HashSet::new();
        for st in raw.tag {
            let t = st.into_inner();
            let tid = self.nonempty(&t.id, "tag id");
            check_id(&mut self, &t.id, "tag id");
            if !seen_tags.insert(tid.clone()) {
                self.err(t.id.span(), format!("tag id \"{tid}\" is used twice"), None);
            }
            let label = self.nonempty(&t.label, "tag label");
            let theme = self.nonempty(&t.theme, "tag theme");
            let proxy = t.proxy.as_ref().map(|p| p.get_ref().trim().to_string());
            if let (Some(sp), Some(pid)) = (&t.proxy, &proxy) {
                match proxies.iter().find(|p: &&Proxy| &p.id == pid) {
                    None => {
                        let help = nearest(pid, proxies.iter().map(|p| p.id.as_str()))
                            .map(|n| format!("did you mean \"{n}\"?"));
                        self.err(sp.span(), format!("tag \"{tid}\" names proxy \"{pid}\", which is not in this toolkit"), help);
                    }
                    Some(p) if p.kind == Kind::Volunteering => self.err(
                        sp.span(),
                        format!("tag \"{tid}\" names volunteering proxy \"{pid}\""),
                        Some("volunteer time is counted from hours, not stories; use an outcome proxy".into()),
                    ),
                    Some(_) => {}
                }
            }
            tags.push(Tag {
                id: tid,
                label,
                theme,
                proxy,
            });
        }

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
            proxies,
            tags,
            origin: self.path.display().to_string(),
        };
        let _ = (h.price_index_url, h.price_index_licence);
        self.problems.into_result(toolkit)
    }

    fn proxy(&mut self, p: RawProxy, id: String, index: &BTreeMap<i32, Decimal>) -> Proxy {
        let name = self.nonempty(&p.name, "proxy name");
        let unit = self.nonempty(&p.unit, "proxy unit");
        let beneficiary = self.nonempty(&p.beneficiary, "beneficiary");
        let source = self.nonempty(&p.source, "source");
        let url = self.nonempty(&p.url, "url");
        let licence = self.nonempty(&p.licence, "licence");
        if !(url.is_empty() || url.starts_with("https://") || url.starts_with("http://")) {
            self.err(
                p.url.span(),
                format!("url \"{url}\" is not a web address"),
                Some("start it with https://".into()),
            );
        }
        let value = p.value.get_ref().0;
        let limit = Decimal::from(MAX_UNIT_VALUE);
        if value.abs() > limit {
            self.err(
                p.value.span(),
                format!("value {value} is larger than one unit can be worth here (±1,000,000,000)"),
                None,
            );
        }
        let low = p.low.as_ref().map(|s| s.get_ref().0);
        let high = p.high.as_ref().map(|s| s.get_ref().0);
        if let (Some(l), Some(sp)) = (low, &p.low) {
            if l > value {
                self.err(
                    sp.span(),
                    format!("low {l} is above the value {value}"),
                    Some("low <= value <= high".into()),
                );
            }
        }
        if let (Some(hi), Some(sp)) = (high, &p.high) {
            if hi < value {
                self.err(
                    sp.span(),
                    format!("high {hi} is below the value {value}"),
                    Some("low <= value <= high".into()),
                );
            }
        }
        for b in [low, high].into_iter().flatten() {
            if b.abs() > limit {
                self.err(
                    p.value.span(),
                    format!("low/high {b} is larger than one unit can be worth here"),
                    None,
                );
            }
        }
        let year = *p.price_year.get_ref();
        if !index.is_empty() && !index.contains_key(&year) {
            let help = format!("add the {year} index to [price_index], or give the value in a year the index covers");
            self.err(
                p.price_year.span(),
                format!("proxy \"{id}\" is priced in {year}, which has no entry in [price_index]"),
                Some(help),
            );
        }
        let duration = *p.duration.get_ref();
        if !(1..=i64::from(MAX_DURATION)).contains(&duration) {
            self.err(
                p.duration.span(),
                format!("duration must be a whole number of years from 1 to {MAX_DURATION}, found {duration}"),
                None,
            );
        }
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
            themes,
        }
    }
}

/// Ids are shared across a network, so they are kept to `[a-z0-9._-]`, starting with a letter or digit.
fn check_id(c: &mut Checker, id: &Spanned<String>, what: &str) {
    let s = id.get_ref();
    let ok = s
        .chars()
        .next()
        .is_some_and(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
        && s.chars().all(|ch| {
            ch.is_ascii_lowercase() || ch.is_ascii_digit() || matches!(ch, '.' | '-' | '_')
        });
    if !s.is_empty() && !ok {
        c.err(
            id.span(),
            format!("{what} \"{s}\" may only use lower-case letters, digits, '.', '-' and '_'"),
            Some(format!("e.g. \"{}\"", s.to_lowercase().replace(' ', "-"))),
        );
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
