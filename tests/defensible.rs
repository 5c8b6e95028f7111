//! Defensible by default (issue 16): transfers kept out of social value, stories valued by
//! `per_story` only, pairs never to add refused, volunteer time shown both ways, and an
//! uncertainty range that never claims "0.0%". Every expected figure is worked by hand (or in
//! Python's decimal module) in the comment above it, never taken from this program.

mod common;
use common::Fixture;

/// One `[[proxy]]` priced in 2024 with no attribution, displacement or drop-off, for a year,
/// with a basis; `extra` adds keys such as `transfer = true`.
fn proxy(id: &str, kind: &str, unit: &str, value: u32, deadweight: &str, extra: &str) -> String {
    format!(
        "\n[[proxy]]\nid = \"{id}\"\nname = \"{id} (test)\"\nkind = \"{kind}\"\nunit = \"{unit}\"\n\
         value = {value}\nprice_year = 2024\nbeneficiary = \"{kind} body\"\nsource = \"Invented for tests\"\n\
         url = \"https://example.org/{id}\"\nlicence = \"CC-BY-4.0\"\ndeadweight = {deadweight}\nattribution = 0\n\
         displacement = 0\ndrop_off = 0\nduration = 1\nthemes = [\"{unit}\"]\n{extra}\n\
         [proxy.basis]\ndeadweight = \"tests\"\nattribution = \"tests\"\ndisplacement = \"tests\"\n\
         drop_off = \"tests\"\nduration = \"tests\"\n"
    )
}

/// The test toolkit plus a benefit (a transfer), a night's stay tagged for stories at a
/// quarter each, a whole-year cost, a harm tag, and a crime with its police part.
fn kit() -> String {
    [
        common::TOOLKIT.to_string(),
        proxy(
            "benefit.year",
            "fiscal",
            "claimant-year",
            4000,
            "0.5",
            "transfer = true\nwhole_period = true",
        ),
        proxy("care.night", "fiscal", "night", 80, "0.2", ""),
        proxy(
            "crime.total",
            "economic",
            "offence",
            1000,
            "0.2",
            "whole_period = true\nnever_with = [\"crime.police\"]",
        ),
        proxy("crime.police", "fiscal", "offence", 200, "0.2", ""),
        r#"
[[tag]]
id = "respite"
label = "Stayed at home instead of respite care"
theme = "care"
proxy = "care.night"
per_story = 0.25

[[tag]]
id = "off-benefit"
label = "Off benefits"
theme = "employment"
proxy = "benefit.year"

[[tag]]
id = "assaulted"
label = "Was assaulted"
theme = "safety"
proxy = "crime.total"
harm = true

[[tag]]
id = "police-called"
label = "Police were not needed"
theme = "safety"
proxy = "crime.police"
per_story = 1
"#
        .to_string(),
    ]
    .concat()
}

fn fixture(outcomes: &str) -> Fixture {
    let f = Fixture::new();
    f.write("test-kit.toml", &kit());
    f.write("outcomes.csv", outcomes);
    f
}

