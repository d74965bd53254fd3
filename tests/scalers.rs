//! The scalers' behaviour beyond the scikit-learn fixture (`tests/metrics_fixture.rs`): the
//! settings (`feature_range`, `with_mean`, `with_std`), round trips, every misuse a typed
//! error, and `ScalerKind` choosing the right one. Expected values follow scikit-learn's
//! documented formulas on small arrays whose results are exact in f32.

use kerust::Error;
use kerust::preprocessing::{MinMaxScaler, Scaler, ScalerKind, StandardScaler};
use ndarray::{Array2, array};

fn x() -> Array2<f32> {
    array![[1.0f32, 10.0, 5.0], [3.0, 30.0, 5.0], [5.0, 20.0, 5.0]]
}

#[test]
fn minmax_feature_range_maps_min_and_max_to_its_ends() {
    let mut s = MinMaxScaler::new().feature_range(-1.0, 3.0);
    let out = s.fit_transform(&x()).unwrap();
    // Columns 0 and 1 span (-1, 3); the constant column's range counts as 1 (scikit-learn's
    // _handle_zeros_in_scale), so its scale is (3 - -1) / 1 and it maps to (x - 5) * 4 - 1.
    assert_eq!(out, array![[-1.0f32, -1.0, -1.0], [1.0, 3.0, -1.0], [3.0, 1.0, -1.0]]);
    assert_eq!(s.data_min().unwrap(), &[1.0, 10.0, 5.0]);
    assert_eq!(s.data_max().unwrap(), &[5.0, 30.0, 5.0]);
    assert_eq!(s.data_range().unwrap(), &[4.0, 20.0, 0.0]);
    assert_eq!(s.scale().unwrap(), &[1.0, 0.2, 4.0]);
    assert_eq!(s.min().unwrap(), &[-2.0, -3.0, -21.0]);
    assert_eq!(s.inverse_transform(&out).unwrap(), x());
}

#[test]
fn minmax_feature_range_must_be_finite_and_increasing() {
    for (lo, hi) in [(1.0, 0.0), (0.5, 0.5), (f32::NAN, 1.0), (0.0, f32::INFINITY), (f32::NEG_INFINITY, 0.0)] {
        let err = MinMaxScaler::new().feature_range(lo, hi).fit(&x()).map(|_| ()).unwrap_err();
        assert!(matches!(err, Error::InvalidArgument { name: "feature_range", .. }), "({lo}, {hi}): {err}");
        assert!(err.to_string().contains("min < max"), "{err}");
    }
}

#[test]
fn unfitted_scalers_say_so_and_report_no_statistics() {
    let m = MinMaxScaler::new();
    assert!(!m.is_fitted());
    assert!(m.data_min().is_none() && m.data_max().is_none() && m.scale().is_none() && m.min().is_none());
    assert!(m.data_range().is_none());
    for (err, operation) in
        [(m.transform(&x()).unwrap_err(), "transform"), (m.inverse_transform(&x()).unwrap_err(), "inverse_transform")]
    {
        assert!(matches!(err, Error::NotFitted { what: "MinMaxScaler", operation: o } if o == operation), "{err}");
    }
    let s = StandardScaler::new();
    assert!(!s.is_fitted());
    assert!(s.mean().is_none() && s.var().is_none() && s.scale().is_none());
    for (err, operation) in
        [(s.transform(&x()).unwrap_err(), "transform"), (s.inverse_transform(&x()).unwrap_err(), "inverse_transform")]
    {
        assert!(matches!(err, Error::NotFitted { what: "StandardScaler", operation: o } if o == operation), "{err}");
    }
    let (mut m, mut s) = (m, s);
    m.fit(&x()).unwrap();
    s.fit(&x()).unwrap();
    assert!(m.is_fitted() && s.is_fitted());
}

#[test]
fn wrong_widths_empty_and_non_finite_inputs_are_errors() {
    let mut m = MinMaxScaler::new();
    m.fit(&x()).unwrap();
    let mut s = StandardScaler::new();
    s.fit(&x()).unwrap();
    let narrow = Array2::<f32>::zeros((2, 2));
    for err in [
        m.transform(&narrow).unwrap_err(),
        m.inverse_transform(&narrow).unwrap_err(),
        s.transform(&narrow).unwrap_err(),
        s.inverse_transform(&narrow).unwrap_err(),
    ] {
        assert!(matches!(err, Error::ColumnMismatch { expected: 3, got: 2, .. }), "{err}");
    }
    let mut bad = x();
    bad[[1, 2]] = f32::NAN;
    for err in [
        MinMaxScaler::new().fit(&bad).map(|_| ()).unwrap_err(),
        StandardScaler::new().fit(&bad).map(|_| ()).unwrap_err(),
        m.transform(&bad).unwrap_err(),
        s.transform(&bad).unwrap_err(),
        m.inverse_transform(&bad).unwrap_err(),
        s.inverse_transform(&bad).unwrap_err(),
    ] {
        assert!(matches!(err, Error::NonFinite { row: 1, col: 2, .. }), "{err}");
    }
    let empty = Array2::<f32>::zeros((0, 3));
    assert!(matches!(MinMaxScaler::new().fit(&empty).map(|_| ()), Err(Error::InvalidArgument { name: "x", .. })));
    assert!(matches!(StandardScaler::new().fit(&empty).map(|_| ()), Err(Error::InvalidArgument { name: "x", .. })));
}

