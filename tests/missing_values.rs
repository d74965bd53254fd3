//! Missing values end to end: a CSV with gaps trains under the default policy, the model
//! fills gaps when it predicts exactly as in training, `--missing error` and `drop` behave,
//! and blanking 10% of the cells costs little accuracy.

use std::path::Path;

use assert_cmd::Command;
use kerust::data::Table;
use kerust::prelude::*;
use kerust::tabular::{MISSING_CATEGORY, Missing};
use ndarray::Axis;
use rand::{Rng, SeedableRng};

/// The embedded dataset's CSV with a `share` of its feature cells (not `target`) emptied.
fn blanked(name: &str, target: &str, share: f64, seed: u64) -> String {
    let info = kerust::datasets::all().iter().find(|d| d.name == name).unwrap();
    let mut reader = csv::Reader::from_reader(info.csv().as_bytes());
    let header = reader.headers().unwrap().clone();
    let t = header.iter().position(|h| h == target).unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let row: Vec<String> = record
            .unwrap()
            .iter()
            .enumerate()
            .map(|(c, v)| if c != t && rng.gen_bool(share) { String::new() } else { v.to_string() })
            .collect();
        writer.write_record(&row).unwrap();
    }
    String::from_utf8(writer.into_inner().unwrap()).unwrap()
}

fn table(csv: &str) -> Table {
    Table::from_reader(csv.as_bytes()).unwrap()
}

