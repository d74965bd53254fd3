//! Weight and activity penalties by Keras's rules (no 1/2 factor; activity penalties divided
//! by the batch's rows), their validation, names and serialized form. The training-run
//! fixtures are in `tests/regularization_fixtures.rs`.

use kerust::regularizers::Regularizer;
use ndarray::array;

#[test]
fn penalties_have_no_half() {
    let w = [1.0f32, -2.0, 0.0];
    assert!((Regularizer::l1(0.5).penalty(&w) - 1.5).abs() < 1e-7);
    assert!((Regularizer::l2(0.5).penalty(&w) - 2.5).abs() < 1e-7);
    assert!((Regularizer::l1_l2(0.5, 0.5).penalty(&w) - 4.0).abs() < 1e-7);
}

#[test]
fn activity_divides_by_batch() {
    let out = array![[1.0f32, 2.0], [3.0, 0.0]];
    assert!((Regularizer::l2(1.0).activity_penalty(out.view()) - 7.0).abs() < 1e-6);
    let mut d = ndarray::Array2::zeros((2, 2));
    Regularizer::l2(1.0).add_activity_gradient(out.view(), d.view_mut());
    assert_eq!(d, array![[1.0f32, 2.0], [3.0, 0.0]]);
}

#[test]
fn validation_and_names() {
    assert!(Regularizer::l2(-0.1).validate().is_err());
    assert!(Regularizer::l1(f32::NAN).validate().is_err());
    assert!(Regularizer::l1_l2(0.0, 0.0).validate().is_ok());
    assert!("l3".parse::<Regularizer>().is_err());
    let json = serde_json::to_string(&Regularizer::l2(0.01)).unwrap();
    assert_eq!(json, r#"{"class_name":"L2","config":{"l2":0.01}}"#);
}

/// Keras's string identifiers give its 0.01 defaults (`keras.regularizers.get("l2")` is
/// `L2(l2=0.01)`); `Display` prints the factors in Keras's repr style.
#[test]
fn string_identifiers_and_display() {
    let cases = [
        ("l1", Regularizer::l1(0.01), "L1(l1=0.01)"),
        ("L2", Regularizer::l2(0.01), "L2(l2=0.01)"),
        ("l1_l2", Regularizer::l1_l2(0.01, 0.01), "L1L2(l1=0.01, l2=0.01)"),
        (" l1l2 ", Regularizer::l1_l2(0.01, 0.01), "L1L2(l1=0.01, l2=0.01)"),
    ];
    for (name, want, shown) in cases {
        assert_eq!(name.parse::<Regularizer>().unwrap(), want, "{name}");
        assert_eq!(want.to_string(), shown);
    }
    let err = "l3".parse::<Regularizer>().unwrap_err().to_string();
    assert!(err.contains("l3") && err.contains("l1_l2"), "{err}");
}
