//! Benchmark: `social-value report` on the bundled example must take under 0.15 s (issue 19).
//! Run with `cargo bench --bench report`; exits 1 if the target is missed.

use std::process::Command;
use std::time::{Duration, Instant};

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::path::Path::new(root).join("target/bench-report");
    let best = (0..5)
        .map(|_| {
            let t = Instant::now();
            let r = Command::new(env!("CARGO_BIN_EXE_social-value"))
                .args(["report", "examples/oakfield-cvs/project.toml", "--out"])
                .arg(&out)
                .current_dir(root)
                .output()
                .expect("run social-value");
            assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
            t.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX);
    println!(
        "social-value report, bundled example (best of 5): {:.3} s",
        best.as_secs_f64()
    );
    if best >= Duration::from_millis(150) {
        println!("TARGET MISSED: a report must take under 0.15 s");
        std::process::exit(1);
    }
    println!("target met: under 0.15 s");
}
