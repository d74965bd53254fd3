//! The `Loss` API around the formulas (which `keras_fixtures` and `keras_references` replay):
//! Keras's names and their aliases, the target width each loss needs, and the checks of
//! `y` with their hints.

use kerust::Error;
use kerust::prelude::*;
use ndarray::{Array2, array};

/// Every loss with its Keras name, and every string that parses to it.
fn losses() -> [(Loss, &'static str, &'static [&'static str]); 7] {
    [
        (Loss::MeanSquaredError, "mean_squared_error", &["mse", "MSE", " mean_squared_error "]),
        (Loss::MeanAbsoluteError, "mean_absolute_error", &["mae", "mean_absolute_error"]),
        (Loss::HUBER, "huber", &["huber", "huber_loss"]),
        (
            Loss::MeanAbsolutePercentageError,
            "mean_absolute_percentage_error",
            &["mape", "mean_absolute_percentage_error"],
        ),
        (Loss::BINARY_CROSSENTROPY, "binary_crossentropy", &["binary_crossentropy", "bce"]),
        (Loss::CATEGORICAL_CROSSENTROPY, "categorical_crossentropy", &["categorical_crossentropy", "cce"]),
        (
            Loss::SPARSE_CATEGORICAL_CROSSENTROPY,
            "sparse_categorical_crossentropy",
            &["sparse_categorical_crossentropy"],
        ),
    ]
}

#[test]
fn keras_names_aliases_and_display() {
    for (loss, name, aliases) in losses() {
        assert_eq!(loss.name(), name);
        assert_eq!(loss.to_string(), name);
        assert_eq!(name.parse::<Loss>().unwrap(), loss);
        for alias in aliases {
            assert_eq!(alias.parse::<Loss>().unwrap(), loss, "{alias}");
        }
    }
    assert_eq!(Loss::HUBER, Loss::Huber { delta: 1.0 }, "Keras's default delta");
    let err = "msle".parse::<Loss>().unwrap_err();
    assert!(matches!(err, Error::UnknownName { kind: "loss", .. }), "{err}");
    assert!(err.to_string().contains("\"msle\"") && err.to_string().contains("mse, mae, huber"), "{err}");
}

#[test]
fn target_width_is_one_column_of_labels_for_the_sparse_loss_only() {
    for (loss, _, _) in losses() {
        let want = if matches!(loss, Loss::SparseCategoricalCrossentropy { .. }) { 1 } else { 3 };
        assert_eq!(loss.target_width(3), want, "{loss}");
    }
}

/// The `ColumnMismatch` hint of `y` with `cols` columns for a model with 3 outputs.
fn hint(loss: Loss, cols: usize) -> String {
    let y = Array2::<f32>::zeros((4, cols));
    match loss.validate_targets("y", y.view(), 3).unwrap_err() {
        Error::ColumnMismatch { what, expected, got, hint } => {
            assert_eq!((what.as_str(), expected, got), ("y", loss.target_width(3), cols));
            hint
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_wrong_target_width_says_how_to_fix_it() {
    let sparse = "sparse_categorical_crossentropy takes one column of class indices";
    let one_hot = "for class indices use sparse_categorical_crossentropy, or one-hot y with to_categorical";
    let units = "the output layer has 3 units, one per target column";
    assert!(hint(Loss::SPARSE_CATEGORICAL_CROSSENTROPY, 3).contains(sparse));
    assert!(hint(Loss::CATEGORICAL_CROSSENTROPY, 1).contains(one_hot));
    // Two columns for three classes are not class indices: the general hint.
    let two = hint(Loss::CATEGORICAL_CROSSENTROPY, 2);
    assert!(two.contains(units) && !two.contains(one_hot), "{two}");
    assert!(hint(Loss::MeanSquaredError, 1).contains(units));
    for (loss, _, _) in losses() {
        let y = Array2::<f32>::zeros((4, loss.target_width(3)));
        assert!(loss.validate_targets("y", y.view(), 3).is_ok(), "{loss}");
    }
}

#[test]
fn sparse_labels_must_be_integers_in_range() {
    let loss = Loss::SPARSE_CATEGORICAL_CROSSENTROPY;
    assert!(loss.validate_targets("y", array![[0.0f32], [1.0], [2.0]].view(), 3).is_ok());
    // Each condition alone: a fraction, a negative integer, an integer past the last class.
    for (bad, row) in [(0.5f32, 1), (-1.0, 2), (3.0, 0)] {
        let mut y = array![[0.0f32], [1.0], [2.0]];
        y[[row, 0]] = bad;
        match loss.validate_targets("y", y.view(), 3).unwrap_err() {
            Error::InvalidTarget { reason, .. } => {
                assert!(reason.contains(&format!("row {row} has label {bad}")) && reason.contains("0..3"), "{reason}");
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
    // Other losses take any values.
    assert!(Loss::CATEGORICAL_CROSSENTROPY.validate_targets("y", array![[0.5f32, -1.0, 3.0]].view(), 3).is_ok());
}

/// Keras clips probabilities to `[1e-7, 1 - 1e-7]` at both ends: a certain, right prediction
/// costs `-ln(1 - 1e-7)` = 1.19e-7 in f32, not 0; a certain, wrong one `-ln(1e-7)` = 16.118.
/// (Values from Keras 3.15.1: `SparseCategoricalCrossentropy()([0], [[1, 0, 0]])` and
/// the same for the categorical and binary losses; `[1]` for the wrong one.)
#[test]
fn probabilities_are_clipped_at_both_ends_as_in_keras() {
    let right = 1.192_092_9e-7f32;
    let cases = [
        (Loss::SPARSE_CATEGORICAL_CROSSENTROPY, array![[0.0f32]], array![[1.0f32, 0.0, 0.0]], right),
        (Loss::SPARSE_CATEGORICAL_CROSSENTROPY, array![[1.0f32]], array![[1.0f32, 0.0, 0.0]], 16.118_095),
        (Loss::CATEGORICAL_CROSSENTROPY, array![[1.0f32, 0.0, 0.0]], array![[1.0f32, 0.0, 0.0]], right),
        (Loss::BINARY_CROSSENTROPY, array![[1.0f32, 0.0]], array![[1.0f32, 0.0]], right),
    ];
    for (loss, y, p, want) in cases {
        let got = loss.compute(y.view(), p.view());
        assert!((got - want).abs() <= 1e-6 * want, "{loss} of {p} for {y}: {got}, Keras {want}");
    }
}

/// Where the clip holds a probability at `1 - 1e-7` or `1e-7`, it passes no gradient (as
/// `jax.grad` of `clip` gives): a certain, right prediction has a zero gradient in every
/// class, for the categorical losses (whose clip acts on `p / sum(p)`) and the binary one.
#[test]
fn no_gradient_flows_through_the_clip() {
    let cases = [
        (Loss::CATEGORICAL_CROSSENTROPY, array![[0.0f32, 1.0, 0.0]], array![[0.0f32, 1.0, 0.0]]),
        (Loss::SPARSE_CATEGORICAL_CROSSENTROPY, array![[1.0f32]], array![[0.0f32, 1.0, 0.0]]),
        (Loss::BINARY_CROSSENTROPY, array![[1.0f32, 0.0]], array![[1.0f32, 0.0]]),
    ];
    for (loss, y, p) in cases {
        let mut d = Array2::from_elem(p.dim(), f32::NAN);
        loss.gradient(y.view(), p.view(), d.view_mut());
        assert!(d.iter().all(|&g| g == 0.0), "{loss} of {p} for {y}: gradient {d}");
    }
}
