//! A toolkit's fingerprint: SHA-256 of its canonical content, so two results can be proved to use
//! the same bank. Comments, layout, key order and number spelling (`0.20` vs `0.2`) do not count.

use super::{Basis, Proxy, Tag, Toolkit};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

/// Version of the canonical form below; part of the hashed text, so a change of form changes
/// every fingerprint rather than silently colliding.
const CANONICAL_VERSION: &str = "social-value toolkit canonical 2";

/// The canonical text: one `key=value` line per field, values as JSON strings or exact decimals,
/// proxies and tags sorted by id, price index by year.
pub fn canonical_text(tk: &Toolkit) -> String {
    let mut out = Vec::new();
    out.push(CANONICAL_VERSION.to_string());
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    let d = |v: Decimal| v.normalize().to_string();
    let o = |v: &Option<String>| v.as_deref().map_or("null".to_string(), s);
    out.push(format!("toolkit.id={}", s(&tk.id)));
    out.push(format!("toolkit.version={}", s(&tk.version)));
    out.push(format!("toolkit.title={}", s(&tk.title)));
    out.push(format!("toolkit.currency={}", s(&tk.currency)));
    out.push(format!("toolkit.price_year={}", tk.price_year));
    out.push(format!("toolkit.discount_rate={}", d(tk.discount_rate)));
    out.push(format!(
        "toolkit.discount_first_year={}",
        tk.discount_first_year
    ));
    out.push(format!(
        "toolkit.price_index_source={}",
        o(&tk.price_index_source)
    ));
    out.push(format!(
        "toolkit.price_index_url={}",
        o(&tk.price_index_url)
    ));
    out.push(format!(
        "toolkit.price_index_licence={}",
        o(&tk.price_index_licence)
    ));
    out.push(format!("toolkit.min_pairs={}", tk.min_pairs));
    for (year, index) in &tk.price_index {
        out.push(format!("price_index.{year}={}", d(*index)));
    }
    let mut proxies: Vec<&Proxy> = tk.proxies.iter().collect();
    proxies.sort_by(|a, b| a.id.cmp(&b.id));
    for p in proxies {
        let k = |field: &str| format!("proxy.{}.{field}", s(&p.id));
        let od = |v: Option<Decimal>| v.map_or("null".to_string(), d);
        out.push(format!("{}={}", k("name"), s(&p.name)));
        out.push(format!("{}={}", k("kind"), s(p.kind.as_str())));
        out.push(format!("{}={}", k("unit"), s(&p.unit)));
        out.push(format!("{}={}", k("value"), d(p.value)));
        out.push(format!("{}={}", k("low"), od(p.low)));
        out.push(format!("{}={}", k("high"), od(p.high)));
        out.push(format!("{}={}", k("price_year"), p.price_year));
        out.push(format!("{}={}", k("beneficiary"), s(&p.beneficiary)));
        out.push(format!(
            "{}={}",
            k("cashable"),
            p.cashable.map_or("null".to_string(), |c| c.to_string())
        ));
        out.push(format!("{}={}", k("source"), s(&p.source)));
        out.push(format!("{}={}", k("url"), s(&p.url)));
        out.push(format!("{}={}", k("licence"), s(&p.licence)));
        out.push(format!("{}={}", k("method"), o(&p.method)));
        out.push(format!("{}={}", k("rationale"), o(&p.rationale)));
        let a = &p.defaults;
        out.push(format!("{}={}", k("deadweight"), d(a.deadweight)));
        out.push(format!("{}={}", k("attribution"), d(a.attribution)));
        out.push(format!("{}={}", k("displacement"), d(a.displacement)));
        out.push(format!("{}={}", k("drop_off"), d(a.drop_off)));
        out.push(format!("{}={}", k("duration"), a.duration));
        out.push(format!(
            "{}={}",
            k("themes"),
            serde_json::to_string(&p.themes).unwrap_or_default()
        ));
        out.push(format!("{}={}", k("transfer"), p.transfer));
        out.push(format!("{}={}", k("whole_period"), p.whole_period));
        let mut never = p.never_with.clone();
        never.sort();
        out.push(format!(
            "{}={}",
            k("never_with"),
            serde_json::to_string(&never).unwrap_or_default()
        ));
        basis(&mut out, &k, p.basis.as_ref());
    }
    let mut tags: Vec<&Tag> = tk.tags.iter().collect();
    tags.sort_by(|a, b| a.id.cmp(&b.id));
    for t in tags {
        let k = |field: &str| format!("tag.{}.{field}", s(&t.id));
        out.push(format!("{}={}", k("label"), s(&t.label)));
        out.push(format!("{}={}", k("theme"), s(&t.theme)));
        out.push(format!("{}={}", k("proxy"), o(&t.proxy)));
        let per_story = t.per_story.map_or("null".to_string(), d);
        out.push(format!("{}={}", k("per_story"), per_story));
        out.push(format!("{}={}", k("harm"), t.harm));
    }
    // Indicators (a toolkit without them hashes exactly as before they existed).
    let mut indicators: Vec<_> = tk.indicators.iter().collect();
    indicators.sort_by(|a, b| a.id.cmp(&b.id));
    for i in indicators {
        let k = |field: &str| format!("indicator.{}.{field}", s(&i.id));
        out.push(format!("{}={}", k("name"), s(&i.name)));
        out.push(format!("{}={}", k("scale_min"), d(i.scale_min)));
        out.push(format!("{}={}", k("scale_max"), d(i.scale_max)));
        out.push(format!("{}={}", k("higher_is_better"), i.higher_is_better));
        out.push(format!("{}={}", k("source"), s(&i.source)));
        out.push(format!("{}={}", k("url"), o(&i.url)));
        let valuation = i.valuation.map(|_| "wellby".to_string());
        out.push(format!("{}={}", k("valuation"), o(&valuation)));
        let a = &i.defaults;
        out.push(format!("{}={}", k("deadweight"), d(a.deadweight)));
        out.push(format!("{}={}", k("attribution"), d(a.attribution)));
        out.push(format!("{}={}", k("displacement"), d(a.displacement)));
        out.push(format!("{}={}", k("drop_off"), d(a.drop_off)));
        out.push(format!("{}={}", k("duration"), a.duration));
        out.push(format!("{}={}", k("themes"), s(&i.themes.join(";"))));
        basis(&mut out, &k, i.basis.as_ref());
    }
    // Places likewise: a toolkit without them hashes as before they existed.
    let mut places: Vec<_> = tk.places.iter().collect();
    places.sort_by(|a, b| a.code.cmp(&b.code));
    for p in places {
        out.push(format!("place.{}.name={}", s(&p.code), s(&p.name)));
    }
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `<key>.basis.<adjustment>=` lines, or one `<key>.basis=null` when there is none.
fn basis(out: &mut Vec<String>, key: &dyn Fn(&str) -> String, b: Option<&Basis>) {
    let s = |v: &str| serde_json::to_string(v).unwrap_or_default();
    match b {
        None => out.push(format!("{}=null", key("basis"))),
        Some(b) => {
            for (name, text) in b.fields() {
                out.push(format!("{}={}", key(&format!("basis.{name}")), s(text)));
            }
        }
    }
}

/// `sha256:` and the hex digest of [`canonical_text`].
pub fn fingerprint(tk: &Toolkit) -> String {
    let digest = Sha256::digest(canonical_text(tk).as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
