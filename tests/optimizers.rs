//! Each optimizer's update rule, step by step against the formulas of Keras 3's sources
//! (`keras/src/optimizers/{sgd,adam,rmsprop,adagrad}.py`), computed here in f64.
//!
//! The check is on the displacement `w - w0` after three steps, relative to its size
//! (1e-5): the f32 update rounds at ~1e-7 of `w`, i.e. ~1e-6 of a displacement of ~0.03,
//! so a formula change of 1e-5 of a step is seen. Adam and RMSprop also run with gradients
//! of 1e-4, where epsilon is not negligible beside `sqrt(v)`: there, Adam's epsilon added
//! the PyTorch way (to the bias-corrected root) changes each step by ~3%.

use kerust::layers::Param;
use kerust::optimizers::Clipping;
use kerust::prelude::*;

const W0: [f32; 2] = [0.5, -1.0];

/// Runs three steps on w = W0 with gradients g_t = scale · [t, -2] and returns w.
fn run(opt: &mut dyn Optimizer, scale: f32) -> Vec<f32> {
    let mut w = W0.to_vec();
    for t in 1..=3 {
        let mut g = vec![scale * t as f32, -2.0 * scale];
        opt.apply(&mut [Param { value: &mut w, grad: &mut g }]);
    }
    assert_eq!(opt.iterations(), 3);
    w
}

/// The same three gradients, updated by `step(i, w, g, t)` in f64.
fn reference(scale: f64, mut step: impl FnMut(usize, f64, f64, usize) -> f64) -> Vec<f64> {
    let mut w = W0.map(f64::from);
    for t in 1..=3 {
        let g = [scale * t as f64, -2.0 * scale];
        for i in 0..2 {
            w[i] = step(i, w[i], g[i], t);
        }
    }
    w.to_vec()
}

/// The displacements `got - W0` and `want - W0` agree within 1e-5 of their size.
fn close(got: &[f32], want: &[f64]) {
    assert_eq!(got.len(), want.len(), "weights");
    for ((&g, &w), &w0) in got.iter().zip(want).zip(&W0) {
        let (moved, expected) = (g as f64 - w0 as f64, w - w0 as f64);
        assert!(expected.abs() > 1e-4, "the reference moves w: {want:?}");
        assert!(
            (moved - expected).abs() <= 1e-5 * expected.abs(),
            "moved {moved:e}, expected {expected:e} (got {got:?}, want {want:?})"
        );
    }
}

#[test]
fn sgd_plain_momentum_nesterov() {
    close(&run(&mut Sgd::new(0.1), 0.1), &reference(0.1, |_, w, g, _| w - 0.1 * g));
    let mut m = [0.0f64; 2];
    close(
        &run(&mut Sgd::new(0.1).momentum(0.9), 0.1),
        &reference(0.1, |i, w, g, _| {
            m[i] = 0.9 * m[i] - 0.1 * g;
            w + m[i]
        }),
    );
    let mut m = [0.0f64; 2];
    close(
        &run(&mut Sgd::new(0.1).momentum(0.9).nesterov(true), 0.1),
        &reference(0.1, |i, w, g, _| {
            m[i] = 0.9 * m[i] - 0.1 * g;
            w + 0.9 * m[i] - 0.1 * g
        }),
    );
}

#[test]
fn adam_and_amsgrad() {
    for (amsgrad, scale) in [(false, 0.1), (true, 0.1), (false, 1e-4), (true, 1e-4)] {
        let (mut m, mut v, mut vh) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
        let want = reference(scale, |i, w, g, t| {
            m[i] += (g - m[i]) * 0.1;
            v[i] += (g * g - v[i]) * 0.001;
            vh[i] = vh[i].max(v[i]);
            let alpha = 0.01 * (1.0 - 0.999f64.powi(t as i32)).sqrt() / (1.0 - 0.9f64.powi(t as i32));
            let denom = if amsgrad { vh[i] } else { v[i] };
            w - alpha * m[i] / (denom.sqrt() + 1e-7)
        });
        close(&run(&mut Adam::new(0.01).amsgrad(amsgrad), scale as f32), &want);
    }
}