fn bits(a: &ndarray::Array2<f32>) -> Vec<u32> {
    a.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn a_model_fills_gaps_when_it_predicts_as_it_did_in_training() {
    let data = table(&blanked("carseats", "Sales", 0.1, 1));
    let spec = TabularSpec { epochs: 15, seed: Some(2), missing_indicator: true, ..TabularSpec::default() };
    let run = spec.fit(&data, "Sales").unwrap();
    let encoding = &run.model.preprocessor().encoding;
    assert!(!encoding.indicators.is_empty());
    let shelve = encoding.features.iter().find(|f| f.name == "ShelveLoc").unwrap();
    assert_eq!(shelve.fill, Some(kerust::data::FillValue::Category(MISSING_CATEGORY.into())));
    assert!(run.missing.iter().any(|m| m.column == "Income" && m.action.contains("mean")), "{:?}", run.missing);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.kerust");
    run.model.save(&path).unwrap();
    let loaded = TabularModel::load(&path).unwrap();
    let in_memory = run.model.predict(&data).unwrap();
    let from_file = loaded.predict(&data).unwrap();
    assert_eq!(bits(in_memory.values()), bits(from_file.values()));
    let test = from_file.values().select(Axis(0), &run.test.rows);
    assert_eq!(bits(&test), bits(run.test.predictions.values()), "the test rows, gaps filled as in training");

    // A gap where training had none: the fitted statistic of the training rows fills it.
    let complete = table(kerust::datasets::all().iter().find(|d| d.name == "carseats").unwrap().csv());
    let full = TabularSpec { epochs: 3, seed: Some(4), ..TabularSpec::default() }.fit(&complete, "Sales").unwrap();
    let price = full.model.preprocessor().encoding.features.iter().find(|f| f.name == "Price").unwrap();
    let Some(kerust::data::FillValue::Number(mean)) = price.fill else { panic!("{price:?}") };
    let train: Vec<usize> = (0..complete.n_rows()).filter(|r| !full.test.rows.contains(r)).collect();
    let prices = complete.column_values("Price").unwrap();
    let expected = train
        .iter()
        .map(|&r| f64::from(if let kerust::data::Value::Number(v) = prices[r] { v } else { 0.0 }))
        .sum::<f64>()
        / train.len() as f64;
    assert_eq!(mean, expected as f32, "the mean of the training rows only");
    let header = "CompPrice,Income,Advertising,Population,Price,ShelveLoc,Age,Education,Urban,US";
    let gap = table(&format!("{header}\n138,73,11,276,,Bad,42,17,Yes,Yes\n"));
    let filled = table(&format!("{header}\n138,73,11,276,{mean},Bad,42,17,Yes,Yes\n"));
    let a = full.model.predict(&gap).unwrap();
    assert_eq!(bits(a.values()), bits(full.model.predict(&filled).unwrap().values()));
}

#[test]
fn policies_error_and_drop() {
    let text = blanked("iris", "species", 0.05, 3);
    let data = table(&text);
    let err = TabularSpec { missing: Missing::Error, ..TabularSpec::default() }.fit(&data, "species").unwrap_err();
    assert!(err.to_string().contains("--missing"), "{err}");
    let spec = TabularSpec { missing: Missing::Drop, epochs: 2, seed: Some(1), ..TabularSpec::default() };
    let run = spec.fit(&data, "species").unwrap();
    let complete_rows = (0..data.n_rows())
        .filter(|&r| data.columns().iter().all(|c| !matches!(data.value(r, c).unwrap(), kerust::data::Value::Missing)))
        .count();
    assert_eq!(run.train_rows + run.test.rows.len(), complete_rows);
    assert!(run.warnings.iter().any(|w| w.contains("dropped")), "{:?}", run.warnings);
    // A dropped row's position is not among the test rows; test positions are the given table's.
    assert!(
        run.test.rows.iter().all(|&r| data
            .columns()
            .iter()
            .all(|c| !matches!(data.value(r, c).unwrap(), kerust::data::Value::Missing)))
    );
    // A model that learned no fills refuses a gap, naming the way out.
    let err = run.model.predict(&data).unwrap_err().to_string();
    assert!(err.contains("--missing impute"), "{err}");
}

#[test]
fn a_missing_target_drops_the_row_with_a_warning() {
    let info = kerust::datasets::all().iter().find(|d| d.name == "diabetes").unwrap();
    let mut lines: Vec<String> = info.csv().lines().map(str::to_string).collect();
    for i in [5, 50, 400] {
        let mut cells: Vec<&str> = lines[i].split(',').collect();
        *cells.last_mut().unwrap() = "";
        lines[i] = cells.join(",");
    }
    let data = table(&(lines.join("\n") + "\n"));
    let run = TabularSpec { epochs: 1, seed: Some(1), ..TabularSpec::default() }.fit(&data, "target").unwrap();
    assert!(run.warnings.iter().any(|w| w.starts_with("3 row(s) with a missing target")), "{:?}", run.warnings);
    assert_eq!(run.train_rows + run.test.rows.len(), data.n_rows() - 3);
}

/// Test-split score of the default workflow on the complete and on the blanked data.
fn scores(name: &str, target: &str, metric: &str, seed: u64) -> (f64, f64) {
    let info = kerust::datasets::all().iter().find(|d| d.name == name).unwrap();
    let spec = TabularSpec { seed: Some(seed), ..TabularSpec::default() };
    let complete = spec.fit(&table(info.csv()), target).unwrap();
    let gappy = spec.fit(&table(&blanked(name, target, 0.1, seed)), target).unwrap();
    assert_eq!(complete.test.rows, gappy.test.rows, "same rows held out");
    (complete.test.metrics[metric], gappy.test.metrics[metric])
}

#[test]
fn ten_percent_gaps_cost_little() {
    let (full, gappy) = scores("breast_cancer", "target", "accuracy", 7);
    eprintln!("breast_cancer accuracy: complete {full}, 10% gaps {gappy}");
    assert!(full - gappy <= 0.03, "accuracy {full} complete, {gappy} with 10% gaps");
    let (full, gappy) = scores("boston_housing", "MEDV", "r2", 7);
    eprintln!("boston R²: complete {full}, 10% gaps {gappy}");
    assert!(full - gappy <= 0.05, "R² {full} complete, {gappy} with 10% gaps");
}

#[test]
fn the_command_line_trains_on_gaps_and_names_its_flags() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("miss.csv");
    std::fs::write(&csv, blanked("carseats", "Sales", 0.1, 5)).unwrap();
    let out = dir.path().join("run");
    Command::cargo_bin("kerust")
        .unwrap()
        .args([
            "train",
            csv.to_str().unwrap(),
            "--target",
            "Sales",
            "--seed",
            "1",
            "--epochs",
            "3",
            "--quiet",
            "--impute",
            "median",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let report = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        report.contains("<h2>Data</h2>") && report.contains("median") && report.contains("missing_value"),
        "data section"
    );
    let settings = std::fs::read_to_string(out.join("settings.toml")).unwrap();
    assert!(settings.contains("missing = \"impute\"") && settings.contains("impute = \"median\""), "{settings}");
    let predicted = Command::cargo_bin("kerust")
        .unwrap()
        .args(["predict", "--model"])
        .arg(out.join("model.kerust"))
        .arg(&csv)
        .assert()
        .success();
    assert_eq!(String::from_utf8_lossy(&predicted.get_output().stdout).lines().count(), 401);

    let err = Command::cargo_bin("kerust")
        .unwrap()
        .args(["train", csv.to_str().unwrap(), "--target", "Sales", "--missing", "error", "--out"])
        .arg(dir.path().join("no"))
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&err.get_output().stderr).to_string();
    assert!(stderr.starts_with("error:") && stderr.contains("--missing") && stderr.contains("line"), "{stderr}");
    assert!(!Path::new(&dir.path().join("no")).exists());
    let bad = Command::cargo_bin("kerust").unwrap().args(["train", "--impute", "avg"]).assert().code(2);
    assert!(String::from_utf8_lossy(&bad.get_output().stderr).contains("most_frequent"));
}

