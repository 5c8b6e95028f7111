//! The network summary as JSON (`social-value-network`, docs/network.md): written from the
//! typed figures; the same inputs always give the same bytes.

use super::figures::{Figures, PooledIndicator};
use super::inbox;
use super::places::{MemberRow, PlaceRow};
use super::{shared, Distribution, Quarantined};
use crate::num::{fixed, money};
use rust_decimal::Decimal;
use serde_json::{json, Value};

/// The ratio as written everywhere in the network's files: two places.
pub fn ratio_text(r: Decimal) -> String {
    fixed(r, 2)
}

/// Hours as written in the network's files: trailing zeros dropped.
pub fn hours_text(h: Decimal) -> String {
    h.normalize().to_string()
}

fn file_json(q: &Quarantined) -> Value {
    json!({"file": inbox::shown(&q.file), "reason": q.reason, "action": q.action})
}

fn money_map(m: &std::collections::BTreeMap<String, Decimal>) -> serde_json::Map<String, Value> {
    m.iter()
        .map(|(k, v)| (k.clone(), Value::from(money(*v))))
        .collect()
}

/// Value by grade in pennies that add up to the total as shown (all four grades).
fn grade_map(
    by_grade: &std::collections::BTreeMap<crate::project::Grade, Decimal>,
) -> serde_json::Map<String, Value> {
    crate::report::evidence::mix_of(by_grade)
        .into_iter()
        .map(|(g, x, _)| (g.to_string(), Value::from(money(x))))
        .collect()
}

fn dist_json(d: Option<&Distribution>, f: fn(Decimal) -> String) -> Value {
    d.map_or(Value::Null, |d| json!({"count": d.count, "p5": f(d.p5), "q1": f(d.q1), "median": f(d.median), "q3": f(d.q3), "p95": f(d.p95)}))
}

/// The summary as JSON. `per_member` is written member by member, so a network of 100,000
/// members never holds every record as JSON at once.
pub fn to_json(f: &Figures) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail, and serde_json writes only UTF-8.
    let _ = write_json(f, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`to_json`] written to `w` as it is made. Decision: a network's JSON is about 760 bytes a
/// member (76 MB for 100,000), so `network --format json` streams it rather than holding it.
pub fn write_json(f: &Figures, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let s = f.summary;
    let mut v = json!({
        "format": "social-value-network",
        // 2: present_value counts a shared outcome claimed more than once only once.
        "format_version": 2,
        "year": f.year,
        "toolkit": s.toolkit,
        "files_found": s.files_found,
        "included": s.members.len(),
        "quarantined": s.quarantined.iter().map(file_json).collect::<Vec<_>>(),
        "skipped": s.skipped.iter().map(file_json).collect::<Vec<_>>(),
        "rebased_from": s.rebased_from,
        "members": s.members.len(),
        "present_value": money(f.present_value),
        "present_value_claimed": money(f.present_value_claimed),
        "double_counting_removed": money(f.double_counting_removed),
        "investment": money(f.investment),
        "sroi_ratio": f.sroi_ratio.map(ratio_text),
        "volunteer_hours": hours_text(f.volunteer_hours),
        "volunteers": f.volunteers,
        "people": f.people,
        "by_kind": money_map(&f.by_kind),
        "by_beneficiary": money_map(&f.by_beneficiary),
        "by_theme": money_map(&f.by_theme),
        "by_grade": grade_map(&f.by_grade),
        "by_place": f.places.iter().map(place_json).collect::<Vec<_>>(),
        "shared_outcomes": s.shared.iter().map(shared_json).collect::<Vec<_>>(),
        "ratio_distribution": dist_json(f.ratio_distribution.as_ref(), ratio_text),
        "value_per_hour_distribution": dist_json(f.value_per_hour_distribution.as_ref(), money),
        "outliers": f.outliers,
        "indicators": f.indicators.iter().map(indicator_json).collect::<Vec<_>>(),
        "quotes": f.quotes.iter().map(|q| json!({"member": q.member, "story": q.story, "quote": q.quote})).collect::<Vec<_>>(),
        "top_tags": f.top_tags.iter().map(|(t, n)| json!({"tag": t, "stories": n})).collect::<Vec<_>>(),
        "previous": f.previous.as_ref().map(|p| json!({
            "year": p.year,
            "members": p.members,
            "present_value": money(p.present_value),
            "investment": money(p.investment),
            "sroi_ratio": p.sroi_ratio.map(ratio_text),
            "change_in_present_value": money(p.change_in_present_value),
        })),
        // Written member by member when serialised (see `Top`).
        "per_member": Value::Null,
    });
    if let (Some(o), Some(r)) = (v.as_object_mut(), &f.ranked) {
        let rows = r.iter().enumerate().map(|(k, (m, ratio))| {
            json!({"rank": k + 1, "id": m.id, "name": m.name, "sroi_ratio": ratio_text(*ratio), "present_value": money(m.present_value)})
        });
        o.insert("ranked".into(), Value::Array(rows.collect()));
    }
    let top = Top {
        fields: v.as_object(),
        members: &f.members,
    };
    serde_json::to_writer_pretty(&mut *w, &top)?;
    w.write_all(b"\n")
}

