//! Data parallelism inside one `fit` (issue 17): every batch split over 2 or 3 threads.
//!
//! - Every training fixture of Keras (plain, classification with metrics, partial batches,
//!   validation split, BatchNormalization, L1/L2/activity penalties, constraints, class and
//!   sample weights) replays with the batches split, within the fixtures' tolerance of
//!   Keras's History and weights, and of the one-thread run.
//! - Same seed, data and thread count: bit-identical weights and History, for 1, 2 and 3
//!   threads, on a model with BatchNormalization and Dropout.
//! - Dropout draws the masks of one-thread training; the rule keeps small steps on one thread.

mod common;

use common::replay::{fit_config, metrics, optimizer};
use common::specs::{flat_weights, model_from_specs};
use common::*;
use kerust::model::MIN_SHARD_WORK;
use kerust::prelude::*;
use ndarray::{Array1, Array2, ArrayD};
use serde_json::Value;

/// Fits the fixture's model with the batches split over `threads` threads (`min_shard_work`
/// 0: even these small steps are split); returns the History and the final weights.
fn fit_fixture(name: &str, threads: usize) -> (Value, History, Vec<ArrayD<f32>>) {
    let d = fixture(name);
    let s = &d["settings"];
    let x = matrix(&d["data"]["x"]);
    let y = if d["data"]["y"][0].is_array() { matrix(&d["data"]["y"]) } else { column(&d["data"]["y"]) };
    let mut model = if d["layers"].is_array() {
        let mut m = model_from_specs(&d["layers"], x.ncols());
        m.set_weights(&flat_weights(&d["initial_weights"])).unwrap();
        m
    } else {
        model_from(&d["initial_weights"], x.ncols())
    };
    let loss: Loss = s["loss"].as_str().unwrap().parse().unwrap();
    model.compile(optimizer(&s["optimizer"]), loss, &metrics(s)).unwrap();
    let class_weight = s["class_weight"].as_object().map(|_| ClassWeight::Balanced);
    let sample_weight = s["sample_weight"].as_array().map(|_| Array1::from(f32s(&s["sample_weight"])));
    let config = FitConfig { class_weight, sample_weight, threads: Some(threads), min_shard_work: 0, ..fit_config(s) };
    let history = model.fit(&x, &y, config).unwrap();
    (d, history, model.get_weights())
}

const FIXTURES: [&str; 12] = [
    "train_sgd.json",
    "train_adam.json",
    "train_rmsprop.json",
    "train_validation_split.json",
    "train_partial_batch.json",
    "train_classification.json",
    "train_batchnorm.json",
    "train_l2.json",
    "train_regularizers.json",
    "train_constraints.json",
    "train_class_weight.json",
    "train_sample_weight.json",
];

#[test]
fn every_keras_training_fixture_replays_with_split_batches() {
    for name in FIXTURES {
        let (_, one_history, one_weights) = fit_fixture(name, 1);
        for threads in [2, 3] {
            let (d, history, trained) = fit_fixture(name, threads);
            let tag = format!("{name} threads={threads}");
            let expected = d["expected"]["history"].as_object().unwrap();
            assert_eq!(history.keys().len(), expected.len(), "{tag}: keys {:?}", history.keys());
            for (key, values) in expected {
                let got = history.get(key).unwrap();
                assert_close_train(&format!("{tag}: history.{key} vs Keras"), got, &f32s(values));
                assert_close_train(&format!("{tag}: history.{key} vs 1 thread"), got, one_history.get(key).unwrap());
            }
            let final_weights = &d["expected"]["final_weights"];
            let want = if d["layers"].is_array() { flat_weights(final_weights) } else { weights(final_weights) };
            assert_eq!(trained.len(), want.len(), "{tag}");
            for (i, ((g, e), one)) in trained.iter().zip(&want).zip(&one_weights).enumerate() {
                // train_l2's floor: Keras's own float32 drift (regularization_fixtures.rs).
                let floor = if name == "train_l2.json" { 1.6e-6 } else { 1e-6 };
                assert_close(&format!("{tag}: final_weights[{i}] vs Keras"), g, e, 1e-5, floor);
                assert_close_train(&format!("{tag}: final_weights[{i}] vs 1 thread"), g, one);
            }
        }
    }
}

