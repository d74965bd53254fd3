//! Data lint: what is wrong with a table for learning `target`, found before training. Each
//! finding is a [`LintWarning`] whose message says what was seen and what to do; nothing
//! here changes the data. `kerust train` prints them as `warning:` lines, lists them in the
//! report, and makes them errors under `--strict`.
//!
//! ```
//! use kerust::data::{LintKind, LintOptions, Table};
//! let mut csv = String::from("id,x,y\n");
//! for i in 0..12 {
//!     csv += &format!("{i},{},{}\n", i % 5, 2 * (i % 5));
//! }
//! let table = Table::from_reader(csv.as_bytes())?;
//! let kinds: Vec<LintKind> = table.lint(&LintOptions::new("y")).iter().map(|w| w.kind).collect();
//! assert!(kinds.contains(&LintKind::IdLike)); // id is the row number
//! assert!(kinds.contains(&LintKind::TargetLeak)); // y = 2·x
//! # Ok::<(), kerust::Error>(())
//! ```

use std::collections::HashMap;

use super::table::{ColumnType, Table, Value};

/// A categorical column with more levels than this is worth a warning (its one-hot columns).
pub const MAX_LEVELS: usize = 100;

/// What a lint check looks at.
#[derive(Debug, Clone)]
pub struct LintOptions {
    /// The target column.
    pub target: String,
    /// Whether the target is classes (`None`: when it holds text).
    pub classification: Option<bool>,
    /// The fraction of the training rows that validate: the *last* ones, as in Keras.
    pub validation_split: f64,
    /// Whether the features will be scaled (no: warn about unscaled ranges).
    pub scaled: bool,
    /// Whether the rows are shuffled before the validation rows are taken. `Sequential::fit`
    /// with `validation_split` takes the file's last rows, as Keras does (`false`); the
    /// tabular workflow's train/test split shuffles the training rows first (`true`), so a
    /// sorted file cannot give it an unrepresentative validation tail.
    pub rows_shuffled: bool,
}

impl LintOptions {
    /// Lint for `target`, with the workflow's defaults (validation 0.2, features scaled).
    pub fn new(target: &str) -> Self {
        LintOptions {
            target: target.to_string(),
            classification: None,
            validation_split: 0.2,
            scaled: true,
            rows_shuffled: false,
        }
    }
}

/// The kinds of finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LintKind {
    /// A feature with one value in every row.
    Constant,
    /// A categorical with a distinct value in more than half the rows, or a numeric column
    /// equal to the row number.
    IdLike,
    /// A categorical with more than [`MAX_LEVELS`] levels.
    ManyLevels,
    /// Rows identical to an earlier row.
    DuplicateRows,
    /// A feature almost equal to the target (|Pearson r| > 0.99).
    TargetLeak,
    /// Features on very different scales while no scaler is used.
    Unscaled,
    /// The last rows (which validate) do not look like the rest.
    ValidationTail,
    /// One class over ten times as frequent as another.
    ClassImbalance,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LintWarning {
    /// What kind.
    pub kind: LintKind,
    /// The column concerned, if one.
    pub column: Option<String>,
    /// What was seen and what to do.
    pub message: String,
}

