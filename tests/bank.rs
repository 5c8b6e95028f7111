//! The bundled uk-core bank: complete, cited, redistributable, and covering what users need.

use rust_decimal::Decimal;
use social_value::toolkit::{self, Kind, Source};
use std::collections::BTreeSet;

fn bank() -> toolkit::Toolkit {
    toolkit::load_file(&Source::File("proxies/uk-core.toml".into()))
        .unwrap_or_else(|p| panic!("uk-core does not load:\n{p}"))
}

#[test]
fn loads_validates_and_is_the_bundled_copy() {
    let tk = bank();
    let bundled = toolkit::load_file(&Source::Bundled("uk-core")).unwrap();
    assert_eq!(tk.fingerprint, bundled.fingerprint);
    assert!(tk.proxies.len() >= 60, "only {} proxies", tk.proxies.len());
}

#[test]
fn every_proxy_is_cited_ranged_and_explained() {
    for p in &bank().proxies {
        let id = &p.id;
        assert!(
            !p.source.trim().is_empty() && p.url.starts_with("http"),
            "{id}: source and url"
        );
        assert!(p.low.is_some() && p.high.is_some(), "{id}: low and high");
        if p.kind == Kind::Volunteering {
            assert!(
                p.rationale.as_deref().is_some_and(|r| r.len() > 10),
                "{id}: rationale for the defaults"
            );
        } else if id != "wellby" {
            // (The WELLBY's adjustments are its indicator's, which has its own basis.)
            let b = p.basis.as_ref().unwrap_or_else(|| panic!("{id}: no basis"));
            for (name, text) in b.fields() {
                assert!(text.len() > 10, "{id}: basis for {name}");
            }
        }
        assert!(
            p.method.as_deref().is_some_and(|m| m.len() > 10),
            "{id}: method"
        );
        assert!(
            (2010..=2025).contains(&p.price_year),
            "{id}: price year {}",
            p.price_year
        );
    }
}

/// Only licences that allow redistribution with attribution, plus facts quoted from one
/// publication whose text is all rights reserved (two figures, cited; no table copied).
#[test]
fn licences_allow_redistribution() {
    let fact_only = ["housing.homelessness-prevented"];
    for p in &bank().proxies {
        let ok = p.licence == "OGL-UK-3.0"
            || p.licence == "OPL-3.0"
            || p.licence.starts_with("CC-BY-")
            || fact_only.contains(&p.id.as_str());
        assert!(ok, "{}: licence {}", p.id, p.licence);
        let text = format!("{} {} {}", p.source, p.url, p.licence).to_lowercase();
        assert!(
            !text.contains("hact") && !text.contains("social value bank"),
            "{} cites HACT",
            p.id
        );
        assert!(
            !text.contains("pssru") && !text.contains("unit costs of health and social care"),
            "{} cites PSSRU",
            p.id
        );
    }
}

#[test]
fn covers_the_areas_commissioners_ask_about() {
    let tk = bank();
    let kinds: BTreeSet<Kind> = tk.proxies.iter().map(|p| p.kind).collect();
    assert_eq!(kinds.len(), 4, "every kind present: {kinds:?}");
    for words in [
        &["a&e"][..],
        &["gp"],
        &["bed day"],
        &["ambulance"],
        &["mental health"],
        &["homeless"],
        &["temporary accommodation"],
        &["crime"],
        &["care"],
        &["universal credit"],
        &["lonel"],
        &["wellby"],
        &["national living wage"],
        &["median", "pay"],
    ] {
        assert!(!tk.search(words).is_empty(), "nothing found for {words:?}");
    }
    let wellbeing: Vec<_> = tk
        .proxies
        .iter()
        .filter(|p| p.kind == Kind::Wellbeing)
        .collect();
    for p in wellbeing.iter().filter(|p| p.id != "wellbeing.wellby") {
        let m = p.method.as_deref().unwrap_or("").to_lowercase();
        assert!(
            m.contains("wellby")
                || m.contains("13,000")
                || m.contains("13000")
                || m.contains("dcms"),
            "{}: method must state how the value was built",
            p.id
        );
    }
}

