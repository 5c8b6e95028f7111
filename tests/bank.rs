//! The bundled uk-core bank: complete, cited, redistributable, and covering what users need.

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
        assert!(
            p.rationale.as_deref().is_some_and(|r| r.len() > 10),
            "{id}: rationale for the defaults"
        );
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
