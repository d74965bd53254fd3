//! The lint rules themselves: the statistics each check needs (distinct values, ranges,
//! Pearson's r) and the checks that look at the whole table or the target alone.

use std::collections::HashMap;

use super::{LintKind, LintOptions, LintWarning};
use crate::data::table::{Table, Value};

pub(super) fn number(v: &Value<'_>) -> Option<f64> {
    match v {
        Value::Number(x) if x.is_finite() => Some(f64::from(*x)),
        _ => None,
    }
}

/// The target as numbers: its values, or for text each class's order of first appearance
/// (so a file grouped by class reads as sorted).
pub(super) fn target_values(target: &[Value<'_>]) -> Vec<Option<f64>> {
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

pub(super) fn key(v: &Value<'_>) -> String {
    match v {
        Value::Number(x) => format!("n{}", x.to_bits()),
        Value::Text(t) => format!("t{t}"),
        Value::Missing => "m".into(),
    }
}

pub(super) fn distinct(values: &[&Value<'_>]) -> usize {
    values.iter().map(|v| key(v)).collect::<std::collections::HashSet<_>>().len()
}

/// Every value present, equal to its row's position (from 0 or from 1).
pub(super) fn is_row_number(x: &[Option<f64>]) -> bool {
    [0.0, 1.0].iter().any(|start| x.iter().enumerate().all(|(i, v)| *v == Some(i as f64 + start)))
}

pub(super) fn range(x: &[Option<f64>]) -> (f64, f64) {
    x.iter().flatten().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)))
}

/// Pearson's r over the rows where both are present (none with fewer than 3, or no spread).
pub(super) fn pearson(x: &[Option<f64>], y: &[Option<f64>]) -> Option<f64> {
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
pub(super) fn unscaled_warning(columns: &[(String, f64, f64)]) -> Option<LintWarning> {
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

pub(super) fn duplicate_rows(table: &Table) -> Option<LintWarning> {
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
pub(super) fn validation_tail(y: &[Option<f64>], classification: bool, options: &LintOptions) -> Option<LintWarning> {
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

pub(super) fn class_imbalance(target: &[Value<'_>], name: &str) -> Option<LintWarning> {
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