impl std::fmt::Display for LintWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Table {
    /// The lint findings of this table for learning `options.target` (see the module docs);
    /// empty when nothing looks wrong, or when the target is not a column.
    pub fn lint(&self, options: &LintOptions) -> Vec<LintWarning> {
        let Ok(target) = self.column_values(&options.target) else { return Vec::new() };
        let mut out = Vec::new();
        let rows = self.n_rows();
        let y = target_values(&target);
        let classification = options
            .classification
            .unwrap_or_else(|| self.column_type(&options.target).is_ok_and(|t| t == ColumnType::Categorical));
        let mut unscaled: Vec<(String, f64, f64)> = Vec::new();
        for name in self.columns().iter().filter(|c| **c != options.target) {
            let Ok(values) = self.column_values(name) else { continue };
            let warn = |kind, message: String| LintWarning { kind, column: Some(name.clone()), message };
            let present: Vec<&Value<'_>> = values.iter().filter(|v| !matches!(v, Value::Missing)).collect();
            let distinct = distinct(&present);
            if rows >= 2 && distinct <= 1 {
                out.push(warn(
                    LintKind::Constant,
                    format!("column {name:?} has the same value in every row; it cannot help predict, drop it"),
                ));
                continue;
            }
            match self.column_type(name) {
                Ok(ColumnType::Categorical) => {
                    if rows >= 10 && distinct * 2 > rows {
                        out.push(warn(
                            LintKind::IdLike,
                            format!(
                                "column {name:?} looks like an id: {distinct} distinct values in {rows} rows would become {distinct} one-hot columns that only memorise rows; drop it"
                            ),
                        ));
                    } else if distinct > MAX_LEVELS {
                        out.push(warn(
                            LintKind::ManyLevels,
                            format!(
                                "column {name:?} has {distinct} levels (over {MAX_LEVELS}); one-hot encoding adds {distinct} columns; group rare levels or drop it"
                            ),
                        ));
                    }
                }
                _ => {
                    let x: Vec<Option<f64>> = values.iter().map(number).collect();
                    if rows >= 10 && is_row_number(&x) {
                        out.push(warn(
                            LintKind::IdLike,
                            format!("column {name:?} equals the row number (an id or index, not a feature); drop it"),
                        ));
                        continue;
                    }
                    if !classification
                        && let Some(r) = pearson(&x, &y)
                        && r.abs() > 0.99
                    {
                        out.push(warn(
                            LintKind::TargetLeak,
                            format!(
                                "column {name:?} is almost the target {:?} (Pearson r = {r:.4}): a leak? a model that sees it learns nothing else; drop it unless it is known when predicting",
                                options.target
                            ),
                        ));
                    }
                    let (lo, hi) = range(&x);
                    unscaled.push((name.clone(), lo, hi));
                }
            }
        }
        if !options.scaled {
            out.extend(unscaled_warning(&unscaled));
        }
        out.extend(duplicate_rows(self));
        out.extend(validation_tail(&y, classification, options));
        if classification {
            out.extend(class_imbalance(&target, &options.target));
        }
        out
    }
}

fn number(v: &Value<'_>) -> Option<f64> {
    match v {
        Value::Number(x) if x.is_finite() => Some(f64::from(*x)),
        _ => None,
    }
}