/// Columns: mean 3, variance 8/3; mean 20, variance 200/3; constant 5. With both steps,
/// without centring (divide only), without scaling (centre only), and neither (identity);
/// the statistics do not depend on the settings, and `inverse_transform` undoes each.
#[test]
fn standard_scaler_settings() {
    let (sd0, sd1) = ((8.0f64 / 3.0).sqrt(), (200.0f64 / 3.0).sqrt());
    let expect = |centre: bool, scale: bool| {
        Array2::from_shape_fn((3, 3), |(r, c)| {
            let v = f64::from(x()[[r, c]]);
            let (mean, sd) = [(3.0, sd0), (20.0, sd1), (5.0, 1.0)][c];
            let v = if centre { v - mean } else { v };
            (if scale { v / sd } else { v }) as f32
        })
    };
    for (centre, scale) in [(true, true), (false, true), (true, false), (false, false)] {
        let mut s = StandardScaler::new().with_mean(centre).with_std(scale);
        let out = s.fit_transform(&x()).unwrap();
        assert_eq!(out, expect(centre, scale), "with_mean={centre} with_std={scale}");
        assert_eq!(s.mean().unwrap(), &[3.0, 20.0, 5.0]);
        let var = s.var().unwrap();
        assert!((var[0] - 8.0 / 3.0).abs() < 1e-12 && (var[1] - 200.0 / 3.0).abs() < 1e-12 && var[2] == 0.0, "{var:?}");
        let want_scale = if scale { [sd0, sd1, 1.0] } else { [1.0; 3] };
        for (got, want) in s.scale().unwrap().iter().zip(want_scale) {
            assert!((got - want).abs() < 1e-12, "scale {got} vs {want}");
        }
        let back = s.inverse_transform(&out).unwrap();
        for (a, b) in back.iter().zip(x().iter()) {
            assert!((a - b).abs() <= 1e-5 * b.abs(), "{back} vs {}", x());
        }
    }
}

#[test]
fn scaler_kind_fits_the_scaler_it_names() {
    let data = x();
    let mut minmax = MinMaxScaler::new();
    let mut standard = StandardScaler::new();
    let cases = [
        (ScalerKind::MinMax, minmax.fit_transform(&data).unwrap()),
        (ScalerKind::Standard, standard.fit_transform(&data).unwrap()),
        (ScalerKind::None, data.clone()),
    ];
    for (kind, want) in cases {
        let fitted = kind.fit(&data).unwrap();
        assert_eq!(fitted.kind(), kind);
        assert_eq!(fitted.transform(&data).unwrap(), want, "{kind:?}");
    }
    assert!(matches!(ScalerKind::MinMax.fit(&data).unwrap(), Scaler::MinMax(s) if s == minmax));
    assert!(matches!(ScalerKind::Standard.fit(&data).unwrap(), Scaler::Standard(s) if s == standard));
    assert_eq!(ScalerKind::default(), ScalerKind::MinMax);
    for (name, kind) in [
        ("minmax", ScalerKind::MinMax),
        ("min_max", ScalerKind::MinMax),
        ("standard", ScalerKind::Standard),
        ("none", ScalerKind::None),
    ] {
        assert_eq!(name.parse::<ScalerKind>().unwrap(), kind);
    }
    assert!("robust".parse::<ScalerKind>().unwrap_err().to_string().contains("minmax"));
}

/// Only a column whose values are all equal counts as constant: a tiny but real spread
/// (variance ~7e-11) is standardised like any other, and so is a column centred on 0.
/// scikit-learn's near-constant rule (`var <= n·eps·var + (n·mean·eps)²`, float64) cannot
/// hold for a column of distinct f32 values, whose relative spread is at least 6e-8.
#[test]
fn small_spreads_and_zero_means_are_not_constant() {
    let x = array![[0.0f32, -1.0], [1e-5, 0.0], [2e-5, 1.0]];
    let mut s = StandardScaler::new();
    let out = s.fit_transform(&x).unwrap();
    for c in 0..2 {
        let col: Vec<f64> = x.column(c).iter().map(|&v| f64::from(v)).collect();
        let mean = col.iter().sum::<f64>() / 3.0;
        let var = col.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 3.0;
        assert!((s.var().unwrap()[c] - var).abs() <= 1e-12 * var, "column {c}");
        assert!((s.scale().unwrap()[c] - var.sqrt()).abs() <= 1e-12 * var.sqrt(), "column {c}");
        for (r, v) in col.iter().enumerate() {
            let want = ((v - mean) / var.sqrt()) as f32;
            assert!((out[[r, c]] - want).abs() <= 1e-6, "[{r}, {c}]: {} vs {want}", out[[r, c]]);
        }
    }
}
