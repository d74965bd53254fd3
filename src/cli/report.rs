//! `report.html`: one self-contained page (inline SVG and CSS, no network) with the
//! settings, the model summary, the charts and the test metrics.

use kerust::tabular::{MissingReport, Timings};

use super::analysis::Analysis;

use super::settings::RunSettings;

pub struct Page<'a> {
    pub settings: &'a RunSettings,
    pub summary: &'a str,
    pub metrics: &'a [(&'a str, f64)],
    pub confusion: Option<(&'a [String], &'a [Vec<usize>])>,
    pub curve_svg: &'a str,
    pub second: Option<(&'static str, String)>,
    pub interrupted: bool,
    pub epochs_run: usize,
    /// Rows (given, used).
    pub rows: (usize, usize),
    pub missing: &'a [MissingReport],
    pub warnings: &'a [String],
    /// The data lint findings.
    pub lint: &'a [kerust::data::LintWarning],
    /// The `--repeats` / `--cv` section (means, stds, the band chart).
    pub resampling: Option<&'a str>,
    /// Baselines, importance and the residual/ROC chart (none for an interrupted or diverged run).
    pub analysis: Option<&'a Analysis>,
    /// Every column of the data.
    pub columns: &'a [kerust::tabular::ColumnSummary],
    /// The command that trains this run again.
    pub reproduce: &'a str,
    /// Seconds: reading the data, then the run's phases.
    pub timings: (f64, &'a Timings),
    /// Set when the run diverged: what happened.
    pub diverged: Option<String>,
}

pub fn html(page: &Page<'_>) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kerust training report</title>\n<style>\nbody{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}\ntable{border-collapse:collapse;margin:1em 0}\ntd,th{border:1px solid #ccc;padding:4px 10px;text-align:left}\npre{background:#f6f6f6;padding:1em;overflow-x:auto}\n.warn{color:#a00;font-weight:bold}\n</style>\n</head>\n<body>\n<h1>kerust training report</h1>\n",
    );
    if let Some(d) = &page.diverged {
        out += &format!("<p class=\"warn\" id=\"diverged\">{}</p>\n", escape(d));
    }
    if page.interrupted {
        out += &format!("<p class=\"warn\">This run was interrupted after {} epochs.</p>\n", page.epochs_run);
    }
    out += "<h2>Test-split results</h2>\n<table>\n<tr><th>metric</th><th>value</th></tr>\n";
    for (name, value) in page.metrics {
        out += &format!("<tr><td>{}</td><td>{value:.4}</td></tr>\n", escape(name));
    }
    out += "</table>\n";
    if let Some((labels, matrix)) = page.confusion {
        out += "<h3>Confusion matrix (rows: true class, columns: predicted class)</h3>\n<table>\n<tr><th></th>";
        for l in labels {
            out += &format!("<th>{}</th>", escape(l));
        }
        out += "</tr>\n";
        for (l, row) in labels.iter().zip(matrix) {
            out += &format!("<tr><th>{}</th>", escape(l));
            for c in row {
                out += &format!("<td>{c}</td>");
            }
            out += "</tr>\n";
        }
        out += "</table>\n";
    }
    if let Some(a) = page.analysis {
        out += &baselines(page.metrics, a);
    }
    if let Some(section) = page.resampling {
        out += section;
    }
    out += &data_section(page);
    out += "<h2>Learning curve</h2>\n<figure id=\"learning_curve\">\n";
    out += &inline_svg(page.curve_svg);
    out += "\n</figure>\n";
    if let Some((name, svg)) = &page.second {
        out += &format!(
            "<h2>{}</h2>\n<figure id=\"{name}\">\n",
            if *name == "pred_vs_actual" { "Predicted vs actual" } else { "Confusion matrix" }
        );
        out += &inline_svg(svg);
        out += "\n</figure>\n";
    }
    for (id, title, svg) in page.analysis.map(|a| a.charts.as_slice()).unwrap_or_default() {
        out += &format!("<h2>{}</h2>\n<figure id=\"{id}\">\n{}\n</figure>\n", escape(title), inline_svg(svg));
    }
    out += "<h2>Reproduce</h2>\n<pre id=\"reproduce\">";
    out += &escape(page.reproduce);
    let (load, t) = page.timings;
    out += &format!(
        "</pre>\n<h2>Timings</h2>\n<table id=\"timings\">\n<tr><th>load</th><th>preprocess</th><th>train</th><th>evaluate</th></tr>\n<tr><td>{load:.3} s</td><td>{:.3} s</td><td>{:.3} s</td><td>{:.3} s</td></tr>\n</table>\n",
        t.preprocess, t.train, t.evaluate
    );
    out += "<h2>Model</h2>\n<pre>";
    out += &escape(page.summary);
    out += "</pre>\n<h2>Settings</h2>\n<pre>";
    out += &escape(&page.settings.to_toml().unwrap_or_default());
    out += "</pre>\n</body>\n</html>\n";
    out
}

/// The model's test metrics beside each baseline's: did depth pay off?
fn baselines(metrics: &[(&str, f64)], a: &Analysis) -> String {
    let mut out = String::from("<h2>Baselines</h2>\n<table id=\"baselines\">\n<tr><th>model</th>");
    for (name, _) in metrics {
        out += &format!("<th>{}</th>", escape(name));
    }
    out += "</tr>\n<tr><td>this model</td>";
    for (_, v) in metrics {
        out += &format!("<td>{v:.4}</td>");
    }
    out += "</tr>\n";
    for b in &a.baselines {
        out += &format!("<tr><td>{}</td>", escape(&b.name));
        for (name, _) in metrics {
            match b.metrics.get(*name) {
                Some(v) => out += &format!("<td>{v:.4}</td>"),
                None => out += "<td></td>",
            }
        }
        out += "</tr>\n";
    }
    out + "</table>\n"
}

/// Rows given and used, the missing values of each column and what became of them.
fn data_section(page: &Page<'_>) -> String {
    let (given, used) = page.rows;
    let mut out = format!("<h2>Data</h2>\n<p>{given} rows given, {used} used.</p>\n");
    out += "<table id=\"columns\">\n<tr><th>column</th><th>type</th><th>missing</th><th>distinct</th><th>range or top levels</th><th>became</th></tr>\n";
    for c in page.columns {
        out += &format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            escape(&c.name),
            c.kind,
            c.missing,
            c.distinct,
            escape(&c.values),
            escape(&c.became)
        );
    }
    out += "</table>\n";
    if page.missing.is_empty() {
        out += "<p>No missing values.</p>\n";
    } else {
        out += "<table>\n<tr><th>column</th><th>missing</th><th>what was done</th></tr>\n";
        for m in page.missing {
            out += &format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                escape(&m.column),
                m.missing,
                escape(&m.action)
            );
        }
        out += "</table>\n";
    }
    for w in page.warnings {
        out += &format!("<p class=\"warn\">{}</p>\n", escape(w));
    }
    out += "<h3>Data lint</h3>\n";
    if page.lint.is_empty() {
        out += "<p id=\"lint\">No lint warnings.</p>\n";
    } else {
        out += "<ul id=\"lint\">\n";
        for w in page.lint {
            out += &format!("<li class=\"warn\">{}</li>\n", escape(&w.message));
        }
        out += "</ul>\n";
    }
    out
}

/// The `<svg>` element alone: no XML declaration, and no `xmlns` attribute (inline SVG in
/// HTML needs none, and the page then holds no URL at all).
pub(super) fn inline_svg(svg: &str) -> String {
    let svg = svg.find("<svg").map_or(svg, |i| &svg[i..]);
    svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

pub(super) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
