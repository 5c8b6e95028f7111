//! `social-value network`: every file accounted for, corrupted ones quarantined and the rest
//! summed, duplicates resolved, and the same inputs giving the same bytes.

mod common;

use common::{run_in, Fixture};
use std::path::Path;

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let r = run_in(dir, args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()
}

fn pennies(v: &serde_json::Value) -> i64 {
    v.as_str().unwrap().replace('.', "").parse().unwrap()
}

#[test]
fn a_demo_network_reconciles_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    let made = run_in(
        dir.path(),
        &[
            "demo-network",
            "--members",
            "150",
            "--seed",
            "3",
            "--out",
            "net",
        ],
    );
    assert_eq!(made.code, 0, "{}", made.stderr);
    let a = run_in(
        dir.path(),
        &["network", "net", "--year", "2024", "--format", "json"],
    );
    let b = run_in(
        dir.path(),
        &[
            "network", "net", "--year", "2024", "--format", "json", "--jobs", "1",
        ],
    );
    assert_eq!(
        a.stdout, b.stdout,
        "same inputs, same bytes, whatever the threads"
    );
    let j = a.json();
    let found = j["files_found"].as_u64().unwrap();
    let included = j["included"].as_u64().unwrap();
    let quarantined = j["quarantined"].as_array().unwrap().len() as u64;
    assert_eq!(found, included + quarantined, "every file is accounted for");
    assert!(quarantined > 0 && included > 100);
    // The total is the sum of the members' figures, less a shared outcome claimed in full by
    // three members (the demo's members 1 to 3), which is counted once.
    let members: i64 = j["per_member"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| pennies(&m["present_value"]))
        .sum();
    assert_eq!(members, pennies(&j["present_value_claimed"]));
    let removed = pennies(&j["double_counting_removed"]);
    assert!(removed > 0, "the demo's over-claim is found");
    assert_eq!(members - removed, pennies(&j["present_value"]));
    // Value by place: the five districts the demo spreads members over, adding up to the total.
    let places = j["by_place"].as_array().unwrap();
    assert_eq!(places.len(), 5, "{places:?}");
    let by_place: i64 = places.iter().map(|p| pennies(&p["present_value"])).sum();
    // Each figure is rounded to the penny when written: at most half a penny each.
    assert!((by_place - pennies(&j["present_value"])).abs() <= places.len() as i64 / 2 + 1);
}

#[test]
fn a_corrupted_file_is_quarantined_and_the_rest_are_summed() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    let mut claimed = Vec::new();
    for (i, q) in ["10", "20", "30"].iter().enumerate() {
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity\noutcome.big,{q}\n"),
        );
        f.write(
            "project.toml",
            &common::PROJECT.replace("GB-TEST-1", &format!("GB-TEST-{i}")),
        );
        let r = run_in(
            f.dir.path(),
            &[
                "submit",
                "project.toml",
                "--out",
                &format!("inbox/m{i}.toml"),
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let text = std::fs::read_to_string(f.path(&format!("inbox/m{i}.toml"))).unwrap();
        let pv = text
            .lines()
            .find_map(|l| l.strip_prefix("present_value = \""))
            .unwrap()
            .trim_end_matches('"')
            .to_string();
        claimed.push(pv);
    }
    // Edit one member's quantity by hand: its fingerprint no longer matches.
    let bad = std::fs::read_to_string(f.path("inbox/m1.toml"))
        .unwrap()
        .replacen("quantity = \"20\"", "quantity = \"2000\"", 1);
    f.write("inbox/m1.toml", &bad);
    let j = f.network(&["--format", "json"]);
    assert_eq!(j.code, 0, "{}", j.stderr);
    let j = j.json();
    assert_eq!(j["files_found"], 3);
    assert_eq!(j["included"], 2);
    let q = &j["quarantined"][0];
    assert!(q["file"].as_str().unwrap().ends_with("m1.toml"));
    let reason = q["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("line 5: the fingerprint does not match the content"),
        "{reason}"
    );
    assert_eq!(
        q["action"],
        "ask Test Org to send the file social-value submit wrote, unchanged"
    );
    let want = pennies(&serde_json::json!(claimed[0])) + pennies(&serde_json::json!(claimed[2]));
    assert_eq!(pennies(&j["present_value"]), want);
}