#[test]
fn rmsprop_plain_centered_momentum() {
    let cases = [(false, 0.0), (true, 0.0), (false, 0.5), (true, 0.5)];
    for ((centered, momentum), scale) in cases.into_iter().flat_map(|c| [(c, 0.1), (c, 1e-4)]) {
        let (mut v, mut a, mut s) = ([0.0f64; 2], [0.0f64; 2], [0.0f64; 2]);
        let want = reference(scale, |i, w, g, _| {
            v[i] = 0.9 * v[i] + 0.1 * g * g;
            a[i] = 0.9 * a[i] + 0.1 * g;
            let denom = if centered { v[i] - a[i] * a[i] + 1e-7 } else { v[i] + 1e-7 };
            let inc = 0.01 * g / denom.sqrt();
            if momentum > 0.0 {
                s[i] = momentum * s[i] + inc;
                w - s[i]
            } else {
                w - inc
            }
        });
        let mut opt = RMSprop::new(0.01).centered(centered).momentum(momentum as f32);
        close(&run(&mut opt, scale as f32), &want);
    }
}

/// The default start (0.1), a start of 0 with gradients of 1e-4 (where epsilon is most of
/// `acc + epsilon`: subtracting it instead gives a NaN), and another start.
#[test]
fn adagrad() {
    for (initial, scale) in [(0.1, 0.1), (0.0, 1e-4), (0.5, 0.1)] {
        let mut acc = [initial; 2];
        let want = reference(scale, |i, w, g, _| {
            acc[i] += g * g;
            w - 0.01 * g / (acc[i] + 1e-7).sqrt()
        });
        let mut opt = Adagrad::new(0.01).initial_accumulator_value(initial as f32);
        close(&run(&mut opt, scale as f32), &want);
    }
}

#[test]
fn keras_defaults() {
    let adam = Adam::default();
    assert_eq!(
        (adam.learning_rate(), adam.beta_1, adam.beta_2, adam.epsilon, adam.amsgrad),
        (0.001, 0.9, 0.999, 1e-7, false)
    );
    let sgd = Sgd::default();
    assert_eq!((sgd.learning_rate(), sgd.momentum, sgd.nesterov), (0.01, 0.0, false));
    let rms = RMSprop::default();
    assert_eq!((rms.learning_rate(), rms.rho, rms.momentum, rms.epsilon, rms.centered), (0.001, 0.9, 0.0, 1e-7, false));
    let ada = Adagrad::default();
    assert_eq!((ada.learning_rate(), ada.initial_accumulator_value, ada.epsilon), (0.001, 0.1, 1e-7));
}

#[test]
fn config_round_trip_through_json() {
    let opt: Box<dyn Optimizer> = Adam::new(0.02).amsgrad(true).clipnorm(1.0).into();
    let json = serde_json::to_string(&opt.config()).unwrap();
    assert!(json.contains("\"class_name\":\"Adam\""), "{json}");
    let back: OptimizerConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, opt.config());
    assert_eq!(back.build().learning_rate(), 0.02);
}

/// Runs `clip` on gradients (the weights are not touched).
fn clip(clip: Clipping, grads: &mut [Vec<f32>]) {
    let mut values: Vec<Vec<f32>> = grads.iter().map(|g| vec![0.0; g.len()]).collect();
    let mut params: Vec<Param<'_>> =
        values.iter_mut().zip(grads.iter_mut()).map(|(v, g)| Param { value: v, grad: g }).collect();
    clip.apply(&mut params);
}

/// Keras's `g · c / max(‖g‖, c)` per tensor: a tensor within the norm is unchanged (with a
/// `c` other than 1, so that `c / c` is seen to cancel), a zero tensor stays zero.
#[test]
fn clipnorm_rescales_each_tensor() {
    let mut g = vec![vec![6.0, 8.0], vec![0.3, 0.4], vec![0.0, 0.0]];
    clip(Clipping { clipnorm: Some(2.0), ..Default::default() }, &mut g);
    assert!((g[0][0] - 1.2).abs() < 1e-6 && (g[0][1] - 1.6).abs() < 1e-6, "{g:?}");
    assert_eq!(g[1], vec![0.3, 0.4]);
    assert_eq!(g[2], vec![0.0, 0.0]);
}

