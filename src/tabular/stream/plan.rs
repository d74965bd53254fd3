//! Pass 1 of streaming: what the whole file says before any row trains — each column's
//! type (a column with text in any chunk is categorical, as when the file is read whole),
//! every category, the target's classes and the task, which rows are test rows and how many
//! rows train, so that validation can take the file's last training rows.

use std::collections::BTreeSet;

use super::chunks::Chunks;
use super::fills::Fills;
use crate::data::{ColumnType, CsvOptions, Encoding, FeatureKind, LabelMap, Table, Value};
use crate::error::{Error, Result};
use crate::tabular::missing;
use crate::tabular::selection::{check_sides, is_test_row};
use crate::tabular::{MAX_INTEGER_CLASSES, TabularSpec, Task};

/// What pass 1 learned.
pub(super) struct Plan {
    /// The options every chunk is read with: the delimiter and every column's type fixed.
    pub(super) options: CsvOptions,
    pub(super) task: Task,
    pub(super) labels: Option<LabelMap>,
    /// The features, categories from every chunk.
    pub(super) encoding: Encoding,
    /// Rows left after cleaning that are not test rows (they train or validate).
    pub(super) fit_rows: usize,
    pub(super) test_rows: usize,
    /// Rows dropped: with a missing target, and (under `missing = "drop"`) with a gap.
    pub(super) without_target: usize,
    pub(super) with_gaps: usize,
    /// What fitting the fills forgave (a column with no value in the training rows).
    pub(super) warnings: Vec<String>,
}

/// The target column's values over all chunks.
#[derive(Default)]
struct TargetValues {
    text: BTreeSet<String>,
    integers: BTreeSet<i64>,
    fractional: bool,
    is_text: bool,
    /// Distinct integers worth keeping: past `MAX_INTEGER_CLASSES` the task is regression
    /// unless the spec asked for classification.
    cap: usize,
}

impl Plan {
    /// Reads every chunk of `chunks` with `options` (the delimiter fixed), for `target`.
    pub(super) fn make(
        chunks: &Chunks,
        options: &CsvOptions,
        target: &str,
        spec: &TabularSpec,
        seed: u64,
    ) -> Result<Plan> {
        let mut options = options.clone();
        // Types inferred chunk by chunk can disagree (a column with text only in a later
        // chunk): then read again with the types of the whole file fixed.
        for _ in 0..2 {
            if let Some(plan) = Plan::read(chunks, &mut options, target, spec, seed)? {
                return Ok(plan);
            }
        }
        Err(Error::invalid("stream", "column types", "did not settle in two passes; please report this"))
    }

