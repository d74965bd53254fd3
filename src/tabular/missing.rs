//! Missing values in the tabular workflow: the policy ([`Missing`]), dropping rows without
//! a target, and fitting each feature column's fill on the training rows only (scikit-learn
//! `SimpleImputer` statistics) into the one [`Encoding`] that serves training and prediction.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::spec::TabularSpec;
use crate::data::{Encoding, FeatureKind, FillValue, Table, Value};
use crate::error::{Error, Result};
use crate::names::named;
use crate::preprocessing::ImputeStrategy;

/// What the workflow does with missing feature values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// Fill them ([`TabularSpec::impute`] and friends); the model fills them when predicting.
    #[default]
    Impute,
    /// Drop the rows that have one (pandas `dropna`); predicting such a row is an error.
    Drop,
    /// Stop with an error naming the first one.
    Error,
}

/// How a categorical gap is filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CategoricalImpute {
    /// A category of its own, `"missing_value"` (scikit-learn's constant for text).
    #[default]
    Category,
    /// The most frequent category of the training rows (the first in sorted order on a tie).
    MostFrequent,
}

/// The category a categorical gap becomes under [`CategoricalImpute::Category`].
pub const MISSING_CATEGORY: &str = "missing_value";

named!(Missing, "missing-value policy", Impute = "impute", Drop = "drop", Error = "error");
named!(CategoricalImpute, "categorical imputation", Category = "category", MostFrequent = "most_frequent");

/// What was done about the missing values of one column (for the report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingReport {
    /// The column.
    pub column: String,
    /// Its missing cells in the table as given.
    pub missing: usize,
    /// What became of them.
    pub action: String,
}

/// The hint of a missing-value error under `missing = "error"`.
const ERROR_HINT: &str = "train with --missing impute (TabularSpec::missing = Missing::Impute) to fill gaps, or --missing drop to drop those rows";

/// The table to train on: rows with a missing target dropped (an error under
/// `Missing::Error`), and under `Missing::Drop` every row with a gap.
pub(crate) struct Cleaned<'a> {
    pub(crate) table: Cow<'a, Table>,
    /// The position in the given table of each row kept (`None`: all of them).
    pub(crate) kept: Option<Vec<usize>>,
    pub(crate) warnings: Vec<String>,
}

impl Cleaned<'_> {
    /// The position in the given table of row `row` of the cleaned one.
    pub(crate) fn original(&self, row: usize) -> usize {
        self.kept.as_ref().map_or(row, |k| k[row])
    }
}

/// Cleans `table` for training on `target` under `spec.missing` (see [`Cleaned`]).
pub(crate) fn clean<'a>(table: &'a Table, target: &str, spec: &TabularSpec) -> Result<Cleaned<'a>> {
    table.column_type(target)?; // an unknown target is an error naming it
    let mut cleaned = Cleaned { table: Cow::Borrowed(table), kept: None, warnings: Vec::new() };
    let all: Vec<usize> = (0..table.n_cols()).collect();
    if table.first_missing(&all).is_none() {
        return Ok(cleaned);
    }
    if spec.missing == Missing::Error
        && let Some((row, col)) = table.first_missing(&all)
    {
        return Err(table.missing_error(row, col, ERROR_HINT));
    }
    let t = table.index_of(target)?;
    let drop_any = spec.missing == Missing::Drop;
    let kept: Vec<usize> = (0..table.n_rows())
        .filter(|&r| !(table.is_missing(r, t) || drop_any && all.iter().any(|&c| table.is_missing(r, c))))
        .collect();
    let without_target = (0..table.n_rows()).filter(|&r| table.is_missing(r, t)).count();
    if without_target > 0 {
        cleaned.warnings.push(format!("{without_target} row(s) with a missing target {target:?} were dropped"));
    }
    let with_gaps = table.n_rows() - kept.len() - without_target;
    if with_gaps > 0 {
        cleaned.warnings.push(format!("{with_gaps} row(s) with a missing feature value were dropped (--missing drop)"));
    }
    if kept.len() < table.n_rows() {
        cleaned.table = Cow::Owned(table.take(Some(&kept), &all));
        cleaned.kept = Some(kept);
    }
    Ok(cleaned)
}