/// The worked example (60 × £8,500, deadweight 40%, attribution 30%, drop-off 30%, two years,
/// 3.5%, year 1 undiscounted: present value £359,069.57 on £250,000) beside 10 claimant-years
/// of a benefit no longer paid: 10 × £4,000 = £40,000, less 50% deadweight = £20,000, year 1
/// undiscounted. The transfer is shown, never counted: present value, NPV and ratio are the
/// worked example's alone.
#[test]
fn a_transfer_is_shown_apart_and_left_out_of_value_and_ratio() {
    let f = fixture("proxy,quantity\noutcome.big,60\nbenefit.year,10\n");
    let r = f.calc(&["--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["present_value"], "359069.57");
    assert_eq!(j["net_present_value"], "109069.57");
    assert_eq!(j["sroi_ratio"], "1.44");
    assert_eq!(j["transfers"], "20000.00");
    assert_eq!(j["lines"][1]["transfer"], true);
    assert_eq!(j["lines"][1]["present_value"], "20000.00");
    assert_eq!(j["lines"][0]["transfer"], false);
    // Every breakdown adds up to the present value, without the transfer.
    assert_eq!(j["by_kind"]["fiscal"], "0.00");
    assert!(
        j["by_beneficiary"].get("DWP").is_none(),
        "{}",
        j["by_beneficiary"]
    );
    let text = f.calc(&[]).stdout;
    let row = text
        .lines()
        .find(|l| l.contains("Transfers (not counted)"))
        .unwrap_or("");
    assert!(row.ends_with("£20,000.00"), "{text}");
    assert!(
        text.contains("TRANSFER, not counted in social value"),
        "{text}"
    );
}

/// Three consented stories tagged `respite` (per_story 0.25): 0.75 nights × £80 = £60 gross,
/// less 20% deadweight = £48.00, year 1 undiscounted. A story tagged with a whole-period cost
/// (a year off benefits) or a harm (an assault) is evidence only.
#[test]
fn a_story_counts_per_story_of_its_proxy_and_never_a_whole_period_or_a_harm() {
    let f = fixture("proxy,quantity\noutcome.big,60\n");
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\n\
         A,One,\"Mum stayed home.\",respite,yes\n\
         B,Two,\"No respite needed.\",respite,yes\n\
         C,Three,\"We managed at home.\",respite;assaulted,yes\n\
         D,Four,\"I closed my claim.\",off-benefit,yes\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    let lines = j["lines"].as_array().unwrap();
    assert_eq!(
        lines.len(),
        2,
        "the worked example and the stories' line: {lines:?}"
    );
    let s = &lines[1];
    assert_eq!(s["proxy"], "care.night");
    assert_eq!(s["quantity"], "0.75");
    assert_eq!(s["valued_from_stories"], true);
    assert_eq!(s["present_value"], "48.00");
    assert_eq!(j["story_value"], "48.00");
    // £359,069.57 + £48.00
    assert_eq!(j["present_value"], "359117.57");
    let stories = j["stories"].as_array().unwrap();
    assert_eq!(stories[2]["evidence_only"][0]["tag"], "assaulted");
    assert_eq!(stories[3]["evidence_only"][0]["tag"], "off-benefit");
    assert!(stories[3]["valued_as"].as_array().unwrap().is_empty());
    let text = f.calc(&[]).stdout;
    assert!(
        text.contains("valued from stories A, B, C (0.25 each)"),
        "{text}"
    );
}

/// A crime's whole cost and its police part are never added for the same people: refused,
/// naming both lines, unless each row says why its people differ; then both are valued
/// (£1,000 × 0.8 = £800; £200 × 0.8 = £160) and the report quotes the reasons.
#[test]
fn a_pair_never_to_add_is_refused_without_a_reason_on_each_row() {
    let f = fixture("proxy,quantity\ncrime.total,1\ncrime.police,1\n");
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2",
        "outcomes.csv:2 claims crime.total and outcomes.csv:3 claims crime.police, which toolkit test-kit says must never be added for the same people",
        "outcomes.csv:3 claims crime.police and outcomes.csv:2 claims crime.total",
        "overlap_reason",
        "2 problems found",
    ]);
    // `check` refuses it too.
    let project = f.path("project.toml");
    f.run_cmd(&["check", project.to_str().unwrap()])
        .fails_with(&["must never be added for the same people"]);
    f.write(
        "outcomes.csv",
        "proxy,quantity,overlap_reason\n\
         crime.total,1,the burglary at the community centre\n\
         crime.police,1,a different call-out: the disturbance in the park\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["lines"][0]["present_value"], "800.00");
    assert_eq!(j["lines"][1]["present_value"], "160.00");
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("a different call-out: the disturbance in the park"),
        "{md}"
    );
    // A story whose proxy must never be added to one already claimed is evidence only.
    f.add_to_project("\n[stories]\nfile = \"stories.csv\"\n");
    f.write("outcomes.csv", "proxy,quantity\ncrime.total,1\n");
    f.write(
        "stories.csv",
        "id,title,text,tags,consent\nA,One,\"The police were not needed.\",police-called,yes\n",
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["lines"].as_array().unwrap().len(), 1, "{}", j["lines"]);
    assert_eq!(
        j["stories"][0]["evidence_only"][0]["why"],
        "its proxy is never added to one already claimed"
    );
}

