//! Scoring the test rows: scikit-learn's metrics of the model's answers (`rmse`, `mae`, `r2`,
//! `mape`, or `accuracy`, `f1_macro`) and a classifier's confusion matrix.

use std::collections::BTreeMap;

use ndarray::Array2;

use super::predictions::Predictions;
use super::preprocessor::Preprocessor;
use crate::error::Result;
use crate::metrics::{
    Average, accuracy_score, confusion_matrix_with_labels, f1_score, mean_absolute_error,
    mean_absolute_percentage_error, r2_score, root_mean_squared_error,
};

/// The metrics of `predictions` against targets `y` (values, or class indices).
pub(crate) fn scores(y: &Array2<f32>, predictions: &Predictions) -> Result<BTreeMap<String, f64>> {
    let mut out = BTreeMap::new();
    match predictions.classes() {
        None => {
            let p = predictions.values();
            out.insert("rmse".to_string(), root_mean_squared_error(y, p)?);
            out.insert("mae".to_string(), mean_absolute_error(y, p)?);
            out.insert("r2".to_string(), r2_score(y, p)?);
            out.insert("mape".to_string(), mean_absolute_percentage_error(y, p)?);
        }
        Some(classes) => {
            let p = class_column(classes);
            out.insert("accuracy".to_string(), accuracy_score(y, &p)?);
            out.insert("f1_macro".to_string(), f1_score(y, &p, Average::Macro)?);
        }
    }
    Ok(out)
}

/// The confusion matrix over every class of the label map (classification).
pub(crate) fn confusion(
    pre: &Preprocessor,
    y: &Array2<f32>,
    predictions: &Predictions,
) -> Result<Option<Array2<usize>>> {
    let (Some(labels), Some(classes)) = (&pre.labels, predictions.classes()) else { return Ok(None) };
    let all: Vec<usize> = (0..labels.len()).collect();
    Ok(Some(confusion_matrix_with_labels(y, &class_column(classes), &all)?))
}

fn class_column(classes: &[usize]) -> Array2<f32> {
    Array2::from_shape_fn((classes.len(), 1), |(i, _)| classes[i] as f32)
}
