//! The regression metrics' edge cases beyond the scikit-learn fixture
//! (`tests/metrics_fixture.rs`): scikit-learn 1.9.1's documented rules for a constant target
//! (`force_finite=True`: 1.0 for a perfect prediction, else 0.0) and for a single row (NaN,
//! with a warning there), and every misuse a typed error naming the array and the metric.

use kerust::Error;
use kerust::metrics::*;
use ndarray::{Array2, array};

type MetricFn = fn(&Array2<f32>, &Array2<f32>) -> kerust::Result<f64>;

fn all() -> [(&'static str, MetricFn); 8] {
    [
        ("mean_squared_error", mean_squared_error),
        ("root_mean_squared_error", root_mean_squared_error),
        ("mean_absolute_error", mean_absolute_error),
        ("mean_absolute_percentage_error", mean_absolute_percentage_error),
        ("r2_score", r2_score),
        ("explained_variance_score", explained_variance_score),
        ("max_error", max_error),
        ("r2_score_raw_values", |t, p| r2_score_raw_values(t, p).map(|v| v[0])),
    ]
}

#[test]
fn constant_targets_follow_force_finite() {
    let t = array![[2.0f32], [2.0], [2.0]];
    assert_eq!(r2_score(&t, &t).unwrap(), 1.0);
    assert_eq!(explained_variance_score(&t, &t).unwrap(), 1.0);
    let p = array![[2.0f32], [2.5], [2.0]];
    assert_eq!(r2_score(&t, &p).unwrap(), 0.0);
    assert_eq!(explained_variance_score(&t, &p).unwrap(), 0.0);
    // Per output: a constant, perfectly predicted column and an ordinary one.
    let t2 = array![[2.0f32, 1.0], [2.0, 2.0], [2.0, 3.0]];
    let p2 = array![[2.0f32, 1.0], [2.0, 2.0], [2.0, 4.0]];
    assert_eq!(r2_score_raw_values(&t2, &p2).unwrap(), vec![1.0, 0.5]);
}

#[test]
fn r2_needs_two_rows() {
    assert!(r2_score(&array![[1.0f32]], &array![[1.5f32]]).unwrap().is_nan());
    // Two rows are enough: 1 - 0.5 / 0.5.
    assert_eq!(r2_score(&array![[1.0f32], [2.0]], &array![[1.5f32], [1.5]]).unwrap(), 0.0);
    assert_eq!(r2_score(&array![[1.0f32], [2.0]], &array![[1.0f32], [2.5]]).unwrap(), 0.5);
}

#[test]
fn shapes_and_values_are_checked_by_every_metric() {
    let t = array![[1.0f32], [2.0], [3.0]];
    for (name, metric) in all() {
        let err = metric(&t, &array![[1.0f32], [2.0]]).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "y_pred", .. }), "{name}: {err}");
        assert!(err.to_string().contains("shape of y_true"), "{name}: {err}");
        let empty = Array2::<f32>::zeros((0, 1));
        let err = metric(&empty, &empty).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "y_true", .. }), "{name}: {err}");
        for (which, bad_t, bad_p) in [
            ("y_true", array![[1.0f32], [f32::NAN], [3.0]], t.clone()),
            ("y_pred", t.clone(), array![[1.0f32], [2.0], [f32::INFINITY]]),
        ] {
            let err = metric(&bad_t, &bad_p).unwrap_err();
            assert!(matches!(err, Error::NonFinite { col: 0, .. }), "{name}: {err}");
            assert!(err.to_string().contains(which), "{name}: {err}");
        }
    }
}
