//! Every value of `tests/fixtures/scalers_metrics.json` (scikit-learn 1.9.1, float64),
//! reproduced by kerust: scalers in f32 to 1e-6 relative, metrics to 1e-6 relative.

use kerust::metrics::*;
use kerust::preprocessing::{MinMaxScaler, StandardScaler};
use ndarray::Array2;
use serde_json::Value;

fn fixture() -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/scalers_metrics.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn matrix(v: &Value) -> Array2<f32> {
    let rows: Vec<Vec<f64>> = serde_json::from_value(v.clone()).unwrap();
    let (n, k) = (rows.len(), rows[0].len());
    Array2::from_shape_fn((n, k), |(r, c)| rows[r][c] as f32)
}

/// A flat list of numbers (`[1, 2, 3]`) as a column `(n, 1)`.
fn column(v: &Value) -> Array2<f32> {
    let values: Vec<f64> = serde_json::from_value(v.clone()).unwrap();
    Array2::from_shape_fn((values.len(), 1), |(r, _)| values[r] as f32)
}

fn vector(v: &Value) -> Vec<f64> {
    serde_json::from_value(v.clone()).unwrap()
}

fn close(got: f64, expected: f64, what: &str) {
    assert!((got - expected).abs() <= 1e-6 * expected.abs() + 1e-12, "{what}: got {got}, expected {expected}");
}

fn close_all(got: &[f64], expected: &Value, what: &str) {
    let expected = vector(expected);
    assert_eq!(got.len(), expected.len(), "{what}");
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        close(*g, *e, &format!("{what}[{i}]"));
    }
}

fn close_matrix(got: &Array2<f32>, expected: &Value, what: &str) {
    let rows: Vec<Vec<f64>> = serde_json::from_value(expected.clone()).unwrap();
    assert_eq!(got.dim(), (rows.len(), rows[0].len()), "{what}");
    for ((r, c), &g) in got.indexed_iter() {
        close(f64::from(g), rows[r][c], &format!("{what}[{r}][{c}]"));
    }
}

/// `transform` of the fixture's new rows, and `inverse` of that, against the fixture.
fn check_transforms(
    e: &Value,
    new_data: &Array2<f32>,
    transform: impl Fn(&Array2<f32>) -> Array2<f32>,
    inverse: impl Fn(&Array2<f32>) -> Array2<f32>,
) {
    let transformed = transform(new_data);
    close_matrix(&transformed, &e["transform"], "transform");
    close_matrix(&inverse(&transformed), &e["inverse_transform_of_transform"], "inverse(transform)");
}

/// The regression case `name` (targets read by `read`) after checking the four metrics every
/// case holds: the case, y_true, y_pred.
fn regression_case(name: &str, read: fn(&Value) -> Array2<f32>) -> (Value, Array2<f32>, Array2<f32>) {
    let r = fixture()[name].clone();
    let (t, p) = (read(&r["y_true"]), read(&r["y_pred"]));
    close(mean_squared_error(&t, &p).unwrap(), r["mean_squared_error"].as_f64().unwrap(), "mse");
    close(root_mean_squared_error(&t, &p).unwrap(), r["root_mean_squared_error"].as_f64().unwrap(), "rmse");
    close(mean_absolute_error(&t, &p).unwrap(), r["mean_absolute_error"].as_f64().unwrap(), "mae");
    close(r2_score(&t, &p).unwrap(), r["r2_score"].as_f64().unwrap(), "r2");
    (r, t, p)
}

/// The scaler case `name`: its expected values, the rows it is fitted on, new rows.
fn scaler_case(name: &str) -> (Value, Array2<f32>, Array2<f32>) {
    let s = &fixture()["scalers"];
    (s[name].clone(), matrix(&s["fit_data"]), matrix(&s["transform_data"]))
}

#[test]
fn min_max_scaler_matches_sklearn() {
    let (e, fit_data, new_data) = scaler_case("MinMaxScaler");
    let e = &e;
    let mut scaler = MinMaxScaler::new();
    let fitted = scaler.fit_transform(&fit_data).unwrap();
    close_matrix(&fitted, &e["fit_transform"], "fit_transform");
    close_all(scaler.data_min().unwrap(), &e["data_min_"], "data_min_");
    close_all(scaler.data_max().unwrap(), &e["data_max_"], "data_max_");
    close_all(scaler.data_range().unwrap(), &e["data_range_"], "data_range_");
    close_all(scaler.scale().unwrap(), &e["scale_"], "scale_");
    close_all(scaler.min().unwrap(), &e["min_"], "min_");
    check_transforms(e, &new_data, |x| scaler.transform(x).unwrap(), |x| scaler.inverse_transform(x).unwrap());
    close_matrix(
        &scaler.inverse_transform(&fitted).unwrap(),
        &e["inverse_transform_of_fit_data_transform"],
        "inverse(fit_transform)",
    );
}

#[test]
fn standard_scaler_matches_sklearn() {
    let (e, fit_data, new_data) = scaler_case("StandardScaler");
    let e = &e;
    let mut scaler = StandardScaler::new();
    close_matrix(&scaler.fit_transform(&fit_data).unwrap(), &e["fit_transform"], "fit_transform");
    close_all(scaler.mean().unwrap(), &e["mean_"], "mean_");
    // var_ of the f32-rounded data: the constant column must be exactly 0.
    let var = scaler.var().unwrap();
    assert_eq!(var[1], 0.0);
    assert_eq!(var.len(), vector(&e["var_"]).len(), "var_");
    for (i, (g, x)) in var.iter().zip(vector(&e["var_"])).enumerate() {
        assert!((g - x).abs() <= 1e-6 * x.abs(), "var_[{i}]: {g} vs {x}");
    }
    close_all(scaler.scale().unwrap(), &e["scale_"], "scale_");
    check_transforms(e, &new_data, |x| scaler.transform(x).unwrap(), |x| scaler.inverse_transform(x).unwrap());
}