    /// One pass; `None` (with `options` now fixing every type) when types disagreed.
    fn read(
        chunks: &Chunks,
        options: &mut CsvOptions,
        target: &str,
        spec: &TabularSpec,
        seed: u64,
    ) -> Result<Option<Plan>> {
        let mut types: Vec<(String, ColumnType)> = Vec::new();
        let mut levels: Vec<BTreeSet<String>> = Vec::new();
        let cap = if spec.task == Some(Task::Classification) { usize::MAX } else { MAX_INTEGER_CLASSES + 1 };
        let mut values = TargetValues { cap, ..TargetValues::default() };
        let (mut encoding, mut fills) = (None, None);
        let (mut fit_rows, mut test_rows, mut without_target, mut with_gaps) = (0, 0, 0, 0);
        let mut disagree = false;
        for k in 0..chunks.chunks.len() {
            let table = chunks.table(k, options)?;
            if k == 0 {
                table.column_type(target)?; // an unknown target is an error naming it
                types =
                    table.columns().iter().map(|c| Ok((c.clone(), table.column_type(c)?))).collect::<Result<_>>()?;
                levels = vec![BTreeSet::new(); types.len()];
            }
            for (c, (name, merged)) in types.iter_mut().enumerate() {
                let here = table.column_type(name)?;
                if here != *merged {
                    disagree = true;
                    *merged = ColumnType::Categorical;
                }
                if here == ColumnType::Categorical {
                    levels[c].extend(table.categories(name)?.iter().cloned());
                }
            }
            if disagree {
                continue; // finish the pass for the types only
            }
            let missing_target = table.missing_count(target)?;
            let cleaned = missing::clean(&table, target, spec)?;
            let kept = cleaned.table.as_ref();
            without_target += missing_target;
            with_gaps += table.n_rows() - kept.n_rows() - missing_target;
            if k == 0 {
                let features: Vec<usize> = (0..kept.n_cols()).filter(|&c| kept.columns()[c] != target).collect();
                let fitted = Encoding::fit_at(kept, &features, false);
                fills = Some(Fills::new(&fitted, spec)?);
                encoding = Some(fitted);
            }
            // The categories of the kept rows, as the in-memory run fits them.
            if let Some(encoding) = &mut encoding {
                for feature in &mut encoding.features {
                    if let FeatureKind::OneHot { categories } = &mut feature.kind {
                        let mut all: BTreeSet<String> = std::mem::take(categories).into_iter().collect();
                        all.extend(kept.categories(&feature.name)?.iter().cloned());
                        *categories = all.into_iter().collect();
                    }
                }
            }
            values.add(kept, target)?;
            let first = chunks.chunks[k].first_row;
            let fitting: Vec<usize> = (0..kept.n_rows())
                .filter(|&r| !is_test_row(seed, first + cleaned.original(r) as u64, spec.test_size))
                .collect();
            fit_rows += fitting.len();
            test_rows += kept.n_rows() - fitting.len();
            if let Some(fills) = &mut fills {
                fills.add(kept, &fitting)?;
            }
        }
        if disagree {
            options.column_types = types;
            return Ok(None);
        }
        let mut encoding =
            encoding.ok_or_else(|| Error::invalid("data", "no rows", "the file has a header but no data rows"))?;
        let mut warnings = Vec::new();
        if let Some(fills) = fills {
            fills.finish(&mut encoding, spec, &mut warnings);
        }
        if encoding.features.is_empty() {
            return Err(Error::invalid(
                "target",
                target,
                "is the only column: there are no feature columns to learn from; add feature columns, or choose another target",
            ));
        }
        if fit_rows + test_rows < 4 {
            return Err(Error::invalid(
                "data",
                format!("{} rows", fit_rows + test_rows),
                "training needs at least 4 rows (rows are held out for the test metrics and for validation)",
            ));
        }
        check_sides(fit_rows, test_rows, spec.test_size)?;
        let task = match spec.task {
            Some(Task::Regression) if values.is_text => {
                return Err(Error::invalid(
                    "task",
                    "regression",
                    format!("needs a numeric target, but {target:?} holds text"),
                ));
            }
            Some(task) => task,
            None if values.is_text => Task::Classification,
            None if !values.fractional && values.integers.len() <= MAX_INTEGER_CLASSES => Task::Classification,
            None => Task::Regression,
        };
        let labels = match task {
            Task::Regression => None,
            Task::Classification => Some(values.labels(target)?),
        };
        options.column_types = types;
        Ok(Some(Plan {
            options: options.clone(),
            task,
            labels,
            encoding,
            fit_rows,
            test_rows,
            without_target,
            with_gaps,
            warnings,
        }))
    }
}

impl TargetValues {
    fn add(&mut self, table: &Table, target: &str) -> Result<()> {
        if table.column_type(target)? == ColumnType::Categorical {
            self.is_text = true;
            self.text.extend(table.categories(target)?.iter().cloned());
            return Ok(());
        }
        for v in table.column_values(target)? {
            if let Value::Number(x) = v {
                if x.fract() != 0.0 || x.abs() > 16_777_216.0 {
                    self.fractional = true;
                } else if self.integers.len() < self.cap {
                    self.integers.insert(x as i64);
                }
            }
        }
        Ok(())
    }

    /// The classes, sorted as [`Table::label_map`] sorts them.
    fn labels(&self, target: &str) -> Result<LabelMap> {
        let classes: Vec<String> = if self.is_text {
            self.text.iter().cloned().collect()
        } else if self.fractional {
            return Err(Error::InvalidTarget {
                what: format!("column {target:?}"),
                reason: "holds a value that is not an integer; a class target needs integer or string labels".into(),
            });
        } else {
            self.integers.iter().map(|i| i.to_string()).collect()
        };
        if classes.len() < 2 {
            return Err(Error::InvalidTarget {
                what: format!("column {target:?}"),
                reason: "it holds a single class; a classifier needs at least two".into(),
            });
        }
        Ok(LabelMap::new(classes))
    }
}