#[test]
fn per_column_strategies_from_a_settings_file() {
    let text = "epochs = 2\nseed = 3\nimpute = \"constant\"\nfill_value = -1\n\n[impute_columns]\nIncome = \"median\"\nShelveLoc = \"most_frequent\"\n";
    let spec: TabularSpec = toml::from_str(text).unwrap();
    assert_eq!(toml::from_str::<TabularSpec>(&toml::to_string(&spec).unwrap()).unwrap(), spec);
    let data = table(&blanked("carseats", "Sales", 0.1, 9));
    let run = spec.fit(&data, "Sales").unwrap();
    let fill =
        |name: &str| run.model.preprocessor().encoding.features.iter().find(|f| f.name == name).unwrap().fill.clone();
    let train: Vec<usize> = (0..data.n_rows()).filter(|r| !run.test.rows.contains(r)).collect();
    let column = data.column_values("Income").unwrap();
    let mut incomes: Vec<f64> = train
        .iter()
        .filter_map(|&r| if let kerust::data::Value::Number(v) = column[r] { Some(f64::from(v)) } else { None })
        .collect();
    incomes.sort_by(f64::total_cmp);
    let n = incomes.len();
    let median = if n % 2 == 1 { incomes[n / 2] } else { (incomes[n / 2 - 1] + incomes[n / 2]) / 2.0 };
    assert_eq!(fill("Income"), Some(kerust::data::FillValue::Number(median as f32)));
    assert_eq!(fill("Price"), Some(kerust::data::FillValue::Number(-1.0)), "the constant elsewhere");
    let Some(kerust::data::FillValue::Category(top)) = fill("ShelveLoc") else { panic!() };
    assert_eq!(top, "Medium", "carseats' most frequent shelf location");
    // Mean cannot fill a categorical column; an unknown column is named.
    let bad = TabularSpec { impute_columns: [("Urban".into(), "mean".parse().unwrap())].into(), ..spec.clone() };
    assert!(bad.fit(&data, "Sales").unwrap_err().to_string().contains("Urban"));
    let bad = TabularSpec { impute_columns: [("Nope".into(), "median".parse().unwrap())].into(), ..spec };
    assert!(bad.fit(&data, "Sales").unwrap_err().to_string().contains("Nope"));
}