#[test]
fn global_clipnorm_rescales_jointly() {
    let mut g = vec![vec![3.0], vec![4.0]];
    clip(Clipping { global_clipnorm: Some(1.0), ..Default::default() }, &mut g);
    assert!((g[0][0] - 0.6).abs() < 1e-6 && (g[1][0] - 0.8).abs() < 1e-6);
}

#[test]
fn clipvalue_clamps() {
    let mut g = vec![vec![-3.0, 0.5, 2.0]];
    clip(Clipping { clipvalue: Some(1.0), ..Default::default() }, &mut g);
    assert_eq!(g[0], vec![-1.0, 0.5, 1.0]);
}

/// At most one of the three, and it must be finite and > 0; each rejection names it.
#[test]
fn only_one_clipping_allowed() {
    let c = Clipping { clipnorm: Some(1.0), clipvalue: Some(1.0), ..Default::default() };
    assert!(c.validate().unwrap_err().to_string().contains("only one"));
    Clipping::default().validate().unwrap();
    let one = |v: f32| {
        [
            Clipping { clipnorm: Some(v), ..Default::default() },
            Clipping { clipvalue: Some(v), ..Default::default() },
            Clipping { global_clipnorm: Some(v), ..Default::default() },
        ]
    };
    for c in one(0.5) {
        c.validate().unwrap();
    }
    for v in [0.0, -1.0, f32::NAN, f32::INFINITY] {
        for (c, name) in one(v).into_iter().zip(["clipnorm", "clipvalue", "global_clipnorm"]) {
            let err = c.validate().unwrap_err().to_string();
            assert!(err.contains(&format!("Received: {name}=")), "{v}: {err}");
        }
    }
}

/// Every hyper-parameter's allowed set, at its edges: an epsilon must be > 0, a decay in
/// [0, 1), a momentum in [0, 1], a learning rate or starting accumulator >= 0, all finite.
/// Each rejection names the hyper-parameter.
#[test]
fn hyper_parameters_are_checked_at_their_edges() {
    let ok: Vec<Box<dyn Optimizer>> = vec![
        Box::new(Adam::new(0.0).beta_1(0.0).beta_2(0.0).epsilon(f32::MIN_POSITIVE)),
        Box::new(Sgd::new(0.1).momentum(1.0)),
        Box::new(Sgd::new(0.1).momentum(0.0)),
        Box::new(RMSprop::new(0.1).rho(0.0).momentum(1.0)),
        Box::new(Adagrad::new(0.1).initial_accumulator_value(0.0)),
    ];
    for opt in &ok {
        opt.validate().unwrap();
    }
    let bad: Vec<(&str, Box<dyn Optimizer>)> = vec![
        ("beta_1", Box::new(Adam::new(0.1).beta_1(1.0))),
        ("beta_1", Box::new(Adam::new(0.1).beta_1(-0.1))),
        ("beta_2", Box::new(Adam::new(0.1).beta_2(1.0))),
        ("beta_2", Box::new(Adam::new(0.1).beta_2(f32::NAN))),
        ("epsilon", Box::new(Adam::new(0.1).epsilon(0.0))),
        ("epsilon", Box::new(Adam::new(0.1).epsilon(-1e-7))),
        ("epsilon", Box::new(Adam::new(0.1).epsilon(f32::INFINITY))),
        ("rho", Box::new(RMSprop::new(0.1).rho(1.0))),
        ("momentum", Box::new(RMSprop::new(0.1).momentum(1.01))),
        ("epsilon", Box::new(RMSprop::new(0.1).epsilon(0.0))),
        ("momentum", Box::new(Sgd::new(0.1).momentum(-0.1))),
        ("initial_accumulator_value", Box::new(Adagrad::new(0.1).initial_accumulator_value(-0.1))),
        ("epsilon", Box::new(Adagrad::new(0.1).epsilon(0.0))),
        ("learning_rate", Box::new(Sgd::new(-1e-3))),
        ("learning_rate", Box::new(Adam::new(f32::NAN))),
        ("learning_rate", Box::new(Adagrad::new(f32::INFINITY))),
    ];
    for (name, opt) in &bad {
        let err = opt.validate().expect_err(name);
        assert!(matches!(err, kerust::Error::InvalidArgument { .. }), "{name}: {err}");
        assert!(err.to_string().contains(&format!("Received: {name}=")), "{name}: {err}");
    }
}
