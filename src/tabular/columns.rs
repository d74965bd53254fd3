//! What became of each column of a table in a trained model: its type, missing and distinct
//! counts, its range or top levels, and the features the model made of it (the report's
//! data table).

use std::collections::BTreeMap;

use super::TabularModel;
use crate::data::{ColumnType, FeatureKind, Table, Value};

/// One column of a table, as the model saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSummary {
    /// The column's name.
    pub name: String,
    /// `categorical` or `numeric`.
    pub kind: String,
    /// Missing cells.
    pub missing: usize,
    /// Distinct values (missing cells left out).
    pub distinct: usize,
    /// `min – max`, or the top 3 levels with their counts.
    pub values: String,
    /// The features it became (`1 numeric feature`, `3 one-hot features`), `target` or
    /// `not used`.
    pub became: String,
}

impl TabularModel {
    /// A [`ColumnSummary`] of every column of `table`, in its order.
    ///
    /// ```
    /// use kerust::prelude::*;
    /// let table = datasets::load("iris")?;
    /// let spec = TabularSpec { epochs: 2, layers: vec![4], seed: Some(1), ..TabularSpec::default() };
    /// let run = spec.fit(&table, "species")?;
    /// let columns = run.model.column_summaries(&table);
    /// let species = columns.iter().find(|c| c.name == "species").unwrap();
    /// assert_eq!((species.kind.as_str(), species.became.as_str()), ("categorical", "target"));
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn column_summaries(&self, table: &Table) -> Vec<ColumnSummary> {
        let pre = self.preprocessor();
        let mut out = Vec::new();
        for name in table.columns() {
            let Ok(values) = table.column_values(name) else { continue };
            let mut counts: BTreeMap<String, usize> = BTreeMap::new();
            let (mut lo, mut hi, mut missing) = (f32::INFINITY, f32::NEG_INFINITY, 0);
            for v in &values {
                match v {
                    Value::Number(x) => {
                        lo = lo.min(*x);
                        hi = hi.max(*x);
                        *counts.entry(x.to_string()).or_default() += 1;
                    }
                    Value::Text(t) => *counts.entry(t.to_string()).or_default() += 1,
                    Value::Missing => missing += 1,
                }
            }
            let categorical = table.column_type(name).is_ok_and(|t| t == ColumnType::Categorical);
            let summary = if categorical {
                let mut top: Vec<(&String, &usize)> = counts.iter().collect();
                top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                let shown: Vec<String> = top.iter().take(3).map(|(l, c)| format!("{l} ({c})")).collect();
                shown.join(", ") + if top.len() > 3 { ", …" } else { "" }
            } else if lo.is_finite() {
                format!("{lo} – {hi}")
            } else {
                "all missing".into()
            };
            let became = if *name == pre.target {
                "target".to_string()
            } else {
                match pre.encoding.features.iter().find(|f| f.name == *name).map(|f| &f.kind) {
                    Some(FeatureKind::Numeric) => "1 numeric feature".into(),
                    Some(FeatureKind::OneHot { categories }) => {
                        format!("{} one-hot features", categories.len() - usize::from(pre.encoding.drop_first))
                    }
                    None => "not used".into(),
                }
            };
            out.push(ColumnSummary {
                name: name.clone(),
                kind: if categorical { "categorical" } else { "numeric" }.into(),
                missing,
                distinct: counts.len(),
                values: summary,
                became,
            });
        }
        out
    }
}
