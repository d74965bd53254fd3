//! `SimpleImputer` against scikit-learn 1.9.1 (`tests/fixtures/simple_imputer.json`, made by
//! `tools/make_imputer_fixture.py`): statistics, imputed arrays and indicators, every strategy.

use kerust::preprocessing::{ImputeStrategy, SimpleImputer};
use ndarray::Array2;
use serde_json::Value;

fn array(v: &Value) -> Array2<f32> {
    let rows: Vec<Vec<f32>> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(|c| c.as_f64().map_or(f32::NAN, |x| x as f32)).collect())
        .collect();
    Array2::from_shape_fn((rows.len(), rows[0].len()), |(i, j)| rows[i][j])
}

#[test]
fn simple_imputer_matches_scikit_learn() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/simple_imputer.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["sklearn"], "1.9.1");
    let (x, x_new) = (array(&doc["x"]), array(&doc["x_new"]));
    let cases = doc["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 8);
    for case in cases {
        let strategy: ImputeStrategy = case["strategy"].as_str().unwrap().parse().unwrap();
        let indicator = case["add_indicator"].as_bool().unwrap();
        let what = format!("{strategy} indicator={indicator}");
        let mut imputer =
            SimpleImputer::new(strategy).fill_value(case["fill_value"].as_f64().unwrap()).add_indicator(indicator);
        let out = imputer.fit_transform(&x).unwrap();
        let expected: Vec<Option<f64>> = case["statistics"].as_array().unwrap().iter().map(Value::as_f64).collect();
        let statistics = imputer.statistics().unwrap();
        assert_eq!(statistics.len(), expected.len(), "{what}");
        for (c, (got, want)) in statistics.iter().zip(&expected).enumerate() {
            match want {
                // Same f64 inputs; only the order of the additions (numpy's pairwise sum)
                // differs, a few units of the last place at most.
                Some(want) => {
                    assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "{what} column {c}: {got} vs {want}")
                }
                None => assert!(got.is_nan(), "{what} column {c}: an empty column has no statistic"),
            }
        }
        for (name, got, want) in [
            ("fit_transform", out, array(&case["transform"])),
            ("transform", imputer.transform(&x_new).unwrap(), array(&case["transform_new"])),
        ] {
            assert_eq!(got.dim(), want.dim(), "{what} {name}");
            for ((i, j), &w) in want.indexed_iter() {
                // scikit-learn's output is the f64 statistic; ours is that statistic as f32.
                assert_eq!(got[[i, j]], w, "{what} {name} [{i}, {j}]");
            }
        }
    }
}

#[test]
fn unfitted_and_mismatched_inputs_are_errors() {
    let imputer = SimpleImputer::new(ImputeStrategy::Median);
    assert!(imputer.transform(&Array2::zeros((2, 2))).unwrap_err().to_string().contains("SimpleImputer"));
    let mut imputer = SimpleImputer::new(ImputeStrategy::Mean);
    imputer.fit(&Array2::from_elem((3, 2), 1.0)).unwrap();
    assert!(imputer.transform(&Array2::zeros((2, 3))).is_err());
    assert!(SimpleImputer::new(ImputeStrategy::Mean).fit(&Array2::from_elem((2, 1), f32::INFINITY)).is_err());
    assert!("avg".parse::<ImputeStrategy>().unwrap_err().to_string().contains("most_frequent"));
}
