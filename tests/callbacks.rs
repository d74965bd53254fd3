//! Callbacks in real `fit` runs: restoring best weights, learning-rate control visible in
//! History, NaN termination, interruption, CSV logging, unknown monitors.

use std::cell::RefCell;
use std::rc::Rc;

use kerust::callbacks::*;
use kerust::prelude::*;
use ndarray::{Array2, ArrayD, s};

/// The bundled Boston data, MinMax-scaled: (x, y).
fn boston() -> (Array2<f32>, Array2<f32>) {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/data/boston_housing.csv")).unwrap();
    let rows: Vec<Vec<f32>> =
        text.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    let t = Array2::from_shape_vec((rows.len(), 14), rows.concat()).unwrap();
    let mut x = t.slice(s![.., ..13]).to_owned();
    for mut c in x.columns_mut() {
        let (lo, hi) = c.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        c.mapv_inplace(|v| (v - lo) / (hi - lo));
    }
    (x, t.slice(s![.., 13..]).to_owned())
}

fn model(lr: f32) -> Sequential {
    let mut m = Sequential::new().seed(7);
    m.add(Dense::new(32).input_dim(13).activation(Activation::Relu));
    m.add(Dense::new(1));
    m.compile(Adam::new(lr), Loss::MeanSquaredError, &[Metric::MeanAbsoluteError]).unwrap();
    m
}

/// Records the weights at the end of every epoch.
#[derive(Default)]
struct WeightLog(Vec<Vec<ArrayD<f32>>>);

impl Callback for WeightLog {
    fn on_epoch_end(&mut self, ctx: &mut TrainContext<'_>, _e: usize, _l: &mut Logs) -> kerust::Result<()> {
        self.0.push(ctx.get_weights());
        Ok(())
    }
}

#[test]
fn restore_best_weights_gives_the_minimum_val_loss() {
    let (x, y) = boston();
    let mut m = model(0.05);
    let es = Rc::new(RefCell::new(EarlyStopping::new().patience(3).restore_best_weights(true)));
    let config = FitConfig {
        epochs: 200,
        validation_split: 0.2,
        verbose: 0,
        callbacks: vec![Box::new(es.clone())],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    let val = history.get("val_loss").unwrap();
    let es = es.borrow();
    assert!(es.stopped_epoch() > 0 && history.len() < 200, "should stop early: {} epochs", history.len());
    let best = val.iter().cloned().fold(f32::INFINITY, f32::min);
    // The final model's val_loss equals the History minimum.
    let split = (x.nrows() as f64 * 0.8).floor() as usize;
    let logs = m.evaluate(&x.slice(s![split.., ..]).to_owned(), &y.slice(s![split.., ..]).to_owned()).unwrap();
    let got = logs.get("loss").unwrap();
    assert!((got - best).abs() <= 1e-5 * best.abs(), "restored val_loss {got}, best {best}");
    assert_eq!(val[es.best_epoch()], best);
}

#[test]
fn restore_at_end_without_stopping() {
    let (x, y) = boston();
    let mut m = model(0.2); // a large rate: val_loss wanders, its minimum is not the last epoch
    let es = Rc::new(RefCell::new(EarlyStopping::new().patience(100).restore_best_weights(true)));
    let log = Rc::new(RefCell::new(WeightLog::default()));
    let config = FitConfig {
        epochs: 15,
        validation_split: 0.2,
        verbose: 0,
        callbacks: vec![Box::new(log.clone()), Box::new(es.clone())],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    assert_eq!(history.len(), 15, "patience 100 never stops");
    let best = es.borrow().best_epoch();
    assert_eq!(m.get_weights(), log.borrow().0[best], "weights of epoch {best} restored at the end");
}

#[test]
fn reduce_lr_on_plateau_sequence_in_history() {
    let (x, y) = boston();
    let mut m = model(0.01);
    // Monitoring the training loss with a huge min_delta: never an improvement after e0, so
    // with patience 2 the rate is cut at e2, e4, e6 (wait resets after each cut).
    let cb = ReduceLROnPlateau::new().monitor("loss").patience(2).factor(0.5).min_delta(1e9);
    let config = FitConfig { epochs: 7, verbose: 0, callbacks: vec![Box::new(cb)], ..Default::default() };
    let history = m.fit(&x, &y, config).unwrap();
    // `learning_rate` is logged before the epoch's own reduction, as Keras does.
    let want = [0.01f32, 0.01, 0.01, 0.005, 0.005, 0.0025, 0.0025];
    let got = history.get("learning_rate").unwrap();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-9, "{got:?}");
    }
    assert_eq!(m.learning_rate(), Some(0.00125));
}

