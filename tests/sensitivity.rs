//! `social-value sensitivity`: switching values to the figures, reproducible Monte Carlo,
//! and flags against published practice.

mod common;

use common::{run, Fixture};

#[test]
fn worked_example_switching_values_are_reproduced() {
    // 60 × £8,500, deadweight 40%, attribution 30%, drop-off 30%, 2 years, 3.5%, year 1
    // undiscounted, £250,000: deadweight ≈ 58.2%, attribution ≈ 51.3%, value ≈ £5,918 (−30.4%).
    let f = Fixture::new();
    let r = f.run_cmd(&[
        "sensitivity",
        "project.toml",
        "--format",
        "json",
        "--runs",
        "1000",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = r.json();
    let shown = |input: &str| -> String {
        j["switching"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["input"] == input)
            .map(|s| s["shown"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(shown("deadweight"), "58.2%");
    assert_eq!(shown("attribution"), "51.3%");
    assert_eq!(shown("proxy value"), "£5,918.07 (-30.4%)");
    assert_eq!(j["all_values_switch"], "-30.4");
    assert_eq!(j["sroi_ratio"], "1.44");
    let table = f
        .run_cmd(&["sensitivity", "project.toml", "--runs", "1000"])
        .stdout;
    assert!(table.contains("1:1 at 58.2%"), "{table}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_draws() {
    let a = run(&[
        "sensitivity",
        "examples/oakfield-cvs",
        "--format",
        "json",
        "--runs",
        "2000",
        "--seed",
        "7",
    ]);
    let b = run(&[
        "sensitivity",
        "examples/oakfield-cvs",
        "--format",
        "json",
        "--runs",
        "2000",
        "--seed",
        "7",
    ]);
    let c = run(&[
        "sensitivity",
        "examples/oakfield-cvs",
        "--format",
        "json",
        "--runs",
        "2000",
        "--seed",
        "8",
    ]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let j = a.json();
    let mc = &j["monte_carlo"];
    let p = |k: &str| {
        mc["sroi_ratio"][k]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!(p("p5") < p("median") && p("median") < p("p95"), "{mc}");
    // The central ratio sits inside the simulated range.
    let central: f64 = j["sroi_ratio"].as_str().unwrap().parse().unwrap();
    assert!(p("p5") < central && central < p("p95"), "{central} {mc}");
    let runs: u64 = mc["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["runs"].as_u64().unwrap())
        .sum();
    assert_eq!(runs, 2000);
}

#[test]
fn scenarios_bracket_the_central_figure() {
    let j = run(&[
        "sensitivity",
        "examples/oakfield-cvs",
        "--format",
        "json",
        "--runs",
        "500",
    ])
    .json();
    let s = j["scenarios"].as_array().unwrap();
    let pv = |i: usize| {
        s[i]["present_value"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    let calc = run(&["calc", "examples/oakfield-cvs", "--format", "json"]).json();
    assert_eq!(
        s[1]["present_value"], calc["present_value"],
        "central equals calc"
    );
    assert!(pv(0) < pv(1) && pv(1) < pv(2));
}

#[test]
fn adjustments_far_below_published_practice_are_flagged() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity,deadweight,attribution,reason\nhealth.ae-attendance,2000,0,0.05,we are sure\n");
    let r = f.run_cmd(&["sensitivity", "project.toml", "--runs", "200"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("deadweight 0% is below the 10% that three quarters of published SROIs use"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("attribution 5% is below the 15%"),
        "{}",
        r.stdout
    );
}

#[test]
fn runs_out_of_range_are_refused() {
    run(&["sensitivity", "examples/oakfield-cvs", "--runs", "5"]).fails_usage();
}

#[test]
fn for_harms_the_low_scenario_is_the_worse_one_and_no_practice_flag_is_raised() {
    let f = Fixture::new();
    f.write("outcomes.csv", "proxy,quantity\nharm.complaint,10\n");
    let j = f
        .run_cmd(&[
            "sensitivity",
            "project.toml",
            "--format",
            "json",
            "--runs",
            "200",
        ])
        .json();
    let pv = |i: usize| {
        j["scenarios"][i]["present_value"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!(
        pv(0) <= pv(1) && pv(1) <= pv(2),
        "low {} central {} high {}",
        pv(0),
        pv(1),
        pv(2)
    );
    assert_eq!(j["flags"], serde_json::json!([]));
}

/// Issue 18: a proxy from -£100 to £100 and an investment of 10^-27 made `sensitivity` and
/// `report` panic ("Subtraction overflowed" on simulated ratios, exit 101) while `calc` worked.
/// Now the analysis says what it could not compute, names the investment, and exits 1.
/// A positive investment below a penny is a slip (pence typed as pounds' decimals, or a
/// stray exponent), not money: `check` refuses it at its line, as every command does, rather
/// than let a ratio of 10^28 reach a page.
#[test]
fn an_investment_below_a_penny_is_refused_by_check_with_its_line() {
    let f = Fixture::new();
    f.write("test-kit.toml", common::TOOLKIT);
    f.write(
        "project.toml",
        &common::PROJECT.replace("amount = 250000", "amount = 0.004"),
    );
    f.write("outcomes.csv", "proxy,quantity\noutcome.big,1\n");
    let r = f.run_cmd(&["check", "project.toml"]);
    r.fails_with(&["less than a penny", "project.toml:"]);
    // A penny itself is money, however small.
    f.write(
        "project.toml",
        &common::PROJECT.replace("amount = 250000", "amount = 0.01"),
    );
    let r = f.run_cmd(&["check", "project.toml"]);
    assert_eq!(r.code, 0, "a penny is accepted: {}", r.stderr);
}

#[test]
fn an_absurd_investment_is_a_clear_error_not_a_panic() {
    let f = Fixture::new();
    let kit = common::TOOLKIT.replace(
        "value = 8500\nlow = 7000\nhigh = 9000",
        "value = 50\nlow = -100\nhigh = 100",
    );
    f.write("test-kit.toml", &kit);
    f.write(
        "project.toml",
        &common::PROJECT.replace("amount = 250000", "amount = 0.000000000000000000000000001"),
    );
    // Quantity 60: the central ratio is already past 7.9 × 10^28. Quantity 1: the central
    // ratio fits (about 3.5 × 10^28) but the scenarios' and simulated ratios do not.
    for quantity in ["60", "1"] {
        f.write(
            "outcomes.csv",
            &format!("proxy,quantity\noutcome.big,{quantity}\n"),
        );
        let s = f.run_cmd(&["sensitivity", "project.toml", "--runs", "200"]);
        s.fails_with(&["investment"]);
        let (r, out) = f.report(&[]);
        r.fails_with(&["investment"]);
        assert!(!out.exists(), "no report may be written");
    }
}