/// 600 rows of 12 features and a target made of them; a network with BatchNormalization and
/// Dropout, split at every step. SGD, not Adam: Adam turns the rounding noise of a gradient
/// that is 0 in exact arithmetic (the bias of a Dense before BatchNormalization) into steps
/// of ±lr, so that there the sum order alone moves weights by 1e-3 after a few epochs.
fn bn_dropout_fit(threads: usize, seed: u64) -> (Vec<ArrayD<f32>>, Vec<u32>) {
    let x = Array2::from_shape_fn((600, 12), |(i, j)| (((i * 37 + j * 11) % 29) as f32 / 29.0) - 0.3 * j as f32 / 12.0);
    let y =
        Array2::from_shape_fn((600, 1), |(i, _)| x.row(i).iter().enumerate().map(|(j, v)| v * (j as f32 - 5.0)).sum());
    let mut model = Sequential::new().seed(seed);
    model.add(Dense::new(32).input_dim(12).activation(Activation::Relu));
    model.add(BatchNormalization::new());
    model.add(Dropout::new(0.25));
    model.add(Dense::new(16).activation(Activation::Relu));
    model.add(Dense::new(1));
    model.compile(Sgd::new(0.01), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError]).unwrap();
    let config = FitConfig {
        epochs: 4,
        batch_size: 50,
        validation_split: 0.2,
        verbose: 0,
        threads: Some(threads),
        min_shard_work: 0,
        ..Default::default()
    };
    let history = model.fit(&x, &y, config).unwrap();
    let bits = history.keys().iter().flat_map(|k| history.get(k).unwrap().iter().map(|v| v.to_bits())).collect();
    (model.get_weights(), bits)
}

fn bits(weights: &[ArrayD<f32>]) -> Vec<u32> {
    weights.iter().flat_map(|w| w.iter().map(|v| v.to_bits())).collect()
}

#[test]
fn same_seed_and_thread_count_give_bit_identical_weights_with_batchnorm_and_dropout() {
    let (mut by_threads, mut histories) = (Vec::new(), Vec::new());
    for threads in [1, 2, 3] {
        let (w1, h1) = bn_dropout_fit(threads, 5);
        let (w2, h2) = bn_dropout_fit(threads, 5);
        assert_eq!(h1, h2, "History differs between two runs with threads = {threads}");
        assert_eq!(bits(&w1), bits(&w2), "weights differ between two runs with threads = {threads}");
        by_threads.push(w1);
        histories.push(h1.iter().map(|&b| f32::from_bits(b)).collect::<Vec<f32>>());
    }
    for threads in [2, 3] {
        assert_close_train(&format!("History threads={threads}"), &histories[threads - 1], &histories[0]);
    }
    // The split ran (the sums are added in another order, so some bits differ) and changed
    // nothing else: BatchNormalization's whole-batch statistics, Dropout's masks and the
    // whole-batch mean of the loss are those of one thread, to rounding.
    for (threads, w) in [(2, &by_threads[1]), (3, &by_threads[2])] {
        assert_ne!(bits(w), bits(&by_threads[0]), "threads = {threads} gave one thread's exact bits: no split?");
        for (i, (g, one)) in w.iter().zip(&by_threads[0]).enumerate() {
            assert_close_train(&format!("threads={threads} weights[{i}]"), g, one);
        }
    }
}

