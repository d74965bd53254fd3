//! train_test_split (plain and stratified), scaler errors, to_categorical.

use kerust::Error;
use kerust::preprocessing::*;
use ndarray::{Array2, array};

fn data(n: usize) -> (Array2<f32>, Array2<f32>) {
    let x = Array2::from_shape_fn((n, 2), |(r, c)| (r * 10 + c) as f32);
    let y = Array2::from_shape_fn((n, 1), |(r, _)| r as f32);
    (x, y)
}

#[test]
fn split_sizes_follow_sklearn_and_rows_stay_paired() {
    let (x, y) = data(10);
    let (x_train, x_test, y_train, y_test) = train_test_split(&x, &y, 0.25, Some(42)).unwrap();
    // n_test = ceil(0.25 * 10) = 3
    assert_eq!((x_train.nrows(), x_test.nrows(), y_train.nrows(), y_test.nrows()), (7, 3, 7, 3));
    for (xs, ys) in [(&x_train, &y_train), (&x_test, &y_test)] {
        assert_eq!(xs.nrows(), ys.nrows());
        for (xr, yr) in xs.outer_iter().zip(ys.outer_iter()) {
            assert_eq!(xr[0], yr[0] * 10.0);
        }
    }
    let mut all: Vec<f32> = y_train.iter().chain(y_test.iter()).copied().collect();
    all.sort_by(f32::total_cmp);
    assert_eq!(all, (0..10).map(|v| v as f32).collect::<Vec<_>>());
    // Shuffled and reproducible.
    assert_eq!(train_test_split(&x, &y, 0.25, Some(42)).unwrap().3, y_test);
    assert_ne!(y_train.column(0).to_vec(), (0..7).map(|v| v as f32).collect::<Vec<_>>());
    assert!(train_test_split(&x, &y, 0.25, None).is_ok());
}

#[test]
fn split_rejects_bad_arguments() {
    let (x, y) = data(3);
    for bad in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(matches!(train_test_split(&x, &y, bad, Some(0)), Err(Error::InvalidArgument { .. })), "{bad}");
    }
    assert!(train_test_split(&x, &y.slice(ndarray::s![..2, ..]).to_owned(), 0.5, Some(0)).is_err());
    let (x1, y1) = data(1);
    assert!(train_test_split(&x1, &y1, 0.5, Some(0)).is_err(), "one row cannot be split");
}

#[test]
fn stratified_split_keeps_class_shares() {
    let n = 100;
    let x = Array2::from_shape_fn((n, 1), |(r, _)| r as f32);
    let y = Array2::from_shape_fn((n, 1), |(r, _)| {
        if r < 70 {
            0.0
        } else if r < 90 {
            1.0
        } else {
            2.0
        }
    });
    let (_, x_test, y_train, y_test) = train_test_split_stratified(&x, &y, 0.2, Some(7)).unwrap();
    let count = |y: &Array2<f32>, k: f32| y.iter().filter(|&&v| v == k).count();
    assert_eq!([count(&y_test, 0.0), count(&y_test, 1.0), count(&y_test, 2.0)], [14, 4, 2]);
    assert_eq!([count(&y_train, 0.0), count(&y_train, 1.0), count(&y_train, 2.0)], [56, 16, 8]);
    assert_eq!(x_test.nrows(), 20);
    // One-hot targets stratify by argmax.
    let one_hot = to_categorical(&y, None).unwrap();
    let (_, _, _, y_test) = train_test_split_stratified(&x, &one_hot, 0.2, Some(7)).unwrap();
    assert_eq!(y_test.column(2).sum(), 2.0);
    // A class with a single row cannot be stratified.
    let y_single = Array2::from_shape_fn((n, 1), |(r, _)| if r == 0 { 1.0 } else { 0.0 });
    assert!(train_test_split_stratified(&x, &y_single, 0.2, Some(7)).is_err());
}

#[test]
fn scalers_refuse_transform_before_fit_and_wrong_widths() {
    let x = array![[1.0f32, 2.0], [3.0, 5.0]];
    let err = MinMaxScaler::new().transform(&x).unwrap_err();
    assert!(matches!(err, Error::NotFitted { what: "MinMaxScaler", .. }), "{err}");
    assert!(err.to_string().contains("fit()"));
    assert!(matches!(StandardScaler::new().inverse_transform(&x), Err(Error::NotFitted { .. })));
    let mut scaler = StandardScaler::new();
    scaler.fit(&x).unwrap();
    let err = scaler.transform(&array![[1.0f32, 2.0, 3.0]]).unwrap_err();
    assert!(matches!(err, Error::ColumnMismatch { expected: 2, got: 3, .. }), "{err}");
    let mut minmax = MinMaxScaler::new();
    minmax.fit(&x).unwrap();
    assert!(matches!(minmax.transform(&array![[1.0f32]]), Err(Error::ColumnMismatch { .. })));
    assert!(matches!(minmax.fit(&array![[f32::NAN, 1.0]]), Err(Error::NonFinite { .. })));
    assert!(MinMaxScaler::new().feature_range(1.0, 1.0).fit(&x).is_err());
    assert!(StandardScaler::new().fit(&Array2::zeros((0, 2))).is_err());
}

#[test]
fn scalers_handle_constant_columns_and_ranges() {
    // A constant column of a value that is not exact in binary must still get scale 1.
    let x = array![[0.1f32, 1.0], [0.1, 2.0], [0.1, 3.0]];
    let mut standard = StandardScaler::new();
    let z = standard.fit_transform(&x).unwrap();
    assert_eq!(standard.scale().unwrap()[0], 1.0);
    assert!(z.column(0).iter().all(|&v| v == 0.0));
    let mut minmax = MinMaxScaler::new().feature_range(-1.0, 1.0);
    let m = minmax.fit_transform(&x).unwrap();
    assert_eq!(m.column(1).to_vec(), [-1.0, 0.0, 1.0]);
    assert_eq!(m.column(0).to_vec(), [-1.0, -1.0, -1.0]);
    assert_eq!(minmax.inverse_transform(&m).unwrap(), x);
}

#[test]
fn to_categorical_like_keras() {
    assert_eq!(to_categorical(&array![[1.0f32], [0.0]], Some(3)).unwrap(), array![[0.0f32, 1.0, 0.0], [1.0, 0.0, 0.0]]);
    assert!(to_categorical(&array![[3.0f32]], Some(3)).is_err());
    assert!(to_categorical(&array![[0.5f32]], None).is_err());
    assert!(to_categorical(&array![[-1.0f32]], None).is_err());
}
