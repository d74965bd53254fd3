//! The fills a streamed model keeps for the gaps of the rows it will predict (an in-memory
//! run under `missing = "impute"` fits them on its training rows): statistics that merge
//! over chunks in bounded memory — the mean (one running `f64` sum in file order, so exactly
//! the in-memory one), a constant, a categorical column's most frequent category (counts per
//! category). The median, or a numeric column's most frequent value, would need every value:
//! they are refused, naming the setting.

use std::collections::BTreeMap;

use crate::data::{Encoding, FeatureKind, FillValue, Table, Value};
use crate::error::{Error, Result};
use crate::preprocessing::ImputeStrategy;
use crate::tabular::TabularSpec;
use crate::tabular::missing::{CategoricalImpute, MISSING_CATEGORY, Missing};

/// One feature's statistic so far.
enum Accumulator {
    Mean { sum: f64, count: usize },
    Constant(FillValue),
    MostFrequent(BTreeMap<String, usize>),
}

/// The fills of every feature, accumulated a chunk at a time.
pub(super) struct Fills {
    features: Vec<(String, Accumulator)>,
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
                    let most_frequent = match chosen {
                        None => spec.impute_categorical == CategoricalImpute::MostFrequent,
                        Some(ImputeStrategy::MostFrequent) => true,
                        Some(ImputeStrategy::Constant) => false,
                        Some(other) => {
                            return Err(Error::invalid(
                                "impute_columns",
                                format!("{} = {other}", feature.name),
                                "needs numbers; a categorical column takes most_frequent or constant (its own category)",
                            ));
                        }
                    };
                    if most_frequent {
                        Accumulator::MostFrequent(BTreeMap::new())
                    } else {
                        Accumulator::Constant(FillValue::Category(MISSING_CATEGORY.to_string()))
                    }
                }
            };
            features.push((feature.name.clone(), accumulator));
        }
        Ok(Fills { features })
    }

    /// Adds the `rows` of `table` (rows that train or validate, in file order).
    pub(super) fn add(&mut self, table: &Table, rows: &[usize]) -> Result<()> {
        for (name, accumulator) in &mut self.features {
            match accumulator {
                Accumulator::Constant(_) => {}
                Accumulator::Mean { sum, count } => {
                    for &r in rows {
                        if let Value::Number(v) = table.value(r, name)? {
                            *sum += f64::from(v);
                            *count += 1;
                        }
                    }
                }
                Accumulator::MostFrequent(counts) => {
                    for &r in rows {
                        let text = match table.value(r, name)? {
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

    /// Sets the fills into `encoding` (whose features these are, in order).
    pub(super) fn finish(self, encoding: &mut Encoding) {
        for ((_, accumulator), feature) in self.features.into_iter().zip(&mut encoding.features) {
            feature.fill = Some(match accumulator {
                Accumulator::Constant(fill) => fill,
                Accumulator::Mean { sum, count } => FillValue::Number((sum / count.max(1) as f64) as f32),
                Accumulator::MostFrequent(counts) => {
                    let best = counts.values().copied().max().unwrap_or(0);
                    FillValue::Category(
                        counts.into_iter().find(|(_, c)| *c == best).map(|(t, _)| t).unwrap_or_default(),
                    )
                }
            });
        }
    }
}