/// Fits the fill of every feature column of `encoding` on the `train` rows of `table` and,
/// under `missing_indicator`, the indicator columns; a column with no value in the training
/// rows is left out (as scikit-learn does), with a warning.
pub(crate) fn fit_fills(
    encoding: &mut Encoding,
    table: &Table,
    train: &[usize],
    spec: &TabularSpec,
    warnings: &mut Vec<String>,
) -> Result<()> {
    if let Some(name) = spec.impute_columns.keys().find(|k| !encoding.features.iter().any(|f| &f.name == *k)) {
        return Err(Error::invalid("impute_columns", name, "is not a feature column of the table"));
    }
    let mut kept = Vec::with_capacity(encoding.features.len());
    for mut feature in std::mem::take(&mut encoding.features) {
        let values = table.column_values(&feature.name)?;
        let seen: Vec<Value<'_>> = train.iter().map(|&r| values[r]).filter(|v| !matches!(v, Value::Missing)).collect();
        if seen.is_empty() {
            warnings.push(format!("column {:?} has no value in the training rows; it is left out", feature.name));
            continue;
        }
        let chosen = spec.impute_columns.get(&feature.name).copied();
        let has_gap = values.iter().any(|v| matches!(v, Value::Missing));
        feature.fill = Some(match &mut feature.kind {
            FeatureKind::Numeric => {
                let numbers =
                    seen.iter().filter_map(|v| if let Value::Number(n) = v { Some(f64::from(*n)) } else { None });
                let strategy = chosen.unwrap_or(spec.impute);
                let fill = strategy.statistic(numbers.collect(), f64::from(spec.fill_value));
                FillValue::Number(fill.unwrap_or_default() as f32)
            }
            FeatureKind::OneHot { categories } => {
                if categorical_most_frequent(chosen, spec, &feature.name)? {
                    FillValue::Category(most_frequent_text(&seen))
                } else {
                    if has_gap && let Err(at) = categories.binary_search(&MISSING_CATEGORY.to_string()) {
                        categories.insert(at, MISSING_CATEGORY.to_string());
                    }
                    FillValue::Category(MISSING_CATEGORY.to_string())
                }
            }
        });
        let train_gap = train.iter().any(|&r| matches!(values[r], Value::Missing));
        if spec.missing_indicator && train_gap {
            encoding.indicators.push(feature.name.clone());
        }
        kept.push(feature);
    }
    encoding.features = kept;
    Ok(())
}

/// Whether a categorical column's gaps take its most frequent category (rather than their
/// own): its `impute_columns` strategy, or `impute_categorical`. A numeric strategy for a
/// categorical column is an error naming it.
pub(crate) fn categorical_most_frequent(
    chosen: Option<ImputeStrategy>,
    spec: &TabularSpec,
    column: &str,
) -> Result<bool> {
    match chosen {
        None => Ok(spec.impute_categorical == CategoricalImpute::MostFrequent),
        Some(ImputeStrategy::MostFrequent) => Ok(true),
        Some(ImputeStrategy::Constant) => Ok(false),
        Some(other) => Err(Error::invalid(
            "impute_columns",
            format!("{column} = {other}"),
            "needs numbers; a categorical column takes most_frequent or constant (its own category)",
        )),
    }
}

/// The most frequent text of `values` (the smallest of equally frequent ones).
fn most_frequent_text(values: &[Value<'_>]) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        let text = match v {
            Value::Text(t) => t.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Missing => continue,
        };
        *counts.entry(text).or_default() += 1;
    }
    let best = counts.values().copied().max().unwrap_or(0);
    counts.into_iter().find(|(_, c)| *c == best).map(|(t, _)| t).unwrap_or_default()
}

/// What became of the gaps of each column of `table` (the table as given).
pub(crate) fn report(table: &Table, target: &str, encoding: &Encoding, spec: &TabularSpec) -> Vec<MissingReport> {
    let mut out = Vec::new();
    for (column, missing) in table.missing_counts() {
        if missing == 0 {
            continue;
        }
        let feature = encoding.features.iter().find(|f| f.name == column);
        let action = match (spec.missing, feature.and_then(|f| f.fill.as_ref())) {
            _ if column == target => "rows dropped (missing target)".to_string(),
            (Missing::Drop, _) => "rows dropped".to_string(),
            (_, Some(FillValue::Number(v))) => {
                let strategy = spec.impute_columns.get(&column).copied().unwrap_or(spec.impute);
                format!("filled with {strategy} of the training rows: {v}")
            }
            (_, Some(FillValue::Category(c))) if c == MISSING_CATEGORY => format!("own category {c:?}"),
            (_, Some(FillValue::Category(c))) => format!("filled with the most frequent category {c:?}"),
            (_, None) => "column left out (no value in the training rows)".to_string(),
        };
        let indicator = if encoding.indicators.contains(&column) { "; indicator column added" } else { "" };
        out.push(MissingReport { column, missing, action: action + indicator });
    }
    out
}