#[test]
fn cooldown_and_min_lr() {
    let (x, y) = boston();
    let mut m = model(0.01);
    let cb = ReduceLROnPlateau::new().monitor("loss").patience(1).factor(0.1).min_delta(1e9).cooldown(2).min_lr(0.0005);
    let config = FitConfig { epochs: 8, verbose: 0, callbacks: vec![Box::new(cb)], ..Default::default() };
    let history = m.fit(&x, &y, config).unwrap();
    // e0 improves; e1 cuts to 0.001 and starts a cooldown of 2; e2 counts it down to 1 and
    // is still in cooldown; e3 counts it to 0, is out of cooldown, waits 1 >= 1 and cuts to
    // max(0.0001, 0.0005) = 0.0005; later cuts are refused since lr is no longer above min_lr.
    // (The logged rate is the one before the epoch's own cut.)
    let want = [0.01f32, 0.01, 0.001, 0.001, 0.0005, 0.0005, 0.0005, 0.0005];
    let got = history.get("learning_rate").unwrap();
    assert_eq!(got.len(), want.len(), "{got:?}");
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() <= 1e-9, "{got:?}");
    }
}

#[test]
fn schedules_match_keras_formulas() {
    let e = ExponentialDecay { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5, staircase: false };
    assert!((e.at(0) - 0.1).abs() < 1e-9 && (e.at(10) - 0.05).abs() < 1e-9);
    assert!((e.at(5) - 0.1 * 0.5f32.sqrt()).abs() < 1e-8);
    let stair = ExponentialDecay { staircase: true, ..e };
    assert_eq!(stair.at(15), 0.05);
    let p = PiecewiseConstantDecay { boundaries: vec![10, 20], values: vec![1.0, 0.5, 0.1] };
    assert_eq!([p.at(0), p.at(10), p.at(11), p.at(20), p.at(21)], [1.0, 1.0, 0.5, 0.5, 0.1]);
    let c = CosineDecay::new(1.0, 100);
    assert_eq!(c.at(0), 1.0);
    assert!((c.at(50) - 0.5).abs() < 1e-6 && c.at(100).abs() < 1e-7 && c.at(500).abs() < 1e-7);
    let c = CosineDecay { alpha: 0.1, ..CosineDecay::new(1.0, 100) };
    assert!((c.at(100) - 0.1).abs() < 1e-7);
    let w = CosineDecay {
        initial_learning_rate: 0.0,
        warmup_target: Some(1.0),
        warmup_steps: 10,
        ..CosineDecay::new(0.0, 100)
    };
    assert!((w.at(5) - 0.5).abs() < 1e-7 && (w.at(10) - 1.0).abs() < 1e-7 && (w.at(60) - 0.5).abs() < 1e-6);
}

