//! `report.html` answers "is this model any good?": a test per section (data, baselines,
//! residuals or ROC, permutation importance, the reproduce command), the size of a
//! diamonds-sized report, permutation importance on data where one column is all that
//! matters, and a real browser rendering the page.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{json, kerust};
use kerust::prelude::*;

fn csv(rows: usize, header: &str, row: impl Fn(usize) -> String) -> String {
    (0..rows).fold(format!("{header}\n"), |s, i| s + &row(i) + "\n")
}

/// A value in [0, 1) that looks random but is fixed.
fn u(i: usize, k: usize) -> f64 {
    ((i * 7919 + k * 104_729) % 1009) as f64 / 1009.0
}

fn train(dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join("run");
    let run = kerust().arg("train").args(args).args(["--quiet", "--out"]).arg(&out).output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    out
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the report"));
    let end = html[start..].find("</table>").or_else(|| html[start..].find("</figure>")).unwrap_or(html.len() - start);
    &html[start..start + end]
}

#[test]
fn permutation_importance_ranks_the_only_column_that_matters_first() {
    let text = csv(400, "noise1,signal,noise2,y", |i| {
        format!("{:.4},{:.4},{:.4},{:.4}", u(i, 1), u(i, 2), u(i, 3), 4.0 * u(i, 2) + 1.0)
    });
    let table = Table::from_reader(text.as_bytes()).unwrap();
    let spec =
        TabularSpec { epochs: 60, layers: vec![16], learning_rate: 0.01, seed: Some(3), ..TabularSpec::default() };
    let run = spec.fit(&table, "y").unwrap();
    let test = table.take_rows(&run.test.rows).unwrap();
    let importance = run.model.permutation_importance(&test, 5, 1).unwrap();
    let names: Vec<&str> = importance.iter().map(|i| i.column.as_str()).collect();
    assert_eq!(names[0], "signal", "{importance:?}");
    assert!(importance[0].mean > 5.0 * importance[1].mean.max(1e-3), "{importance:?}");
    assert!(run.model.permutation_importance(&test, 0, 1).is_err());
}

#[test]
fn the_report_has_data_baselines_residuals_importance_and_a_command_that_reproduces_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("cars.csv");
    std::fs::write(
        &data,
        csv(200, "size,color,y", |i| {
            format!("{:.3},{},{:.3}", u(i, 1), ["red", "blue", "green"][i % 3], 2.0 * u(i, 1) + (i % 3) as f64)
        }),
    )
    .unwrap();
    let out = train(dir.path(), &[data.to_str().unwrap(), "--target", "y", "--epochs", "8", "--seed", "5"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let columns = section(&html, "columns");
    assert!(columns.contains("<td>color</td><td>categorical</td><td>0</td><td>3</td>"), "{columns}");
    assert!(columns.contains("3 one-hot features") && columns.contains("<td>target</td>"), "{columns}");
    let baselines = section(&html, "baselines");
    assert!(baselines.contains("this model") && baselines.contains("constant: the training mean of y"), "{baselines}");
    assert!(baselines.contains("single perceptron"), "{baselines}");
    assert!(section(&html, "residuals").contains("<svg"));
    let importance = section(&html, "importance");
    assert!(importance.contains("size") && importance.contains("color"), "the bars name each column");
    let ranked = json(&out.join("importance.json"));
    assert_eq!(ranked.as_array().unwrap().len(), 2);
    assert!(html.contains("id=\"timings\""));
    // The reproduce command, run as printed, trains the same History.
    let command = section(&html, "reproduce");
    let command = &command[command.find('>').unwrap() + 1..];
    let command = command.split("</pre>").next().unwrap();
    assert!(command.starts_with("kerust train --config ") && command.contains("--seed 5"), "{command}");
    let args: Vec<&str> = command.split(' ').skip(1).collect();
    let again = kerust().args(&args).arg("--quiet").output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let again_dir = PathBuf::from(format!("{}-again", out.display()));
    let history = |d: &Path| std::fs::read_to_string(d.join("history.csv")).unwrap();
    assert_eq!(history(&again_dir), history(&out));
}

#[test]
fn a_binary_classifier_report_has_a_roc_curve() {
    let dir = tempfile::tempdir().unwrap();
    let out = train(dir.path(), &["--dataset", "breast_cancer", "--epochs", "5", "--seed", "2"]);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<h2>ROC curve (AUC 0."), "no ROC section");
    assert!(section(&html, "roc").contains("<svg"));
    assert!(section(&html, "baselines").contains("constant: the most frequent class"));
    assert!(!html.contains("id=\"residuals\""));
}

#[test]
fn a_diamonds_sized_report_stays_under_400_kb() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("big.csv");
    let cuts = ["Fair", "Good", "Very Good", "Premium", "Ideal"];
    std::fs::write(
        &data,
        csv(54_000, "carat,cut,depth,table,price", |i| {
            let carat = 0.2 + 3.0 * u(i, 1);
            format!(
                "{carat:.2},{},{:.1},{:.0},{:.0}",
                cuts[i % 5],
                55.0 + 10.0 * u(i, 2),
                50.0 + 10.0 * u(i, 3),
                4000.0 * carat * carat
            )
        }),
    )
    .unwrap();
    let out = train(dir.path(), &[data.to_str().unwrap(), "--target", "price", "--epochs", "3", "--seed", "1"]);
    let size = std::fs::metadata(out.join("report.html")).unwrap().len();
    assert!(size < 400_000, "report.html is {size} bytes");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("data:image/png;base64,"), "10k test points embedded as PNG");
}

/// Debian's Chromium renders the report headless: the screenshot is not blank and the
/// console logged no error. Skipped, saying so, where Chromium is not installed (`.ci/run`
/// installs it).
#[test]
fn a_real_browser_renders_the_report() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(Path::new).find(|p| p.exists());
    let Some(chromium) = chromium else {
        eprintln!("SKIPPED a_real_browser_renders_the_report: no /usr/bin/chromium (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = train(dir.path(), &["--dataset", "boston_housing", "--epochs", "5", "--seed", "2"]);
    let shot = dir.path().join("shot.png");
    let profile = dir.path().join("profile");
    let run = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1000,4000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.iter().all(|l| !l.to_lowercase().contains("error")), "console errors: {console:?}");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    let pixels = &pixels[..info.buffer_size()];
    let dark = pixels.chunks(info.color_type.samples()).filter(|p| p[..3].iter().all(|&c| c < 128)).count();
    let total = pixels.len() / info.color_type.samples();
    assert!(dark * 1000 > total, "the screenshot is blank: {dark} dark pixels of {total}");
}
