//! `kerust::tuning` through the library: reproducibility across worker counts, samplers
//! (TPE against random search, the grid visited exactly), pruning, resampling, and the errors
//! a bad space or setting gives.

use std::collections::BTreeSet;

use kerust::prelude::*;
use kerust::tuning::{
    Direction, Param, PrunerKind, Resampling, SamplerKind, SearchSpace, Study, TrialState, Tuner, Value, resample,
    summarize,
};

fn boston() -> Table {
    kerust::datasets::load("boston_housing").unwrap()
}

/// trials.csv without its `seconds` column (the only one that depends on the machine).
fn without_seconds(study: &Study) -> String {
    let csv = study.trials_csv();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "seconds").unwrap();
    csv.lines()
        .map(|l| l.split(',').enumerate().filter(|(i, _)| *i != col).map(|(_, f)| f).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n")
}

fn small_space() -> SearchSpace {
    SearchSpace::new()
        .with("num_layers", Param::int(1, 2))
        .with("units", Param::Int { low: 4, high: 64, log: true, step: None })
        .with("learning_rate", Param::log_float(1e-3, 1e-1))
        .with("dropout", Param::float(0.0, 0.3))
        .with("batch_size", Param::choice([16i64, 32]))
}

fn base(epochs: usize) -> TabularSpec {
    TabularSpec { epochs, ..TabularSpec::default() }
}

#[test]
fn one_worker_or_two_give_the_same_trials() {
    let table = boston();
    let run = |workers| {
        Tuner::new(small_space())
            .base(base(15))
            .sampler(SamplerKind::Tpe)
            .pruner(PrunerKind::Median)
            .max_trials(16)
            .workers(workers)
            .seed(3)
            .search(&table, "MEDV")
            .unwrap()
    };
    let (one, two) = (run(1), run(2));
    assert_eq!(one.trials().len(), 16);
    assert!(one.trials().iter().skip(10).any(|t| t.params != one.trials()[0].params), "TPE proposes new points");
    assert_eq!(without_seconds(&one), without_seconds(&two));
    let timeless =
        |s: &Study| s.trials().iter().map(|t| kerust::tuning::Trial { seconds: 0.0, ..t.clone() }).collect::<Vec<_>>();
    assert_eq!(timeless(&one), timeless(&two), "every field, bit for bit");
}

#[test]
fn tpe_is_no_worse_than_random_search_over_five_seeds() {
    let space = SearchSpace::new()
        .with("num_layers", Param::int(1, 2))
        .with("units", Param::Int { low: 2, high: 64, log: true, step: None })
        .with("learning_rate", Param::log_float(1e-4, 0.3))
        .with("batch_size", Param::choice([16i64, 32, 64]));
    for (dataset, target) in [("boston_housing", "MEDV"), ("diabetes", "target")] {
        let table = kerust::datasets::load(dataset).unwrap();
        let best_of = |sampler, seed| {
            let study = Tuner::new(space.clone())
                .base(base(20))
                .sampler(sampler)
                .max_trials(30)
                .workers(2)
                .seed(seed)
                .search(&table, target)
                .unwrap();
            study.best().unwrap().value.unwrap()
        };
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let tpe = median((0..5).map(|s| best_of(SamplerKind::Tpe, s)).collect());
        let random = median((0..5).map(|s| best_of(SamplerKind::Random, s)).collect());
        assert!(tpe <= random, "{dataset}: median best val_loss: TPE {tpe}, random {random}");
    }
}

#[test]
fn grid_search_visits_exactly_the_grid() {
    let table = kerust::datasets::load("iris").unwrap();
    let space = SearchSpace::new()
        .with("units", Param::choice([4i64, 8]))
        .with("learning_rate", Param::Float { low: 0.01, high: 0.03, log: false, step: Some(0.01) })
        .with("batch_norm", Param::Bool);
    let study = Tuner::new(space.clone())
        .base(base(3))
        .sampler(SamplerKind::Grid)
        .max_trials(100)
        .seed(0)
        .search(&table, "species")
        .unwrap();
    assert_eq!(study.trials().len(), 12, "2 x 3 x 2 points, each once");
    let visited: BTreeSet<String> = study.trials().iter().map(|t| format!("{:?}", t.params)).collect();
    let grid: BTreeSet<String> = space.grid().unwrap().iter().map(|p| format!("{p:?}")).collect();
    assert_eq!(visited, grid);
    let rates: BTreeSet<String> = study.trials().iter().map(|t| t.params["learning_rate"].to_string()).collect();
    assert_eq!(rates.len(), 3, "{rates:?}");
}

