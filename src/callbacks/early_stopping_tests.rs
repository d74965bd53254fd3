//! EarlyStopping's decisions on fixed sequences of monitored values, traced by hand from
//! Keras 3's `keras/src/callbacks/early_stopping.py` (`on_epoch_end`, lines "self.wait += 1"
//! through "self.model.stop_training = True"; `_is_improvement`; `on_train_end`).

use super::*;

/// Runs `values` through a minimising EarlyStopping; returns the epoch it stopped at.
fn stops_at(es: EarlyStopping, values: &[f64]) -> Option<usize> {
    let mut es = es;
    es.monitored.higher_is_better = Some(false);
    es.best = f64::INFINITY;
    values.iter().enumerate().find_map(|(epoch, &v)| es.update(epoch, v, Vec::new).then_some(epoch))
}

#[test]
fn patience_zero_stops_at_first_non_improvement() {
    // e0 improves on inf (wait reset); e1 improves; e2 does not: wait 1 >= 0 and e2 > 0.
    assert_eq!(stops_at(EarlyStopping::new(), &[1.0, 0.9, 0.95, 0.5]), Some(2));
}

#[test]
fn patience_counts_epochs_without_improvement() {
    // patience 2: e1 wait 1, e2 wait 2 -> stop at e2.
    assert_eq!(stops_at(EarlyStopping::new().patience(2), &[1.0, 1.0, 1.0, 1.0]), Some(2));
    // An improvement in between resets wait.
    assert_eq!(stops_at(EarlyStopping::new().patience(2), &[1.0, 1.1, 0.9, 1.2, 1.3, 1.4]), Some(4));
}

#[test]
fn min_delta_requires_a_large_enough_drop() {
    // e1: 0.95 - 1.0 = -0.05, not below -0.05 -> no improvement; wait 1 >= 1 -> stop.
    assert_eq!(stops_at(EarlyStopping::new().patience(1).min_delta(0.05), &[1.0, 0.95, 0.5]), Some(1));
    // Without min_delta the same drop is an improvement.
    assert_eq!(stops_at(EarlyStopping::new().patience(1), &[1.0, 0.95, 0.5]), None);
    // A negative min_delta counts as its absolute value (Keras: abs(min_delta)).
    assert_eq!(stops_at(EarlyStopping::new().patience(1).min_delta(-0.05), &[1.0, 0.95, 0.5]), Some(1));
}

#[test]
fn baseline_keeps_wait_running_until_beaten() {
    // e0 improves on inf but not on the baseline 0.5: wait stays 1. e1 does not improve:
    // wait 2 >= 2 -> stop at e1. Without a baseline, e0 resets wait and the stop is at e2.
    let values = [1.0, 1.1, 1.2, 1.3];
    assert_eq!(stops_at(EarlyStopping::new().patience(2).baseline(0.5), &values), Some(1));
    assert_eq!(stops_at(EarlyStopping::new().patience(2), &values), Some(2));
    // Improving epochs return before the patience check, even when the baseline is not met.
    assert_eq!(stops_at(EarlyStopping::new().patience(1).baseline(0.1), &[1.0, 0.9, 0.8, 0.7]), None);
}

#[test]
fn start_from_epoch_skips_the_warm_up() {
    // e0, e1 ignored; e2 improves on inf; e3 does not -> stop at e3 with patience 0.
    assert_eq!(stops_at(EarlyStopping::new().start_from_epoch(2), &[1.0, 2.0, 3.0, 4.0]), Some(3));
}

#[test]
fn never_stops_at_epoch_zero() {
    let mut es = EarlyStopping::new();
    es.monitored.higher_is_better = Some(false);
    es.best = 0.0; // a best carried over from an earlier fit (Keras keeps `best`)
    assert!(!es.update(0, 1.0, Vec::new));
    assert!(es.update(1, 1.0, Vec::new));
}

#[test]
fn maximising_mode() {
    let mut es = EarlyStopping::new().patience(1).min_delta(0.01);
    es.monitored.higher_is_better = Some(true);
    es.best = f64::NEG_INFINITY;
    let values = [0.5, 0.6, 0.605, 0.7];
    let stop = values.iter().enumerate().find_map(|(e, &v)| es.update(e, v, Vec::new).then_some(e));
    assert_eq!(stop, Some(2));
    assert_eq!(es.best_epoch(), 1);
}

#[test]
fn best_weights_are_those_of_the_best_epoch() {
    let mut es = EarlyStopping::new().patience(5).restore_best_weights(true);
    es.monitored.higher_is_better = Some(false);
    es.best = f64::INFINITY;
    for (epoch, v) in [3.0, 1.0, 2.0].into_iter().enumerate() {
        let marker = ndarray::ArrayD::from_elem(vec![1], epoch as f32);
        assert!(!es.update(epoch, v, || vec![marker]));
    }
    assert_eq!(es.best_epoch(), 1);
    assert_eq!(es.best_weights.as_ref().unwrap()[0][[0]], 1.0);
}
