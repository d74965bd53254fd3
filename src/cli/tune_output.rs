//! The study folder's pictures and page: `history.png/.svg` (objective per trial and best so
//! far), `params.png/.svg` (each parameter against the objective) and `report.html`.
//! `journal.jsonl`, `trials.csv` and `summary.txt` are the library's, kept current as trials
//! finish.

use std::path::Path;

use kerust::io::write_atomic;
use kerust::plot::{ParamColumn, ParamValue, TrialPoint, params_vs_objective, study_history};
use kerust::tuning::{Direction, Param, Study, TrialState, Value, shown};

use super::report::{escape, inline_svg};

/// The study's charts as SVG, for the report.
pub struct Charts {
    history: String,
    params: String,
}

/// Writes the charts into the study folder.
pub fn charts(study: &Study) -> anyhow::Result<Charts> {
    let Some(dir) = study.dir() else { return Ok(Charts { history: String::new(), params: String::new() }) };
    let s = study.settings();
    let lower = s.direction == Direction::Minimize;
    let points: Vec<TrialPoint> = study
        .trials()
        .iter()
        .map(|t| TrialPoint {
            number: t.number,
            value: t.value,
            std: t.std,
            state: match t.state {
                TrialState::Complete => "complete",
                TrialState::Pruned => "pruned",
                TrialState::Failed => "failed",
            },
        })
        .collect();
    let history = study_history(&points, &s.objective, lower)?;
    let columns: Vec<ParamColumn> = s
        .space
        .params
        .iter()
        .map(|(name, param)| ParamColumn {
            name: name.clone(),
            log: matches!(param, Param::Int { log: true, .. } | Param::Float { log: true, .. }),
            values: study
                .trials()
                .iter()
                .map(|t| match shown(&t.params).into_iter().find(|(n, _)| n == name).map(|(_, v)| v) {
                    Some(Value::Int(v)) => ParamValue::Number(v as f64),
                    Some(Value::Float(v)) => ParamValue::Number(v),
                    Some(v) => ParamValue::Label(v.to_string()),
                    None => ParamValue::Missing,
                })
                .collect(),
        })
        .collect();
    let params = params_vs_objective(&columns, &points, &s.objective, lower)?;
    let files: [(&str, &[u8]); 4] = [
        ("history.svg", history.svg.as_bytes()),
        ("history.png", &history.png),
        ("params.svg", params.svg.as_bytes()),
        ("params.png", &params.png),
    ];
    for (name, bytes) in files {
        write_atomic(&dir.join(name), bytes)?;
    }
    Ok(Charts { history: history.svg, params: params.svg })
}

/// Writes `report.html` (linking `best/` once it exists).
pub fn report(study: &Study, charts: &Charts) -> anyhow::Result<()> {
    let Some(dir) = study.dir() else { return Ok(()) };
    write_atomic(&dir.join("report.html"), page(study, dir, &charts.history, &charts.params).as_bytes())?;
    Ok(())
}

fn page(study: &Study, dir: &Path, history_svg: &str, params_svg: &str) -> String {
    let s = study.settings();
    let (complete, pruned, failed) = study.counts();
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>kerust tuning report</title>\n<style>\nbody{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}\ntable{border-collapse:collapse;margin:1em 0}\ntd,th{border:1px solid #ccc;padding:3px 8px;text-align:left}\npre{background:#f6f6f6;padding:1em;overflow-x:auto}\n.warn{color:#a00;font-weight:bold}\n</style>\n</head>\n<body>\n<h1>kerust tuning report</h1>\n",
    );
    out += &format!(
        "<p>{} trials ({complete} complete, {pruned} pruned, {failed} failed) of {}; sampler {}, pruner {}, objective {} ({}), {}; study seed {}; {} epochs in all.</p>\n",
        study.trials().len(),
        s.trials,
        s.sampler,
        s.pruner,
        escape(&s.objective),
        s.direction,
        match s.resampling.cv {
            Some(k) => format!("{k}-fold cross-validation × {} seeds", s.resampling.repeats),
            None => format!("validation split {} × {} seeds", s.base.validation_split, s.resampling.repeats),
        },
        s.seed,
        study.total_epochs()
    );
    if study.interrupted() {
        out += &format!(
            "<p class=\"warn\">The study was interrupted; continue it with <code>kerust tune --resume {}</code>.</p>\n",
            escape(&dir.display().to_string())
        );
    }
    if dir.join("best").join("report.html").exists() {
        out += "<p>The best setting, refit on every training row: <a href=\"best/report.html\">best/report.html</a>.</p>\n";
    }
    out += "<h2>Best trials</h2>\n<pre>";
    out += &escape(&study.results_summary_of(5));
    out += "</pre>\n<h2>Tuning history</h2>\n<figure id=\"history\">\n";
    out += &inline_svg(history_svg);
    out += "\n</figure>\n<h2>Parameters vs objective</h2>\n<figure id=\"params\">\n";
    out += &inline_svg(params_svg);
    out += "\n</figure>\n<h2>All trials</h2>\n<table>\n";
    let csv = study.trials_csv();
    for (i, line) in csv.lines().enumerate() {
        let cell = if i == 0 { "th" } else { "td" };
        out += "<tr>";
        for field in line.split(',') {
            out += &format!("<{cell}>{}</{cell}>", escape(field));
        }
        out += "</tr>\n";
    }
    out += "</table>\n</body>\n</html>\n";
    out
}