#[test]
fn the_median_pruner_saves_epochs_and_keeps_the_best() {
    let table = boston();
    let run = |pruner| {
        Tuner::new(small_space())
            .base(base(60))
            .sampler(SamplerKind::Random)
            .pruner(pruner)
            .max_trials(30)
            .workers(2)
            .seed(11)
            .search(&table, "MEDV")
            .unwrap()
    };
    let (plain, pruned) = (run(PrunerKind::None), run(PrunerKind::Median));
    let (e0, e1) = (plain.total_epochs() as f64, pruned.total_epochs() as f64);
    assert!(e1 <= 0.7 * e0, "epochs {e1} pruned vs {e0} unpruned");
    let (b0, b1) = (plain.best().unwrap().value.unwrap(), pruned.best().unwrap().value.unwrap());
    assert!(b1 <= b0 * 1.05, "best {b1} pruned vs {b0} unpruned");
    assert!(pruned.trials().iter().any(|t| t.state == TrialState::Pruned));
    assert!(plain.trials().iter().all(|t| t.state == TrialState::Complete));
}

#[test]
fn cross_validation_and_repeats_report_mean_and_std() {
    let table = kerust::datasets::load("iris").unwrap();
    let study = Tuner::new(SearchSpace::new().with("units", Param::choice([8i64])))
        .base(base(5))
        .cv(3)
        .repeats(2)
        .max_trials(1)
        .seed(1)
        .search(&table, "species")
        .unwrap();
    let t = &study.trials()[0];
    assert_eq!(t.values.len(), 6, "3 folds x 2 seeds");
    let mean = t.values.iter().sum::<f64>() / 6.0;
    let std = (t.values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / 6.0).sqrt();
    assert!((t.value.unwrap() - mean).abs() < 1e-12 && (t.std.unwrap() - std).abs() < 1e-12);
    assert!(t.std.unwrap() > 0.0, "different folds and seeds differ");
    assert_eq!(t.epochs, 30);

    let spec = TabularSpec { seed: Some(4), ..base(5) };
    let fits = resample(&table, "species", &spec, Resampling { cv: None, repeats: 3 }).unwrap();
    assert_eq!(fits.len(), 3);
    let run = spec.fit(&table, "species").unwrap();
    assert_eq!(fits[0].metrics, run.test.metrics, "fit 0 is the normal run");
    assert_eq!(fits[0].history.get("val_loss"), run.history.get("val_loss"));
    assert_ne!(fits[1].history.get("loss"), fits[0].history.get("loss"), "other seeds");
    let summary = summarize(&fits);
    let acc: Vec<f64> = fits.iter().map(|f| f.metrics["accuracy"]).collect();
    assert!((summary["accuracy"].0 - acc.iter().sum::<f64>() / 3.0).abs() < 1e-12);
}

#[test]
fn the_direction_follows_the_objective() {
    assert_eq!(Direction::for_key("val_loss"), Direction::Minimize);
    assert_eq!(Direction::for_key("val_accuracy"), Direction::Maximize);
    assert_eq!(Direction::for_key("val_mean_absolute_error"), Direction::Minimize);
    let table = kerust::datasets::load("iris").unwrap();
    let study = Tuner::new(SearchSpace::new().with("learning_rate", Param::log_float(1e-3, 0.1)))
        .base(base(4))
        .objective("val_accuracy")
        .sampler(SamplerKind::Random)
        .max_trials(3)
        .seed(2)
        .search(&table, "species")
        .unwrap();
    assert_eq!(study.settings().direction, Direction::Maximize);
    let best = study.best().unwrap().value.unwrap();
    assert!(study.trials().iter().all(|t| t.value.unwrap() <= best));
}