fn place_json(p: &PlaceRow) -> Value {
    json!({
        "place": p.place,
        "name": p.name,
        "present_value": money(p.present_value),
        "volunteer_hours": hours_text(p.hours),
        "investment": money(p.investment),
        "people": p.people,
        "members_based_here": p.members_based_here,
        "members_with_value_here": p.members_with_value_here,
        "value_per_person": p.value_per_person.map(money),
        "deprivation_deciles": p.deprivation_deciles,
    })
}

fn indicator_json(p: &PooledIndicator) -> Value {
    json!({
        "indicator": p.id,
        "name": p.name,
        "scale_min": p.scale_min,
        "scale_max": p.scale_max,
        "higher_is_better": p.higher_is_better,
        "organisations": p.organisations,
        "people": p.people,
        "pairs": p.pairs,
        "mean_change": p.mean_change.map(|m| m.normalize().to_string()),
        "improved": p.improved,
        "same": p.same,
        "worse": p.worse,
        "wellbys": p.wellbys.map(|w| w.normalize().to_string()),
    })
}

/// A member's record: its own figures as claimed, its position and its context.
pub fn member_json(r: &MemberRow) -> Value {
    let m = r.member;
    json!({
        "id": m.id,
        "name": m.name,
        "file": inbox::shown(&m.file),
        "place": m.place,
        "present_value": money(m.present_value),
        "present_value_counted": money(r.present_value_counted),
        "investment": money(m.investment),
        "sroi_ratio": m.ratio().map(ratio_text),
        "ratio_quartile": r.ratio_quartile,
        "volunteer_hours": hours_text(m.hours),
        "people": m.people,
        "by_grade": grade_map(&m.by_grade_map()),
        "themes": r.themes().iter().map(|(t, share)| json!({"theme": t, "share": share_text(*share)})).collect::<Vec<_>>(),
        "over_claims": r.over_claims,
        "rebased_from": m.rebased.then(|| m.toolkit_version.clone()),
        "change_in_present_value": r.change_in_present_value.map(money),
    })
}

/// [`member_json`] as a record serialised straight to the output, without a JSON tree made
/// first for every member: the same fields in the same order, so the same bytes.
#[derive(serde::Serialize)]
struct MemberRecord<'a> {
    id: &'a str,
    name: &'a str,
    file: String,
    place: Option<&'a str>,
    present_value: String,
    present_value_counted: String,
    investment: String,
    sroi_ratio: Option<String>,
    ratio_quartile: Option<u8>,
    volunteer_hours: String,
    people: Option<u64>,
    by_grade: serde_json::Map<String, Value>,
    themes: Vec<ThemeShare>,
    over_claims: &'a [String],
    rebased_from: Option<&'a str>,
    change_in_present_value: Option<String>,
}

#[derive(serde::Serialize)]
struct ThemeShare {
    theme: String,
    share: String,
}