#[test]
fn a_resubmission_wins_identical_copies_are_both_held_and_other_years_are_set_aside() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    let submit = |out: &str, when: &str| {
        let r = common::run_env(
            f.dir.path(),
            &["submit", "project.toml", "--out", out],
            &[("SOURCE_DATE_EPOCH", when)],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
    };
    // 1 May 2025, then a correction a week later under a name that sorts first.
    submit("inbox/member.toml", "1746090000");
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,61\n");
    submit("inbox/member-resent.toml", "1746694800");
    let j = f.network(&["--format", "json"]).json();
    assert_eq!(j["included"], 1);
    let kept = j["per_member"][0]["file"].as_str().unwrap_or_default();
    assert!(kept.ends_with("member-resent.toml"), "{kept}");
    let q = &j["quarantined"][0];
    assert!(q["file"].as_str().unwrap().ends_with("inbox/member.toml"));
    assert!(
        q["reason"]
            .as_str()
            .unwrap()
            .starts_with("superseded by inbox/member-resent.toml (written 2025-05-08T09:00:00Z)"),
        "{q}"
    );
    // An identical copy: the same moment, so neither can be chosen; both are held.
    std::fs::copy(
        f.path("inbox/member-resent.toml"),
        f.path("inbox/copy.toml"),
    )
    .unwrap();
    let j = f.network(&["--format", "json"]).json();
    assert_eq!(j["included"], 0);
    let reasons: Vec<&str> = j["quarantined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons
            .iter()
            .filter(|r| r.starts_with(
                "2 returns for GB-TEST-1, written at the same moment (2025-05-08T09:00:00Z)"
            ))
            .count(),
        2,
        "{reasons:?}"
    );
    let other = json(
        f.dir.path(),
        &[
            "network",
            "inbox",
            "--year",
            "2023",
            "--toolkit",
            "test-kit.toml",
            "--format",
            "json",
        ],
    );
    assert_eq!(other["included"], 0);
    assert!(other["quarantined"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("wrong year: the period starts in financial year 2024/25, not 2023/24"));
}

#[test]
fn previous_year_out_folder_and_compare() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        run_in(
            dir.path(),
            &[
                "demo-network",
                "--members",
                "40",
                "--seed",
                "5",
                "--out",
                "now"
            ]
        )
        .code,
        0
    );
    assert_eq!(
        run_in(
            dir.path(),
            &[
                "demo-network",
                "--members",
                "40",
                "--seed",
                "6",
                "--year",
                "2023",
                "--out",
                "before"
            ]
        )
        .code,
        0
    );
    let j = json(
        dir.path(),
        &[
            "network",
            "now",
            "--year",
            "2024",
            "--previous",
            "before",
            "--out",
            "summary",
            "--format",
            "json",
        ],
    );
    let prev = &j["previous"];
    assert_eq!(prev["year"], "2023/24");
    // Each figure is rounded to the penny when written, so the difference may be a penny out.
    let change = pennies(&j["present_value"]) - pennies(&prev["present_value"]);
    assert!((change - pennies(&prev["change_in_present_value"])).abs() <= 1);
    for f in [
        "network.json",
        "network.md",
        "network.html",
        "tables/members.csv",
        "tables/quarantine.csv",
        "charts/member-ratios.svg",
        "charts/member-ratios.png",
        "charts/value-by-place.svg",
        "charts/value-by-place.png",
        "tables/places.csv",
        "tables/shared_outcomes.csv",
    ] {
        assert!(dir.path().join("summary").join(f).is_file(), "{f} missing");
    }
    // The network report shows value by place for the demo's five districts, each with its
    // value as network.json has it, and the chart of it.
    let md = std::fs::read_to_string(dir.path().join("summary/network.md")).unwrap();
    let section = md
        .split("## Value by place")
        .nth(1)
        .expect("a value-by-place section")
        .split("\n## ")
        .next()
        .unwrap();
    let places = j["by_place"].as_array().unwrap();
    assert_eq!(places.len(), 5);
    for p in places {
        let code = p["place"].as_str().unwrap();
        let value =
            social_value::num::money_gbp(p["present_value"].as_str().unwrap().parse().unwrap());
        assert!(
            section.contains(&format!("| {code} |  | {} |", value)),
            "{code} {value} not in:\n{section}"
        );
    }
    assert!(section.contains("charts/value-by-place.svg"), "{section}");
    let html = std::fs::read_to_string(dir.path().join("summary/network.html")).unwrap();
    assert_eq!(
        html.matches("<svg").count(),
        2,
        "ratio and place charts inline"
    );
    // Two years of one member side by side.
    let a = dir.path().join("before/batch-000/member-000001.toml");
    let b = dir.path().join("now/batch-000/member-000001.toml");
    let r = run_in(
        dir.path(),
        &["compare", a.to_str().unwrap(), b.to_str().unwrap()],
    );
    if r.code == 0 {
        assert!(
            r.stdout.contains("GB-DEMO-000001 2023") && r.stdout.contains("GB-DEMO-000001 2024"),
            "{}",
            r.stdout
        );
    } else {
        // One of the two was made broken on purpose by the generator: compare says so.
        assert!(
            r.stderr.contains("fingerprint") || r.stderr.contains("cannot"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn member_names_are_escaped_in_the_network_page() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    f.write(
        "project.toml",
        &common::PROJECT.replace(
            "name = \"Test Org\"",
            "name = \"<script>x</script> | [a](b)\"",
        ),
    );
    assert_eq!(
        run_in(
            f.dir.path(),
            &["submit", "project.toml", "--out", "inbox/a.toml"]
        )
        .code,
        0
    );
    let r = f.network(&["--out", "out"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(f.path("out/network.html")).unwrap();
    assert!(
        !html.contains("<script>x") && html.contains("&lt;script&gt;x"),
        "html escaped"
    );
    let md = std::fs::read_to_string(f.path("out/network.md")).unwrap();
    assert!(
        md.contains("&lt;script&gt;") && md.contains("\\|") && md.contains("\\[a\\]"),
        "{md}"
    );
    assert!(md.contains("£359,069.57"), "{md}");
}

/// An inbox of three members of the worked example (10, 20 and 30 people), one edited by hand.
fn three_members(f: &Fixture) {
    std::fs::create_dir_all(f.path("inbox")).unwrap();
    for (i, q) in ["10", "20", "30"].iter().enumerate() {
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity\noutcome.big,{q}\n"),
        );
        f.write(
            "project.toml",
            &common::PROJECT.replace("GB-TEST-1", &format!("GB-TEST-{i}")),
        );
        let out = format!("inbox/m{i}.toml");
        assert_eq!(
            run_in(f.dir.path(), &["submit", "project.toml", "--out", &out]).code,
            0
        );
    }
    let bad = std::fs::read_to_string(f.path("inbox/m1.toml"))
        .unwrap()
        .replacen("quantity = \"20\"", "quantity = \"2000\"", 1);
    f.write("inbox/m1.toml", &bad);
}

#[test]
fn every_output_file_shows_the_same_figures() {
    let f = Fixture::new();
    three_members(&f);
    let r = f.network(&["--out", "out", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let file = |name: &str| std::fs::read_to_string(f.path(&format!("out/{name}"))).unwrap();
    // What is printed and what is written are one summary.
    assert_eq!(r.stdout, file("network.json"));
    // Members' rows: the CSV holds each member's figures exactly as the JSON does.
    let csv = file("tables/members.csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("id,name,present_value,investment,sroi_ratio,volunteer_hours,rebased_from,file,bronze,silver,gold,gold_plus")
    );
    let members = j["per_member"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    for (m, line) in members.iter().zip(lines) {
        let want = format!(
            "{},{},{},{},{},{},,{},{},0.00,0.00,0.00",
            m["id"].as_str().unwrap(),
            m["name"].as_str().unwrap(),
            m["present_value"].as_str().unwrap(),
            m["investment"].as_str().unwrap(),
            m["sroi_ratio"].as_str().unwrap(),
            m["volunteer_hours"].as_str().unwrap(),
            m["file"].as_str().unwrap(),
            m["present_value"].as_str().unwrap(),
        );
        assert_eq!(line, want);
    }
    // 10 and 30 people: £35,700 + £24,990 ÷ 1.035 = £59,844.93, and three times it, £179,534.78.
    assert_eq!(j["present_value"], "239379.71");
    // The quarantined file, its reason and what to do are the same in every file.
    let action = "ask Test Org to send the file social-value submit wrote, unchanged";
    assert!(file("tables/quarantine.csv").contains(action));
    let (md, html) = (file("network.md"), file("network.html"));
    for page in [&md, &html, &f.network(&[]).stdout] {
        assert!(page.contains("£239,379.71 of social value"), "{page}");
        assert!(page.contains(action), "{page}");
        assert!(page.contains("m1.toml"), "{page}");
    }
}

#[test]
fn a_summary_folder_is_replaced_whole_and_any_other_folder_is_left_alone() {
    let f = Fixture::new();
    three_members(&f);
    // A folder the network did not write is refused, untouched.
    std::fs::create_dir(f.path("mine")).unwrap();
    f.write("mine/notes.txt", "keep me");
    let r = f.network(&["--out", "mine"]);
    r.fails_with(&["does not hold an earlier network summary, so it is left alone"]);
    assert_eq!(
        std::fs::read_to_string(f.path("mine/notes.txt")).unwrap(),
        "keep me"
    );
    // A second summary replaces the first whole: nothing of the first is left behind.
    assert_eq!(f.network(&["--out", "out"]).code, 0);
    // A file put in the summary's folder is never deleted: the next summary is refused, naming
    // it, until it is moved (issue 18).
    f.write("out/stale.txt", "from before");
    f.network(&["--out", "out"])
        .fails_with(&["did not write: stale.txt"]);
    assert_eq!(
        std::fs::read_to_string(f.path("out/stale.txt")).unwrap(),
        "from before"
    );
    std::fs::remove_file(f.path("out/stale.txt")).unwrap();
    std::fs::remove_file(f.path("inbox/m1.toml")).unwrap();
    let r = f.network(&["--out", "out", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(f.path("out/network.json")).unwrap(),
        r.stdout
    );
    // No temporary folder is left beside it.
    let names: Vec<String> = std::fs::read_dir(f.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[test]
fn the_network_shows_the_grade_of_evidence_overall_and_member_by_member() {
    let f = Fixture::new();
    std::fs::create_dir(f.path("inbox")).unwrap();
    // 10 people from the organisation's own records (silver), and 30 estimated (bronze).
    for (i, (q, evidence)) in [("10", "own-records"), ("30", "estimate")]
        .iter()
        .enumerate()
    {
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity,evidence_type\noutcome.big,{q},{evidence}\n"),
        );
        f.write(
            "project.toml",
            &common::PROJECT.replace("GB-TEST-1", &format!("GB-TEST-{i}")),
        );
        let out = format!("inbox/m{i}.toml");
        assert_eq!(
            run_in(f.dir.path(), &["submit", "project.toml", "--out", &out]).code,
            0
        );
    }
    let r = f.network(&["--out", "out", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    // £59,844.93 and £179,534.78 (the worked example for 10 and 30 people).
    assert_eq!(
        j["by_grade"],
        serde_json::json!({"bronze": "179534.78", "silver": "59844.93", "gold": "0.00", "gold+": "0.00"})
    );
    assert_eq!(j["per_member"][0]["by_grade"]["silver"], "59844.93");
    assert_eq!(j["per_member"][1]["by_grade"]["bronze"], "179534.78");
    let csv = std::fs::read_to_string(f.path("out/tables/members.csv")).unwrap();
    assert!(csv.contains(",0.00,59844.93,0.00,0.00\n"), "{csv}");
    let md = std::fs::read_to_string(f.path("out/network.md")).unwrap();
    let section = md.split("## How strong is the evidence").nth(1).unwrap();
    // 75% of £239,379.71 on estimates, 25% on own records.
    assert!(
        section.contains("| bronze | £179,534.78 | 75% |"),
        "{section}"
    );
    assert!(
        section.contains("| silver | £59,844.93 | 25% |"),
        "{section}"
    );
    assert!(
        md.contains("bronze 0%, silver 100%, gold 0%, gold+ 0%"),
        "{md}"
    );
    assert!(
        md.contains("bronze 100%, silver 0%, gold 0%, gold+ 0%"),
        "{md}"
    );
}