fn error_of(space: SearchSpace, tuner: impl FnOnce(Tuner<'static>) -> Tuner<'static>) -> String {
    let table = kerust::datasets::load("iris").unwrap();
    tuner(Tuner::new(space).base(base(2)).seed(0)).search(&table, "species").unwrap_err().to_string()
}

fn lr() -> SearchSpace {
    SearchSpace::new().with("learning_rate", Param::log_float(1e-3, 0.1))
}

#[test]
fn bad_spaces_and_settings_are_errors_that_name_the_problem() {
    let cases: Vec<(String, &str)> = vec![
        (error_of(SearchSpace::new(), |t| t), "empty"),
        (error_of(SearchSpace::new().with("dropout", Param::float(0.4, 0.4)), |t| t), "low (0.4) must be below high"),
        (
            error_of(SearchSpace::new().with("learning_rate", Param::log_float(0.0, 0.1)), |t| t),
            "log range needs low > 0",
        ),
        (error_of(SearchSpace::new().with("momentum", Param::float(0.0, 0.9)), |t| t), "unknown parameter"),
        (error_of(SearchSpace::new().with("dropout", Param::float(0.0, 1.5)), |t| t), "dropout"),
        (error_of(SearchSpace::new().with("activation", Param::choice(["relu", "wobbly"])), |t| t), "wobbly"),
        (error_of(lr(), |t| t.max_trials(0)), "trials must be at least 1"),
        (error_of(lr(), |t| t.cv(1)), "cv must be at least 2"),
        (error_of(lr(), |t| t.cv(10_000)), "cannot be greater than the number of training rows"),
        (error_of(lr(), |t| t.objective("val_r2")), "val_accuracy"),
        (
            error_of(SearchSpace::new().with("units", Param::int(1, 2_000_000)), |t| t.sampler(SamplerKind::Grid)),
            "1,000,000",
        ),
        (error_of(lr(), |t| t.sampler(SamplerKind::Grid)), "step"),
    ];
    for (message, expected) in cases {
        assert!(message.contains(expected), "{message:?} should mention {expected:?}");
    }
    let parsed: std::result::Result<SearchSpace, _> =
        toml::from_str("[dropout]\ntype = \"float\"\nlow = 0.0\nhigh = 0.5\nlg = true\n");
    assert!(parsed.unwrap_err().to_string().contains("lg"), "unknown keys of a parameter are refused");
    let parsed: SearchSpace =
        toml::from_str("[batch_size]\ntype = \"choice\"\nvalues = [16, 32]\n[batch_norm]\ntype = \"bool\"\n").unwrap();
    assert_eq!(parsed.params["batch_size"], Param::Choice { values: vec![Value::Int(16), Value::Int(32)] });
}

#[test]
fn cross_validation_folds_are_scikit_learns_over_the_training_rows() {
    use kerust::preprocessing::{KFold, StratifiedKFold};
    for (dataset, target, k) in [("boston_housing", "MEDV", 5), ("wine", "target", 3), ("iris", "species", 4)] {
        let table = kerust::datasets::load(dataset).unwrap();
        let spec = TabularSpec { seed: Some(9), ..TabularSpec::default() };
        let train = kerust::tuning::training_rows(&table, target, &spec).unwrap();
        let folds = kerust::tuning::cv_folds(&table, target, &spec, k).unwrap();
        let expected = if dataset == "boston_housing" {
            KFold::new(k).split(train.len()).unwrap()
        } else {
            // The labels as they are (wine's 1/2/3, iris's class indices): any numbering of
            // the classes gives scikit-learn's folds for them.
            let (_, y) = table.features_target(target).unwrap();
            let of_train: Vec<usize> = train.iter().map(|&r| y[[r, 0]] as usize).collect();
            StratifiedKFold::new(k).split_classes(&of_train).unwrap()
        };
        assert_eq!(folds.len(), expected.len(), "{dataset}");
        for ((fit, val), (fit_p, val_p)) in folds.iter().zip(&expected) {
            assert_eq!(fit.len(), fit_p.len());
            assert_eq!(val, &val_p.iter().map(|&p| train[p]).collect::<Vec<_>>(), "{dataset}");
            assert_eq!(fit, &fit_p.iter().map(|&p| train[p]).collect::<Vec<_>>(), "{dataset}");
        }
        let mut all: Vec<usize> = folds.iter().flat_map(|(_, v)| v.clone()).collect();
        all.sort();
        let mut rows = train.clone();
        rows.sort();
        assert_eq!(all, rows, "{dataset}: the validation folds partition the training rows");
    }
}

#[test]
fn a_study_folder_is_never_overwritten_and_resumes_through_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("study");
    let table = kerust::datasets::load("iris").unwrap();
    let tuner = || Tuner::new(lr()).base(base(3)).sampler(SamplerKind::Random).seed(4).folder(&folder);
    let first = tuner().max_trials(2).search(&table, "species").unwrap();
    let journal = std::fs::read_to_string(folder.join("journal.jsonl")).unwrap();
    let err = tuner().max_trials(2).search(&table, "species").unwrap_err().to_string();
    assert!(err.contains("already holds a study"), "{err}");
    assert_eq!(std::fs::read_to_string(folder.join("journal.jsonl")).unwrap(), journal, "untouched");
    // Resuming with more trials keeps the two finished ones and adds two.
    let more = Tuner::resume(&folder).unwrap().max_trials(4).search(&table, "species").unwrap();
    assert_eq!(more.trials().len(), 4);
    assert_eq!(&more.trials()[..2], first.trials());
    let whole = Tuner::new(lr()).base(base(3)).sampler(SamplerKind::Random).seed(4).max_trials(4);
    let whole = whole.search(&table, "species").unwrap();
    let values = |s: &Study| s.trials().iter().map(|t| (t.params.clone(), t.value)).collect::<Vec<_>>();
    assert_eq!(values(&more), values(&whole));
    let err = Tuner::resume(&folder).unwrap().search(&table, "sepal_length").unwrap_err().to_string();
    assert!(err.contains("was tuned for target \"species\""), "{err}");
}