/// The target as numbers: its values, or for text each class's order of first appearance
/// (so a file grouped by class reads as sorted).
fn target_values(target: &[Value<'_>]) -> Vec<Option<f64>> {
    let mut first_seen: HashMap<&str, usize> = HashMap::new();
    target
        .iter()
        .map(|v| match v {
            Value::Text(t) => {
                let next = first_seen.len();
                Some(*first_seen.entry(t).or_insert(next) as f64)
            }
            other => number(other),
        })
        .collect()
}

fn key(v: &Value<'_>) -> String {
    match v {
        Value::Number(x) => format!("n{}", x.to_bits()),
        Value::Text(t) => format!("t{t}"),
        Value::Missing => "m".into(),
    }
}

fn distinct(values: &[&Value<'_>]) -> usize {
    values.iter().map(|v| key(v)).collect::<std::collections::HashSet<_>>().len()
}

/// Every value present, equal to its row's position (from 0 or from 1).
fn is_row_number(x: &[Option<f64>]) -> bool {
    [0.0, 1.0].iter().any(|start| x.iter().enumerate().all(|(i, v)| *v == Some(i as f64 + start)))
}

fn range(x: &[Option<f64>]) -> (f64, f64) {
    x.iter().flatten().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

/// Pearson's r over the rows where both are present (none with fewer than 3, or no spread).
fn pearson(x: &[Option<f64>], y: &[Option<f64>]) -> Option<f64> {
    let pairs: Vec<(f64, f64)> = x.iter().zip(y).filter_map(|(a, b)| Some(((*a)?, (*b)?))).collect();
    let n = pairs.len() as f64;
    if pairs.len() < 3 {
        return None;
    }
    let (mx, my) = (pairs.iter().map(|p| p.0).sum::<f64>() / n, pairs.iter().map(|p| p.1).sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in &pairs {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Without a scaler, features far from [-10, 10] or on spans 100× apart train badly.
fn unscaled_warning(columns: &[(String, f64, f64)]) -> Option<LintWarning> {
    let spans: Vec<(&String, f64, f64)> =
        columns.iter().filter(|c| c.1.is_finite()).map(|c| (&c.0, c.1, c.2)).collect();
    let widest = spans.iter().max_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)))?;
    let narrowest = spans.iter().min_by(|a, b| (a.2 - a.1).total_cmp(&(b.2 - b.1)))?;
    let large = spans.iter().map(|c| c.1.abs().max(c.2.abs())).fold(0.0, f64::max) > 10.0;
    let apart = narrowest.2 - narrowest.1 > 0.0 && (widest.2 - widest.1) / (narrowest.2 - narrowest.1) > 100.0;
    (large || apart).then(|| LintWarning {
        kind: LintKind::Unscaled,
        column: Some(widest.0.clone()),
        message: format!(
            "features are not scaled (scaler none): {:?} spans [{}, {}] while {:?} spans [{}, {}]; deep learning needs scaled features: use the minmax or standard scaler",
            widest.0, widest.1, widest.2, narrowest.0, narrowest.1, narrowest.2
        ),
    })
}

fn duplicate_rows(table: &Table) -> Option<LintWarning> {
    let columns: Vec<Vec<Value<'_>>> = table.columns().iter().filter_map(|c| table.column_values(c).ok()).collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for row in 0..table.n_rows() {
        let k: String = columns.iter().map(|c| key(&c[row]) + "\u{1f}").collect();
        if let Some(&first) = seen.get(&k) {
            duplicates.push((row, first));
        } else {
            seen.insert(k, row);
        }
    }
    let &(row, first) = duplicates.first()?;
    let line = |r: usize| table.line(r).map_or(format!("row {}", r + 1), |l| format!("line {l}"));
    Some(LintWarning {
        kind: LintKind::DuplicateRows,
        column: None,
        message: format!(
            "{} row(s) repeat an earlier row (e.g. {} repeats {}); a duplicate can land in both the training and the test rows and flatter the test metrics; remove duplicates if they are not real repeats",
            duplicates.len(),
            line(row),
            line(first)
        ),
    })
}

/// What to do about an unrepresentative validation tail.
const FIX: &str = "shuffle the file's rows before training (e.g. `shuf`, keeping the header)";

/// Keras's `validation_split` validates on the last rows, before any shuffling.
fn validation_tail(y: &[Option<f64>], classification: bool, options: &LintOptions) -> Option<LintWarning> {
    let present: Vec<f64> = y.iter().flatten().copied().collect();
    if present.len() < 20 || options.validation_split <= 0.0 || options.rows_shuffled {
        return None;
    }
    let target = &options.target;
    let rising = present.windows(2).all(|w| w[0] <= w[1]);
    let falling = present.windows(2).all(|w| w[0] >= w[1]);
    let warn = |message: String| LintWarning { kind: LintKind::ValidationTail, column: Some(target.clone()), message };
    if (rising || falling) && present.first() != present.last() {
        return Some(warn(format!(
            "the rows are sorted by the target {target:?} ({}): validation takes the last rows, so it checks the model on values it never trained on; {FIX}",
            if rising { "ascending" } else { "descending" }
        )));
    }
    if classification {
        return None;
    }
    let tail = ((present.len() as f64) * options.validation_split).ceil() as usize;
    let (head, last) = present.split_at(present.len() - tail.clamp(1, present.len() - 1));
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (m, t) = (mean(head), mean(last));
    let sd = (head.iter().map(|v| (v - m).powi(2)).sum::<f64>() / head.len() as f64).sqrt();
    (sd > 0.0 && (t - m).abs() > 2.0 * sd).then(|| {
        warn(format!(
            "the last {} rows (the validation rows) have a mean {target:?} of {t:.4}, {:.1} standard deviations from the rest ({m:.4}): the file may be sorted by time or by the target; {FIX}",
            last.len(),
            (t - m).abs() / sd
        ))
    })
}

fn class_imbalance(target: &[Value<'_>], name: &str) -> Option<LintWarning> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for v in target {
        let label = match v {
            Value::Number(x) => x.to_string(),
            Value::Text(t) => t.to_string(),
            Value::Missing => continue,
        };
        *counts.entry(label).or_default() += 1;
    }
    let (most, most_n) = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
    let (least, least_n) = counts.iter().min_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))?;
    (*most_n > 10 * *least_n).then(|| LintWarning {
        kind: LintKind::ClassImbalance,
        column: Some(name.to_string()),
        message: format!(
            "the classes of {name:?} are imbalanced: {most:?} has {most_n} rows, {least:?} only {least_n} (over 10:1); accuracy will flatter the model: use --class-weight balanced"
        ),
    })
}
