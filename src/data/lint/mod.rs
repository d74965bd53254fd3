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

mod checks;

use checks::{
    class_imbalance, distinct, duplicate_rows, is_row_number, number, pearson, range, target_values, unscaled_warning,
    validation_tail,
};

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
