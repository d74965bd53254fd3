//! A layer defined outside the crate through the public `Layer` trait alone: `Scale`,
//! `y = a · x` with one trainable scalar `a`. It trains inside a `Sequential` between Dense
//! layers (the output one with the fused sigmoid + cross-entropy gradient), its gradients
//! pass the central-difference check, and saving the model is a clear error (kerust cannot
//! write a configuration it does not know).

use kerust::layers::{Layer, LayerBase, Param};
use kerust::prelude::*;
use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewD, ArrayViewMut1, ArrayViewMutD};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[path = "common/gradcheck.rs"]
mod gradcheck;
use gradcheck::{check, check_model, probe, random};

/// `y = a · x`, element-wise, with a trainable `a`.
#[derive(Debug, Clone)]
struct Scale {
    base: LayerBase,
    a: [f32; 1],
    da: [f32; 1],
    x: Array2<f32>,  // (batch, in): the input of the last forward
    y: Array2<f32>,  // (batch, in)
    dx: Array2<f32>, // (batch, in)
}

impl Scale {
    fn new(a: f32) -> Self {
        let empty = Array2::zeros((0, 0));
        Scale { base: LayerBase::default(), a: [a], da: [0.0], x: empty.clone(), y: empty.clone(), dx: empty }
    }
}

impl Layer for Scale {
    fn base(&self) -> &LayerBase {
        &self.base
    }
    fn base_mut(&mut self) -> &mut LayerBase {
        &mut self.base
    }
    fn class_name(&self) -> &'static str {
        "Scale"
    }
    fn forward(&mut self, x: ArrayView2<f32>, _training: bool) -> ArrayView2<'_, f32> {
        self.x = x.to_owned();
        self.y = &x * self.a[0];
        self.y.view()
    }
    /// da = Σ dout · x, dx = a · dout.
    fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
        self.da[0] = (&dout * &self.x).sum();
        self.dx = &dout * self.a[0];
        self.dx.view()
    }
    fn params_mut(&mut self) -> Vec<Param<'_>> {
        vec![Param { value: &mut self.a, grad: &mut self.da }]
    }
    fn weights(&self) -> Vec<ArrayViewD<'_, f32>> {
        vec![ArrayView1::from(&self.a[..]).into_dyn()]
    }
    fn weights_mut(&mut self) -> Vec<ArrayViewMutD<'_, f32>> {
        vec![ArrayViewMut1::from(&mut self.a[..]).into_dyn()]
    }
    fn weight_names(&self) -> Vec<&'static str> {
        vec!["a"]
    }
}

/// Dense(8, tanh) → Scale → Dense(1, sigmoid), binary cross-entropy.
fn model(seed: u64) -> Sequential {
    let mut model = Sequential::new().seed(seed);
    model.add(Dense::new(8).input_dim(2).activation(Activation::Tanh));
    model.add(Scale::new(0.5));
    model.add(Dense::new(1).activation(Activation::Sigmoid));
    model.compile(Adam::new(0.05), Loss::BINARY_CROSSENTROPY, &[Metric::Accuracy]).unwrap();
    model
}

/// Two clusters, label 1 when x0 + x1 > 0.
fn data(rows: usize) -> (Array2<f32>, Array2<f32>) {
    let x = random(rows, 2, -1.0, 1.0, &mut ChaCha8Rng::seed_from_u64(4));
    let y = Array2::from_shape_fn((rows, 1), |(i, _)| f32::from(x[[i, 0]] + x[[i, 1]] > 0.0));
    (x, y)
}

#[test]
fn scale_trains_between_dense_layers() {
    let (x, y) = data(200);
    let mut model = model(1);
    assert_eq!(model.layers()[1].name(), "scale");
    assert_eq!(model.count_params(), 2 * 8 + 8 + 1 + 8 + 1);
    let history = model.fit(&x, &y, FitConfig { epochs: 40, verbose: 0, ..Default::default() }).unwrap();
    assert!(*history.get("accuracy").unwrap().last().unwrap() >= 0.95, "{:?}", history.get("accuracy"));
    let a = model.get_weights()[2][[0]];
    assert_ne!(a, 0.5, "the optimizer updates the user layer's weight");
}

#[test]
fn scale_passes_the_gradient_check() {
    let (x, y) = data(9);
    check_model("Dense → Scale → Dense", || model(2), &x, &y, None);
    // And the layer alone: dx and da of Σ out · r.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (mut layer, r) = (Scale::new(-1.3), random(4, 3, -1.0, 1.0, &mut rng));
    let mut x = random(4, 3, -2.0, 2.0, &mut rng);
    let w = vec![ndarray::arr1(&[-1.3f32]).into_dyn()];
    layer.forward(x.view(), true);
    let dx = layer.backward(r.view()).to_owned();
    let da = layer.da;
    let mut probe_layer = layer.clone();
    check("scale dx", x.as_slice_mut().unwrap(), dx.as_slice().unwrap(), |v| {
        probe(&mut probe_layer, &Array2::from_shape_vec((4, 3), v.to_vec()).unwrap(), &w, &r)
    });
    check("scale da", &mut [-1.3], &da, |v| probe(&mut probe_layer, &x, &[ndarray::arr1(v).into_dyn()], &r));
}

#[test]
fn saving_a_model_with_a_user_layer_is_a_clear_error() {
    let model = model(3);
    let path = tempfile::tempdir().unwrap().path().join("m.kerust");
    let err = model.save(&path).unwrap_err();
    assert!(matches!(err, Error::UnsavableLayer { ref layer, class_name: "Scale" } if layer == "scale"), "{err:?}");
    assert!(err.to_string().contains("defined outside kerust"), "{err}");
    assert!(!path.exists());
    assert!(model.save_weights(&path).is_err());
}
