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