#[test]
fn story_vocabulary_is_broad_and_linked() {
    let tk = bank();
    assert!(tk.tags.len() >= 30, "only {} tags", tk.tags.len());
    let themes: BTreeSet<&str> = tk.tags.iter().map(|t| t.theme.as_str()).collect();
    for t in [
        "health",
        "wellbeing",
        "loneliness",
        "employment",
        "skills",
        "housing",
        "safety",
        "community",
        "environment",
    ] {
        assert!(themes.contains(t), "no tag in theme {t}");
    }
    let linked = tk.tags.iter().filter(|t| t.proxy.is_some()).count();
    assert!(linked >= 15, "only {linked} tags carry a proxy");
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// Deadweight from evaluations where they exist; otherwise never below the published median
/// for SROI reports (20%), so a convention never under-deducts.
#[test]
fn deadweight_is_evidenced_or_at_least_the_published_median() {
    let tk = bank();
    for p in tk.proxies.iter().filter(|p| p.kind != Kind::Volunteering) {
        let Some(b) = &p.basis else { continue };
        if toolkit::Basis::is_convention(&b.deadweight) {
            assert!(
                p.defaults.deadweight >= d("0.2"),
                "{}: a convention below the median",
                p.id
            );
        }
    }
    // Outcomes that often happen anyway carry the evaluations' figures, not the median.
    for (id, at_least) in [
        ("wellbeing.into-employment", "0.7"),
        ("economic.nlw-fulltime-annual-earnings-2025", "0.7"),
        ("dwp.uc-standard-allowance", "0.7"),
        ("employment.uc-single-25plus-2025", "0.7"),
        ("housing.homelessness-prevented", "0.7"),
        ("health.ae-attendance", "0.7"),
    ] {
        let p = tk.proxy(id).unwrap();
        assert!(p.defaults.deadweight >= d(at_least), "{id}");
        assert!(
            !toolkit::Basis::is_convention(&p.basis.as_ref().unwrap().deadweight),
            "{id}: its deadweight cites an evaluation"
        );
    }
}

/// Benefits, taxes and duties move money and create none: every one is a transfer, and no
/// wellbeing or volunteering value is.
#[test]
fn transfers_are_marked() {
    let tk = bank();
    for p in &tk.proxies {
        let benefit_or_duty = p.id.starts_with("dwp.")
            || p.id.starts_with("employment.uc-")
            || p.id.starts_with("employment.esa-")
            || p.id.starts_with("employment.jsa-")
            || p.id.starts_with("environment.landfill-tax");
        assert_eq!(p.transfer, benefit_or_duty, "{}", p.id);
    }
    // Tax paid from new earnings is part of the earnings, not a transfer: never added to them.
    let tax = tk.proxy("employment.tax-ni-nlw-fulltime-2025").unwrap();
    assert!(!tax.transfer);
    for e in tk
        .proxies
        .iter()
        .filter(|p| p.id.starts_with("economic.") && p.id.contains("earnings"))
    {
        assert!(tk.never_with(&e.id).contains(&tax.id), "{} with tax", e.id);
    }
}

/// The pairs the bank's own method text warns about can never be added, both ways round.
#[test]
fn pairs_never_to_add_are_declared() {
    let tk = bank();
    for (a, b) in [
        (
            "crime.theft-of-vehicle",
            "crime.theft-of-vehicle-police-cost",
        ),
        ("crime.domestic-abuse", "crime.domestic-abuse-police-cost"),
        (
            "housing.temporary-accommodation-year",
            "housing.temporary-accommodation-night",
        ),
        ("wellbeing.wellby", "wellbeing.chronic-loneliness"),
        ("wellby", "wellbeing.into-employment"),
        ("wellby", "wellbeing.wellby"),
    ] {
        assert!(tk.never_with(a).iter().any(|x| x == b), "{a} with {b}");
        assert!(tk.never_with(b).iter().any(|x| x == a), "{b} with {a}");
    }
}

/// A story evidences one instance: whole-period costs and harms are never priced from one,
/// and every tag that can be valued says how much one story evidences.
#[test]
fn story_tags_value_at_most_one_instance() {
    let tk = bank();
    for t in &tk.tags {
        let Some(p) = t.proxy.as_deref().and_then(|id| tk.proxy(id)) else {
            continue;
        };
        match tk.story_value(t) {
            Some((_, per_story)) => {
                assert!(!p.whole_period && !t.harm, "{}", t.id);
                assert!(
                    per_story > Decimal::ZERO && per_story <= Decimal::ONE,
                    "{}",
                    t.id
                );
            }
            None => assert!(p.whole_period || t.harm, "{} is neither", t.id),
        }
    }
    for id in [
        "healthier",
        "left-abusive-home",
        "moved-into-home",
        "off-benefits",
        "got-job",
    ] {
        assert!(
            tk.story_value(tk.tag(id).unwrap()).is_none(),
            "{id} is never priced"
        );
    }
    assert!(tk.tag("left-abusive-home").unwrap().harm);
}
