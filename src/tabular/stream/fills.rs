//! The fills of a streamed run under `missing = "impute"`, fitted in pass 1 on the rows that
//! train, as an in-memory run fits them (`missing::fit_fills`): statistics that merge over
//! chunks in bounded memory — the mean (one running `f64` sum in file order, so exactly
//! the in-memory one), a constant, a categorical column's most frequent category (counts per
//! category). The median, or a numeric column's most frequent value, would need every value:
//! they are refused, naming the setting.

use std::collections::BTreeMap;

use crate::data::{Encoding, FeatureKind, FillValue, Table, Value};
use crate::error::{Error, Result};
use crate::preprocessing::ImputeStrategy;
use crate::tabular::TabularSpec;
use crate::tabular::missing::{MISSING_CATEGORY, Missing, categorical_most_frequent};

/// One feature's statistic so far.
enum Accumulator {
    Mean { sum: f64, count: usize },
    Constant(FillValue),
    MostFrequent(BTreeMap<String, usize>),
}

/// One feature's fill so far, and what the in-memory run also looks at: whether the column
/// has a gap anywhere (a categorical one then gets the `missing_value` category), whether
/// the training rows have one (for `missing_indicator`), and whether they have any value.
struct Feature {
    name: String,
    accumulator: Accumulator,
    gap: bool,
    training_gap: bool,
    seen: bool,
}

/// The fills of every feature, accumulated a chunk at a time.
pub(super) struct Fills {
    features: Vec<Feature>,
}

impl Fills {
    /// The accumulators `spec` asks for (none unless `missing = "impute"`).
    pub(super) fn new(encoding: &Encoding, spec: &TabularSpec) -> Result<Fills> {
        if spec.missing != Missing::Impute {
            return Ok(Fills { features: Vec::new() });
        }
        if let Some(name) = spec.impute_columns.keys().find(|k| !encoding.features.iter().any(|f| &f.name == *k)) {
            return Err(Error::invalid("impute_columns", name, "is not a feature column of the table"));
        }
        let mut features = Vec::new();
        for feature in &encoding.features {
            let chosen = spec.impute_columns.get(&feature.name).copied();
            let refuse = |strategy: ImputeStrategy| {
                let setting = if chosen.is_some() {
                    format!("impute_columns {} = {strategy}", feature.name)
                } else {
                    format!("impute = {strategy}")
                };
                Error::invalid(
                    "impute",
                    setting,
                    "needs every value of the column at once, which --stream does not hold; use mean or constant (--impute), or train without --stream",
                )
            };
            let accumulator = match &feature.kind {
                FeatureKind::Numeric => match chosen.unwrap_or(spec.impute) {
                    ImputeStrategy::Mean => Accumulator::Mean { sum: 0.0, count: 0 },
                    ImputeStrategy::Constant => Accumulator::Constant(FillValue::Number(spec.fill_value)),
                    other => return Err(refuse(other)),
                },
                FeatureKind::OneHot { .. } => {
                    if categorical_most_frequent(chosen, spec, &feature.name)? {
                        Accumulator::MostFrequent(BTreeMap::new())
                    } else {
                        Accumulator::Constant(FillValue::Category(MISSING_CATEGORY.to_string()))
                    }
                }
            };
            features.push(Feature {
                name: feature.name.clone(),
                accumulator,
                gap: false,
                training_gap: false,
                seen: false,
            });
        }
        Ok(Fills { features })
    }

    /// Adds a chunk: `table` (its kept rows), of which `fitting` train or validate (in file
    /// order).
    pub(super) fn add(&mut self, table: &Table, fitting: &[usize]) -> Result<()> {
        for feature in &mut self.features {
            let values = table.column_values(&feature.name)?;
            feature.gap |= values.iter().any(|v| matches!(v, Value::Missing));
            feature.training_gap |= fitting.iter().any(|&r| matches!(values[r], Value::Missing));
            feature.seen |= fitting.iter().any(|&r| !matches!(values[r], Value::Missing));
            match &mut feature.accumulator {
                Accumulator::Constant(_) => {}
                Accumulator::Mean { sum, count } => {
                    for &r in fitting {
                        if let Value::Number(v) = values[r] {
                            *sum += f64::from(v);
                            *count += 1;
                        }
                    }
                }
                Accumulator::MostFrequent(counts) => {
                    for &r in fitting {
                        let text = match values[r] {
                            Value::Text(t) => t.to_string(),
                            Value::Number(n) => n.to_string(),
                            Value::Missing => continue,
                        };
                        *counts.entry(text).or_default() += 1;
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets the fills into `encoding` (whose features these are, in order), as the in-memory
    /// run sets them: a column with no value in the training rows is left out (with a
    /// warning), a categorical column with gaps gets its `missing_value` category, and under
    /// `missing_indicator` each column with gaps in the training rows an indicator.
    pub(super) fn finish(self, encoding: &mut Encoding, spec: &TabularSpec, warnings: &mut Vec<String>) {
        if self.features.is_empty() {
            return;
        }
        let mut kept = Vec::with_capacity(encoding.features.len());
        for (feature, mut spec_of) in self.features.into_iter().zip(std::mem::take(&mut encoding.features)) {
            if !feature.seen {
                warnings.push(format!("column {:?} has no value in the training rows; it is left out", feature.name));
                continue;
            }
            spec_of.fill = Some(match feature.accumulator {
                Accumulator::Constant(fill) => fill,
                Accumulator::Mean { sum, count } => FillValue::Number((sum / count.max(1) as f64) as f32),
                Accumulator::MostFrequent(counts) => {
                    let best = counts.values().copied().max().unwrap_or(0);
                    FillValue::Category(
                        counts.into_iter().find(|(_, c)| *c == best).map(|(t, _)| t).unwrap_or_default(),
                    )
                }
            });
            if let (Some(FillValue::Category(c)), FeatureKind::OneHot { categories }) =
                (&spec_of.fill, &mut spec_of.kind)
                && c == MISSING_CATEGORY
                && feature.gap
                && let Err(at) = categories.binary_search(&MISSING_CATEGORY.to_string())
            {
                categories.insert(at, MISSING_CATEGORY.to_string());
            }
            if spec.missing_indicator && feature.training_gap {
                encoding.indicators.push(feature.name.clone());
            }
            kept.push(spec_of);
        }
        encoding.features = kept;
    }
}