fn member_record<'a>(r: &'a MemberRow) -> MemberRecord<'a> {
    let m = r.member;
    MemberRecord {
        id: &m.id,
        name: &m.name,
        file: inbox::shown(&m.file),
        place: m.place.as_deref(),
        present_value: money(m.present_value),
        present_value_counted: money(r.present_value_counted),
        investment: money(m.investment),
        sroi_ratio: m.ratio().map(ratio_text),
        ratio_quartile: r.ratio_quartile,
        volunteer_hours: hours_text(m.hours),
        people: m.people,
        by_grade: grade_map(&m.by_grade_map()),
        themes: r
            .themes()
            .into_iter()
            .map(|(theme, share)| ThemeShare {
                theme,
                share: share_text(share),
            })
            .collect(),
        over_claims: &r.over_claims,
        rebased_from: m.rebased.then_some(m.toolkit_version.as_str()),
        change_in_present_value: r.change_in_present_value.map(money),
    }
}

/// A share of a member's value in whole percent, without the sign: "62".
pub fn share_text(share: Decimal) -> String {
    fixed(share * Decimal::ONE_HUNDRED, 0)
}

/// A shared outcome: the members' claims and how it was counted.
pub fn shared_json(x: &shared::SharedOutcome) -> Value {
    let dec = |d: Decimal| d.normalize().to_string();
    json!({
        "partnership": x.partnership,
        "proxy": x.proxy,
        "members": x.members,
        "agreed_shares": x.agreed.as_ref().map(|a| a.iter().map(|(k, v)| (k.clone(), Value::from(dec(*v)))).collect::<serde_json::Map<_, _>>()),
        "declarations_differ": x.declarations_differ,
        "declared_with_other_members": x.declared_with_other_members,
        "claims": x.claims.iter().map(|c| json!({
            "member": c.member,
            "name": c.name,
            "share": dec(c.share),
            "agreed_share": c.agreed.map(dec),
            "present_value": money(c.present_value),
            "counted": money(c.counted),
            "over_claimed": c.over_claimed,
        })).collect::<Vec<_>>(),
        "claimed_share_total": dec(x.claimed_share),
        "over_claimed": x.over_claimed,
        "present_value_claimed": money(x.present_value_claimed),
        "present_value_counted": money(x.present_value_counted),
        "counted_as": x.counted_as.as_str(),
    })
}

/// The summary's fields in order, with `per_member` written member by member in its place.
struct Top<'a> {
    fields: Option<&'a serde_json::Map<String, Value>>,
    members: &'a [MemberRow<'a>],
}

impl serde::Serialize for Top<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Records<'a>(&'a [MemberRow<'a>]);
        impl serde::Serialize for Records<'_> {
            fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
                let mut seq = ser.serialize_seq(Some(self.0.len()))?;
                for r in self.0 {
                    seq.serialize_element(&member_record(r))?;
                }
                seq.end()
            }
        }
        let mut map = ser.serialize_map(self.fields.map(serde_json::Map::len))?;
        for (k, v) in self.fields.into_iter().flatten() {
            if k == "per_member" {
                map.serialize_entry(k, &Records(self.members))?;
            } else {
                map.serialize_entry(k, v)?;
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolkit::{self, Source};

    /// Every member record written straight to the output is the JSON [`member_json`] gives,
    /// on a demo network (with places, shared outcomes, quotes and broken files).
    #[test]
    fn member_records_are_written_as_their_json_trees_are() {
        let tk = toolkit::load_file(&Source::Bundled(toolkit::BUNDLED[0].0)).unwrap();
        let dir = tempfile::tempdir().unwrap();
        crate::network::demo::generate(dir.path(), 60, 3, 2024, &tk).unwrap();
        let rules = crate::submission::gate::Rules {
            toolkit: &tk,
            year: Some(2024),
            max_months: crate::submission::gate::ANNUAL_MONTHS,
        };
        let inbox = crate::network::inbox::read(&[dir.path().to_path_buf()]);
        let s = crate::network::summarise(&inbox, &rules, 2, &|_| {});
        let f = Figures::new(&s, Some(&s), false);
        assert!(f.members.len() > 50);
        for r in &f.members {
            let direct = serde_json::to_string_pretty(&member_record(r)).unwrap();
            let tree = serde_json::to_string_pretty(&member_json(r)).unwrap();
            assert_eq!(direct, tree);
        }
        let whole: Value = serde_json::from_str(&to_json(&f)).unwrap();
        assert_eq!(
            whole["per_member"].as_array().map(Vec::len),
            Some(s.members.len())
        );
    }
}