#[test]
fn per_step_schedule_is_applied_before_each_step() {
    let (x, y) = boston();
    let mut m = model(0.01);
    let schedule = ExponentialDecay { initial_learning_rate: 0.01, decay_steps: 16, decay_rate: 0.5, staircase: false };
    let config = FitConfig {
        epochs: 3,
        verbose: 0,
        callbacks: vec![Box::new(LearningRateScheduler::from_schedule(schedule))],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    // 506 rows / 32 = 16 steps per epoch; the last step of epoch e uses at(16 (e + 1) - 1).
    let got = history.get("learning_rate").unwrap();
    for (epoch, g) in got.iter().enumerate() {
        let want = schedule.at(16 * (epoch as u64 + 1) - 1);
        assert!((g - want).abs() <= 1e-9, "{got:?}");
    }
    assert_eq!(m.iterations(), 48);
}

#[test]
fn per_epoch_scheduler_closure() {
    let (x, y) = boston();
    let mut m = model(0.01);
    let cb = LearningRateScheduler::new(|epoch, lr| if epoch == 0 { lr } else { lr * 0.5 });
    let config = FitConfig { epochs: 3, verbose: 0, callbacks: vec![Box::new(cb)], ..Default::default() };
    let history = m.fit(&x, &y, config).unwrap();
    assert_eq!(history.get("learning_rate").unwrap(), [0.01, 0.005, 0.0025]);
}

#[test]
fn terminate_on_nan_stops_a_diverging_run() {
    let (x, y) = boston();
    let mut m = Sequential::new().seed(1);
    m.add(Dense::new(32).input_dim(13).activation(Activation::Relu));
    m.add(Dense::new(1));
    m.compile(Sgd::new(1e6), Loss::MeanSquaredError, &[]).unwrap();
    let cb = Rc::new(RefCell::new(TerminateOnNaN::new()));
    let config = FitConfig { epochs: 50, verbose: 0, callbacks: vec![Box::new(cb.clone())], ..Default::default() };
    let history = m.fit(&x, &y, config).unwrap();
    assert!(cb.borrow().stopped_batch.is_some(), "the loss must have diverged");
    assert!(history.len() < 50);
    assert!(history.diverged());
}

/// Sets the stop flag at batch 3 of epoch 1, as a Ctrl-C would.
struct PressCtrlC(StopFlag, usize);

impl Callback for PressCtrlC {
    fn on_epoch_begin(&mut self, _ctx: &mut TrainContext<'_>, epoch: usize) -> kerust::Result<()> {
        self.1 = epoch;
        Ok(())
    }
    fn on_train_batch_end(&mut self, _ctx: &mut TrainContext<'_>, batch: usize, _l: &Logs) -> kerust::Result<()> {
        if self.1 == 1 && batch == 3 {
            self.0.request();
        }
        Ok(())
    }
    fn wants_batch_logs(&self) -> bool {
        true
    }
}

#[test]
fn stop_flag_interrupts_after_the_current_batch() {
    let (x, y) = boston();
    let mut m = model(0.01);
    let flag = StopFlag::new();
    let config = FitConfig {
        epochs: 10,
        verbose: 0,
        validation_split: 0.2,
        stop_flag: Some(flag.clone()),
        callbacks: vec![Box::new(PressCtrlC(flag, 0))],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    assert!(history.interrupted());
    assert_eq!(history.len(), 2, "epoch 1 still ends (with validation), then training stops");
    assert_eq!(m.iterations(), 13 + 4);
    assert!(history.get("val_loss").unwrap()[1].is_finite());
}

#[test]
fn unknown_monitor_is_an_error_listing_the_keys() {
    let (x, y) = boston();
    let mut m = model(0.01);
    let config = FitConfig {
        epochs: 2,
        verbose: 0,
        callbacks: vec![Box::new(EarlyStopping::new().monitor("val_accuracy"))],
        ..Default::default()
    };
    let err = m.fit(&x, &y, config).unwrap_err();
    assert!(matches!(err, Error::UnknownMonitor { .. }), "{err}");
    assert!(err.to_string().contains("val_accuracy") && err.to_string().contains("loss, mae"), "{err}");
    // mode auto resolves from the metric: val_loss is minimised (the default works).
    let config = FitConfig {
        epochs: 2,
        verbose: 0,
        validation_split: 0.2,
        callbacks: vec![Box::new(EarlyStopping::new())],
        ..Default::default()
    };
    assert!(m.fit(&x, &y, config).is_ok());
}

#[test]
fn csv_logger_writes_and_appends() {
    let (x, y) = boston();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.csv");
    let mut m = model(0.01);
    let config = FitConfig {
        epochs: 2,
        verbose: 0,
        validation_split: 0.2,
        callbacks: vec![Box::new(CsvLogger::new(&path))],
        ..Default::default()
    };
    m.fit(&x, &y, config).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "epoch,loss,mae,val_loss,val_mae");
    assert_eq!(lines.len(), 3);
    assert!(lines[2].starts_with("1,"));
    let config = FitConfig {
        epochs: 4,
        initial_epoch: 2,
        verbose: 0,
        validation_split: 0.2,
        callbacks: vec![Box::new(CsvLogger::new(&path).append(true))],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    assert_eq!(history.epoch(), [2, 3]);
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[4].starts_with("3,"));
}

#[test]
fn checkpoint_best_only_and_every_epoch() {
    let (x, y) = boston();
    let dir = tempfile::tempdir().unwrap();
    let every = dir.path().join("m-{epoch:02d}.kerust").display().to_string();
    let best = dir.path().join("best.kerust");
    let mut m = model(0.05);
    let ckpt = Rc::new(RefCell::new(ModelCheckpoint::new(best.display().to_string()).save_best_only(true)));
    let config = FitConfig {
        epochs: 6,
        verbose: 0,
        validation_split: 0.2,
        callbacks: vec![Box::new(ModelCheckpoint::new(every)), Box::new(ckpt.clone())],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    for e in 1..=6 {
        assert!(dir.path().join(format!("m-{e:02}.kerust")).exists());
    }
    let val = history.get("val_loss").unwrap();
    let improvements = (0..6).filter(|&i| val[..i].iter().all(|&b| val[i] < b)).count();
    assert_eq!(ckpt.borrow().saved.len(), improvements);
    // The best file holds the weights of the best epoch: its val_loss is the minimum.
    let mut restored = Sequential::load(&best).unwrap();
    let split = (x.nrows() as f64 * 0.8).floor() as usize;
    let logs = restored.evaluate(&x.slice(s![split.., ..]).to_owned(), &y.slice(s![split.., ..]).to_owned()).unwrap();
    let min = val.iter().cloned().fold(f32::INFINITY, f32::min);
    assert!((logs.get("loss").unwrap() - min).abs() <= 1e-5 * min);
}

#[test]
fn a_diverged_run_never_overwrites_a_good_checkpoint() {
    let (x, y) = boston();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ckpt.kerust").display().to_string();
    let mut m = model(0.01);
    let config = FitConfig {
        epochs: 2,
        verbose: 0,
        callbacks: vec![Box::new(ModelCheckpoint::new(path.clone()))],
        ..Default::default()
    };
    m.fit(&x, &y, config).unwrap();
    let good = m.get_weights();
    m.set_learning_rate(1e9);
    let nan = Rc::new(RefCell::new(TerminateOnNaN::new()));
    let config = FitConfig {
        epochs: 5,
        verbose: 0,
        callbacks: vec![Box::new(nan.clone()), Box::new(ModelCheckpoint::new(path.clone()))],
        ..Default::default()
    };
    let history = m.fit(&x, &y, config).unwrap();
    assert!(history.diverged() && nan.borrow().stopped_batch.is_some());
    let saved = Sequential::load(&path).unwrap();
    assert_eq!(saved.get_weights(), good, "the good checkpoint is intact");
    // Weights-only files load into a model of the same architecture.
    let wpath = dir.path().join("w.kerust");
    let mut trained = model(0.01);
    trained.fit(&x, &y, FitConfig { epochs: 1, verbose: 0, ..Default::default() }).unwrap();
    trained.save_weights(&wpath).unwrap();
    let mut fresh = model(0.01);
    fresh.load_weights(&wpath).unwrap();
    assert_eq!(fresh.get_weights(), trained.get_weights());
}
