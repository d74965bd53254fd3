//! Data lint: one CSV made for each warning, through `Table::lint` and through
//! `kerust train` (a `warning:` line, the report's list, and an error under `--strict`);
//! the embedded datasets trigger only what is true of them.

mod common;

use common::cli::kerust;
use kerust::data::{LintKind, LintOptions, Table, datasets};

fn csv(rows: usize, header: &str, row: impl Fn(usize) -> String) -> String {
    (0..rows).fold(format!("{header}\n"), |s, i| s + &row(i) + "\n")
}

fn kinds(text: &str, options: &LintOptions) -> Vec<LintKind> {
    let table = Table::from_reader(text.as_bytes()).unwrap();
    table.lint(options).iter().map(|w| w.kind).collect()
}

/// A noisy, unsorted target no feature determines.
fn noise(i: usize) -> f64 {
    ((i * 7919) % 101) as f64 / 10.0
}

/// Each CSV, the lint options, and the one kind it must raise.
fn cases() -> Vec<(&'static str, String, LintOptions, LintKind)> {
    let y = LintOptions::new("y");
    let unscaled = LintOptions { scaled: false, ..LintOptions::new("y") };
    let classes = LintOptions { classification: Some(true), ..LintOptions::new("kind") };
    vec![
        ("constant", csv(40, "a,c,y", |i| format!("{},5,{}", i % 9, noise(i))), y.clone(), LintKind::Constant),
        ("id text", csv(40, "name,a,y", |i| format!("n{i},{},{}", i % 9, noise(i))), y.clone(), LintKind::IdLike),
        ("row number", csv(40, "idx,a,y", |i| format!("{i},{},{}", i % 9, noise(i))), y.clone(), LintKind::IdLike),
        (
            "many levels",
            csv(400, "zip,a,y", |i| format!("z{},{},{}", i % 150, i % 9, noise(i))),
            y.clone(),
            LintKind::ManyLevels,
        ),
        (
            "duplicates",
            csv(40, "a,b,y", |i| format!("{},{},{}", i % 5, i % 3, (i % 15) as f64)),
            y.clone(),
            LintKind::DuplicateRows,
        ),
        (
            "leak",
            csv(40, "a,leak,y", |i| format!("{},{},{}", i % 9, noise(i) * 2.0 + 1.0, noise(i))),
            y.clone(),
            LintKind::TargetLeak,
        ),
        (
            "unscaled",
            csv(40, "small,big,y", |i| format!("{},{},{}", (i % 9) as f64 / 10.0, i * 1000 % 37_000, noise(i))),
            unscaled,
            LintKind::Unscaled,
        ),
        ("sorted target", csv(40, "a,y", |i| format!("{},{}", i % 9, i * 2)), y.clone(), LintKind::ValidationTail),
        (
            "shifted tail",
            csv(100, "a,y", |i| format!("{},{}", i % 9, if i >= 80 { 100.0 + noise(i) } else { noise(i) })),
            y.clone(),
            LintKind::ValidationTail,
        ),
        (
            "imbalance",
            csv(120, "a,kind", |i| format!("{},{}", i * 3 + 1, if i % 40 == 3 { "rare" } else { "common" })),
            classes,
            LintKind::ClassImbalance,
        ),
    ]
}

#[test]
fn each_lint_warning_fires_on_its_own_csv_and_only_there() {
    for (name, text, options, kind) in cases() {
        let found = kinds(&text, &options);
        assert_eq!(found, vec![kind], "{name}: {found:?}");
    }
}

#[test]
fn a_clean_csv_raises_nothing_and_sorted_rows_are_fine_once_shuffled() {
    let clean = csv(60, "a,b,y", |i| format!("{},{},{}", i % 9, (i * 5) % 7, noise(i)));
    assert_eq!(kinds(&clean, &LintOptions::new("y")), vec![]);
    let sorted = csv(40, "a,y", |i| format!("{},{}", i % 9, i * 2));
    let shuffled = LintOptions { rows_shuffled: true, ..LintOptions::new("y") };
    assert_eq!(kinds(&sorted, &shuffled), vec![], "kerust train shuffles before validation");
    // A file grouped by a text class counts as sorted for Keras's validation_split.
    let grouped = csv(60, "a,kind", |i| format!("{},{}", i * 3 + 1, ["a", "b", "c"][i / 20]));
    assert_eq!(kinds(&grouped, &LintOptions::new("kind")), vec![LintKind::ValidationTail]);
}

#[test]
fn the_embedded_datasets_raise_only_what_is_true() {
    for d in datasets::all() {
        let table = datasets::load(d.name).unwrap();
        let options = LintOptions { rows_shuffled: true, ..LintOptions::new(d.target) };
        let found: Vec<LintKind> = table.lint(&options).iter().map(|w| w.kind).collect();
        // iris has one real duplicate row (line 144 repeats line 103, as in the UCI file).
        let expected = if d.name == "iris" { vec![LintKind::DuplicateRows] } else { vec![] };
        assert_eq!(found, expected, "{}", d.name);
    }
}

#[test]
fn the_cli_prints_lint_warnings_lists_them_in_the_report_and_strict_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ids.csv");
    std::fs::write(&path, csv(60, "name,a,y", |i| format!("id{i},{},{}", i % 6, noise(i)))).unwrap();
    let out = dir.path().join("run");
    let run = kerust()
        .args(["train", path.to_str().unwrap(), "--target", "y", "--epochs", "1", "--quiet", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(stderr.lines().any(|l| l.starts_with("warning: column \"name\" looks like an id")), "{stderr}");
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(report.contains("<ul id=\"lint\">") && report.contains("looks like an id"));
    let run_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run_json["lint"][0]["kind"], "id_like");
    let strict = dir.path().join("strict");
    let refused = kerust()
        .args(["train", path.to_str().unwrap(), "--target", "y", "--strict", "--out"])
        .arg(&strict)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("error: --strict"));
    assert!(!strict.exists());
}