/// Volunteer time counted as value: 100 hours × £10 (2014 prices) × 100 ÷ 80 = £1,250 at
/// replacement cost, a line worth £1,250 (year 1 undiscounted). The ratio as claimed is
/// (£359,069.57 + £1,250) ÷ £250,000 = 1.4403 → 1.44; as input, £359,069.57 ÷ £251,250
/// = 1.4291 → 1.43.
#[test]
fn volunteer_time_is_always_shown_and_counted_as_value_gives_both_ratios() {
    let f = fixture("proxy,quantity\noutcome.big,60\n");
    f.write(
        "hours.csv",
        // 100 hours over five days (more than 24 in one day is refused).
        "date,volunteer,role,hours\n2024-05-01,Ann,befriender,20\n2024-05-02,Ann,befriender,20\n2024-05-03,Ann,befriender,20\n2024-05-04,Ann,befriender,20\n2024-05-05,Ann,befriender,20\n",
    );
    f.add_to_project("\n[volunteering]\nfile = \"hours.csv\"\nas = \"value\"\n[volunteering.roles]\nbefriender = \"volunteer.hour\"\n");
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["volunteer_time_value"], "1250.00");
    assert_eq!(j["present_value"], "360319.57");
    assert_eq!(j["sroi_ratio"], "1.44");
    assert_eq!(j["sroi_ratio_volunteer_time_as_input"], "1.43");
    let (r, out) = f.report(&[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains("with volunteer time counted as value (the headline)"),
        "bolder reading named"
    );
    assert!(html.contains(
        "1.43 : 1</span><span class=\"what\">with volunteer time counted as input instead"
    ));
    // Counted as input: the time is investment, shown at the same value, and no second ratio.
    let p = std::fs::read_to_string(f.path("project.toml")).unwrap();
    f.write(
        "project.toml",
        &p.replace("as = \"value\"", "as = \"input\""),
    );
    let j = f.calc(&["--format", "json"]).json();
    assert_eq!(j["volunteer_time_value"], "1250.00");
    assert_eq!(j["investment"], "251250.00");
    assert_eq!(j["sroi_ratio"], "1.43");
    assert!(j["sroi_ratio_volunteer_time_as_input"].is_null());
}

/// A quantity range of the organisation's own drives the low and high scenarios. The worked
/// example has deadweight 40%, attribution 30%, displacement 0, drop-off 30% and two years;
/// the low scenario moves them to 50%, 40%, 5%, 40% and one year, the value to its low £7,000
/// and the quantity to 40: 40 × 7,000 × 0.5 × 0.95 × 0.6 = £79,800.00.
#[test]
fn scenarios_move_quantities_and_durations_too() {
    let f = fixture("proxy,quantity,quantity_low,quantity_high\noutcome.big,60,40,70\n");
    let r = f.run_cmd(&[
        "sensitivity",
        "project.toml",
        "--format",
        "json",
        "--runs",
        "200",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    assert_eq!(j["scenarios"][0]["present_value"], "79800.00");
    let quantity = j["one_way"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["input"] == "quantity")
        .unwrap();
    assert_eq!(
        (
            quantity["low_setting"].as_str(),
            quantity["high_setting"].as_str()
        ),
        (Some("40"), Some("70"))
    );
    // A range that does not hold the quantity is refused at its cell.
    f.write(
        "outcomes.csv",
        "proxy,quantity,quantity_low,quantity_high\noutcome.big,60,61,70\n",
    );
    f.calc(&[]).fails_with(&[
        "outcomes.csv:2:3 (column \"quantity_low\")",
        "the range 61 to 70 does not hold the quantity 60",
    ]);
}

/// Never "0.0%": a project whose ratio cannot fall below 1:1 says "in none of them", with the
/// count of runs.
#[test]
fn a_chance_below_one_that_rounds_to_nothing_is_given_as_a_count() {
    let f = fixture("proxy,quantity\noutcome.big,600\n");
    let r = f.run_cmd(&["sensitivity", "project.toml", "--runs", "500"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("it fell below 1:1 in none of them"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("0.0%"), "{}", r.stdout);
}

/// A file of many rows claiming one side of a pair lists the first hundred, then a count,
/// like any file's problems.
#[test]
fn many_claims_of_a_pair_are_listed_then_counted() {
    let mut rows = String::from("proxy,quantity\ncrime.police,1\n");
    for _ in 0..300 {
        rows.push_str("crime.total,1\n");
    }
    let f = fixture(&rows);
    let r = f.calc(&[]);
    r.fails_with(&[
        "... and 201 more claims of pairs never to add (only the first 100 are listed)",
    ]);
    assert_eq!(r.stderr.matches("must never be added").count(), 100);
}
