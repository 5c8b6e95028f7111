//! The fuzzers' seeds and kept inputs (fuzz/seeds, fuzz/regressions), run through the same
//! entry points as the fuzz targets: none may panic. scripts/fuzz.sh explains how inputs get here.

use std::path::Path;

/// A fuzz entry point: arbitrary bytes in, nothing out, never a panic.
type Entry = fn(&[u8]);

fn each_input(target: &str, run: Entry) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut n = 0;
    for folder in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(folder).join(target)) else {
            continue;
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for p in paths {
            let bytes = std::fs::read(&p).unwrap();
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                panic!("{} panics", p.display());
            }
            n += 1;
        }
    }
    n
}

#[test]
fn no_kept_fuzz_input_panics() {
    use social_value::fuzzing as f;
    let targets: [(&str, Entry); 5] = [
        ("toolkit", f::toolkit),
        ("project", f::project),
        ("tables", f::tables),
        ("spreadsheet", f::spreadsheet),
        ("submission", f::submission),
    ];
    for (name, run) in targets {
        let n = each_input(name, run);
        assert!(n > 0, "no inputs kept for the {name} target");
    }
}