#[test]
fn split_batches_keep_batchnorm_statistics_and_dropout_masks_of_the_whole_batch() {
    // One step, so that rounding cannot grow: a shard that normalized with its own rows'
    // statistics, or drew its masks from the start of the stream, is off by far more.
    let x = Array2::from_shape_fn((64, 6), |(i, j)| ((i * 13 + j * 7) % 17) as f32 / 4.0 + (i / 32) as f32 * 3.0);
    let y = Array2::from_shape_fn((64, 1), |(i, _)| (i % 5) as f32);
    let step = |threads: usize| {
        let mut model = Sequential::new().seed(3);
        model.add(Dense::new(8).input_dim(6).activation(Activation::Relu));
        model.add(BatchNormalization::new());
        model.add(Dropout::new(0.5));
        model.add(Dense::new(1));
        model.compile(Sgd::new(0.1), Loss::MeanSquaredError, &[]).unwrap();
        let config = FitConfig {
            batch_size: 64,
            shuffle: false,
            verbose: 0,
            threads: Some(threads),
            min_shard_work: 0,
            ..Default::default()
        };
        let history = model.fit(&x, &y, config).unwrap();
        (history.get("loss").unwrap()[0], model.get_weights())
    };
    let (loss1, w1) = step(1);
    for threads in [2, 3] {
        let (loss, w) = step(threads);
        assert_close_train(&format!("loss threads={threads}"), [loss].iter(), [loss1].iter());
        for (i, (g, e)) in w.iter().zip(&w1).enumerate() {
            assert_close_train(&format!("threads={threads} weights[{i}]"), g, e);
        }
    }
}

#[test]
fn the_rule_keeps_small_steps_on_one_thread() {
    // The lesson's network (13 → 64 → 32 → 1, batches of 32) at the default rule: with 2
    // threads it trains to one thread's exact bits, because the step is not split.
    let x = Array2::from_shape_fn((200, 13), |(i, j)| ((i * 7 + j * 3) % 11) as f32 / 11.0);
    let y = Array2::from_shape_fn((200, 1), |(i, _)| (i % 7) as f32);
    let fit = |threads: usize| {
        let mut model = Sequential::new().seed(1);
        model.add(Dense::new(64).input_dim(13).activation(Activation::Relu));
        model.add(Dense::new(32).activation(Activation::Relu));
        model.add(Dense::new(1));
        model.compile(Adam::new(1e-3), Loss::MeanSquaredError, &[]).unwrap();
        model.fit(&x, &y, FitConfig { epochs: 3, verbose: 0, threads: Some(threads), ..Default::default() }).unwrap();
        bits(&model.get_weights())
    };
    assert_eq!(fit(2), fit(1));
}

#[test]
fn the_rule_splits_by_rows_times_parameters() {
    let mlp = |inputs: usize, width: usize| {
        let mut model = Sequential::new().seed(0);
        model.add(Dense::new(width).input_dim(inputs).activation(Activation::Relu));
        model.add(Dense::new(width).activation(Activation::Relu));
        model.add(Dense::new(1));
        model
    };
    let config =
        |batch_size: usize, threads: usize| FitConfig { batch_size, threads: Some(threads), ..Default::default() };
    // A lesson-sized step (32 rows × 3,073 parameters): one thread; W2 (256 × 74,497): two.
    assert_eq!(mlp(13, 48).split_threads(&config(32, 2)), 1);
    assert_eq!(mlp(32, 256).split_threads(&config(256, 2)), 2);
    assert_eq!(mlp(32, 256).split_threads(&config(256, 1)), 1);
    // Three threads only where every shard still does MIN_SHARD_WORK.
    let params = mlp(32, 256).count_params();
    assert_eq!(mlp(32, 256).split_threads(&config(256, 3)), 3.min(256 * params / MIN_SHARD_WORK));
    assert_eq!(mlp(32, 256).split_threads(&config(4, 8)), 1.max((4 * params / MIN_SHARD_WORK).min(4)));
    // Every step split when asked.
    let always = FitConfig { min_shard_work: 0, ..config(32, 2) };
    assert_eq!(mlp(13, 48).split_threads(&always), 2);
}