#[test]
fn regression_metrics_match_sklearn() {
    let (r, t, p) = regression_case("regression_metrics", column);
    close(
        mean_absolute_percentage_error(&t, &p).unwrap(),
        r["mean_absolute_percentage_error"].as_f64().unwrap(),
        "mape",
    );
    // Not in the fixture; scikit-learn 1.9.1 on the same f32 values:
    // explained_variance_score(yt, yp) = 0.6045055959333036, max_error = 4.004000663757324
    close(explained_variance_score(&t, &p).unwrap(), 0.6045055959333036, "explained_variance");
    close(max_error(&t, &p).unwrap(), 4.004000663757324, "max_error");
}

#[test]
fn multioutput_regression_metrics_average_uniformly() {
    let (r, t, p) = regression_case("regression_metrics_multioutput", matrix);
    close_all(&r2_score_raw_values(&t, &p).unwrap(), &r["r2_score_raw_values"], "r2 raw");
    // scikit-learn 1.9.1: explained_variance_score = 0.6859528947735698, MAPE = 2.986834020318579
    close(explained_variance_score(&t, &p).unwrap(), 0.6859528947735698, "explained_variance");
    close(mean_absolute_percentage_error(&t, &p).unwrap(), 2.986834020318579, "mape");
    assert!(max_error(&t, &p).is_err(), "max_error is single-output in scikit-learn");
}

fn check_classification(case: &Value) {
    let (t, p) = (column(&case["y_true"]), column(&case["y_pred"]));
    close(accuracy_score(&t, &p).unwrap(), case["accuracy_score"].as_f64().unwrap(), "accuracy");
    let cm: Vec<Vec<usize>> = serde_json::from_value(case["confusion_matrix"].clone()).unwrap();
    let got = confusion_matrix(&t, &p).unwrap();
    assert_eq!(got.outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(), cm);
    close(
        precision_score(&t, &p, Average::Macro).unwrap(),
        case["precision_macro"].as_f64().unwrap(),
        "precision_macro",
    );
    close(recall_score(&t, &p, Average::Macro).unwrap(), case["recall_macro"].as_f64().unwrap(), "recall_macro");
    close(f1_score(&t, &p, Average::Macro).unwrap(), case["f1_macro"].as_f64().unwrap(), "f1_macro");
    let per_class = precision_recall_fscore_support(&t, &p).unwrap();
    close_all(&per_class.precision, &case["precision_per_class"], "precision_per_class");
    if !case["recall_per_class"].is_null() {
        close_all(&per_class.recall, &case["recall_per_class"], "recall_per_class");
        close_all(&per_class.f1, &case["f1_per_class"], "f1_per_class");
    }
}

#[test]
fn multiclass_metrics_match_sklearn() {
    let f = fixture();
    check_classification(&f["classification_metrics"]);
    let c = &f["classification_metrics"];
    let (t, p) = (column(&c["y_true"]), column(&c["y_pred"]));
    // scikit-learn 1.9.1, average="weighted": 0.7055555555555556, 0.6666666666666666, 0.6652236652236652
    close(precision_score(&t, &p, Average::Weighted).unwrap(), 0.7055555555555556, "precision_weighted");
    close(recall_score(&t, &p, Average::Weighted).unwrap(), 0.6666666666666666, "recall_weighted");
    close(f1_score(&t, &p, Average::Weighted).unwrap(), 0.6652236652236652, "f1_weighted");
    close(f1_score(&t, &p, Average::Micro).unwrap(), 0.6666666666666666, "f1_micro");
    assert!(precision_score(&t, &p, Average::Binary).is_err(), "binary average on 3 classes");
}

#[test]
fn zero_division_counts_as_zero_in_macro_mean() {
    check_classification(&fixture()["classification_metrics_zero_division"]);
}

#[test]
fn binary_metrics_match_sklearn() {
    let f = fixture();
    let b = &f["binary_classification_metrics"];
    let (t, p) = (column(&b["y_true"]), column(&b["y_pred"]));
    close(accuracy_score(&t, &p).unwrap(), b["accuracy_score"].as_f64().unwrap(), "accuracy");
    let cm: Vec<Vec<usize>> = serde_json::from_value(b["confusion_matrix"].clone()).unwrap();
    assert_eq!(confusion_matrix(&t, &p).unwrap().outer_iter().map(|r| r.to_vec()).collect::<Vec<_>>(), cm);
    for (name, average) in [("binary", Average::Binary), ("macro", Average::Macro)] {
        close(precision_score(&t, &p, average).unwrap(), b[format!("precision_{name}")].as_f64().unwrap(), name);
        close(recall_score(&t, &p, average).unwrap(), b[format!("recall_{name}")].as_f64().unwrap(), name);
        close(f1_score(&t, &p, average).unwrap(), b[format!("f1_{name}")].as_f64().unwrap(), name);
    }
    // Binary is the default average, as in scikit-learn.
    assert_eq!(Average::default(), Average::Binary);
}
