//! Classification report text, probability metrics and input checks, against scikit-learn 1.9.1.

use kerust::metrics::*;
use ndarray::{Array2, array};

fn labels(v: &[usize]) -> Array2<f32> {
    Array2::from_shape_fn((v.len(), 1), |(r, _)| v[r] as f32)
}

#[test]
fn classification_report_matches_sklearn_text() {
    // from sklearn.metrics import classification_report
    // classification_report([1,2,0,1,2,1,0,1,0,0,1,1], [1,2,2,0,2,2,0,1,0,1,1,1])
    let t = labels(&[1, 2, 0, 1, 2, 1, 0, 1, 0, 0, 1, 1]);
    let p = labels(&[1, 2, 2, 0, 2, 2, 0, 1, 0, 1, 1, 1]);
    let expected = "              precision    recall  f1-score   support\n\n           0       0.67      0.50      0.57         4\n           1       0.80      0.67      0.73         6\n           2       0.50      1.00      0.67         2\n\n    accuracy                           0.67        12\n   macro avg       0.66      0.72      0.66        12\nweighted avg       0.71      0.67      0.67        12\n";
    assert_eq!(classification_report(&t, &p, None, 2).unwrap(), expected);
    // target_names=["setosa", "versicolor", "virginica"], digits=3
    let expected = "              precision    recall  f1-score   support\n\n      setosa      0.667     0.500     0.571         4\n  versicolor      0.800     0.667     0.727         6\n   virginica      0.500     1.000     0.667         2\n\n    accuracy                          0.667        12\n   macro avg      0.656     0.722     0.655        12\nweighted avg      0.706     0.667     0.665        12\n";
    let names = ["setosa", "versicolor", "virginica"];
    assert_eq!(classification_report(&t, &p, Some(&names), 3).unwrap(), expected);
    assert!(classification_report(&t, &p, Some(&names[..2]), 2).is_err());
}

#[test]
fn binary_classification_report_matches_sklearn_text() {
    let t = labels(&[1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
    let p = labels(&[1, 0, 0, 1, 0, 1, 1, 0, 1, 0]);
    let expected = "              precision    recall  f1-score   support\n\n           0       0.60      0.75      0.67         4\n           1       0.80      0.67      0.73         6\n\n    accuracy                           0.70        10\n   macro avg       0.70      0.71      0.70        10\nweighted avg       0.72      0.70      0.70        10\n";
    assert_eq!(classification_report(&t, &p, None, 2).unwrap(), expected);
}

#[test]
fn probability_metrics_match_sklearn() {
    // y = [1,0,1,1,0,0,1,0,1,1]; s = float32([.9,.2,.4,.8,.4,.6,.7,.1,.4,.3])
    // roc_auc_score(y, s) = 0.7916666666666667 (ties at 0.4), log_loss(y, s) = 0.547735333442688
    let t = labels(&[1, 0, 1, 1, 0, 0, 1, 0, 1, 1]);
    let s = array![[0.9f32], [0.2], [0.4], [0.8], [0.4], [0.6], [0.7], [0.1], [0.4], [0.3]];
    assert!((roc_auc_score(&t, &s).unwrap() - 0.7916666666666667).abs() < 1e-12);
    assert!((log_loss(&t, &s).unwrap() - 0.547735333442688).abs() < 1e-6 * 0.55);
    // (n, 2) probabilities: column 1 is the positive class.
    let two = Array2::from_shape_fn((10, 2), |(r, c)| if c == 1 { s[[r, 0]] } else { 1.0 - s[[r, 0]] });
    assert!((roc_auc_score(&t, &two).unwrap() - 0.7916666666666667).abs() < 1e-12);
    // log_loss([0,1,2,1,0], float32 P) = 3.5898640155792236 (row 5 has p=0: clipped to f32 eps)
    let y3 = labels(&[0, 1, 2, 1, 0]);
    let p3 = array![[0.7f32, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.5, 0.4, 0.1], [0.0, 0.0, 1.0]];
    assert!((log_loss(&y3, &p3).unwrap() - 3.5898640155792236).abs() < 1e-6 * 3.59);
    assert!(log_loss(&y3, &(p3.clone() * 2.0)).is_err(), "values above 1 are rejected (scikit-learn 1.9)");
    assert!(roc_auc_score(&labels(&[1, 1]), &array![[0.2f32], [0.3]]).is_err(), "one class only");
}

#[test]
fn argmax_of_probabilities_gives_the_predicted_class() {
    let t = labels(&[0, 2, 1]);
    let p = array![[0.8f32, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]];
    assert!((accuracy_score(&t, &p).unwrap() - 2.0 / 3.0).abs() < 1e-12);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let t = labels(&[0, 1]);
    let message = accuracy_score(&t, &array![[0.3f32], [0.9]]).unwrap_err().to_string();
    assert!(message.contains("threshold"), "{message}");
    assert!(accuracy_score(&t, &labels(&[0, 1, 1])).is_err());
    assert!(accuracy_score(&Array2::zeros((0, 1)), &Array2::zeros((0, 1))).is_err());
    assert!(mean_squared_error(&array![[1.0f32]], &array![[f32::NAN]]).is_err());
    assert!(mean_squared_error(&array![[1.0f32, 2.0]], &array![[1.0f32]]).is_err());
}

#[test]
fn regression_edge_cases_follow_sklearn() {
    // Constant y_true: r2 is 1.0 for a perfect fit, 0.0 otherwise (force_finite=True).
    let t = array![[2.0f32], [2.0], [2.0]];
    assert_eq!(r2_score(&t, &t).unwrap(), 1.0);
    assert_eq!(r2_score(&t, &array![[1.0f32], [2.0], [3.0]]).unwrap(), 0.0);
    assert_eq!(explained_variance_score(&t, &t).unwrap(), 1.0);
    // MAPE with a zero in y_true divides by f64::EPSILON.
    let mape = mean_absolute_percentage_error(&array![[0.0f32], [1.0]], &array![[1.0f32], [1.0]]).unwrap();
    assert_eq!(mape, 0.5 / f64::EPSILON);
    assert!(r2_score(&array![[1.0f32]], &array![[2.0f32]]).unwrap().is_nan());
}
