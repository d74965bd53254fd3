//! ONNX export (issue 16): the exported graphs, run by a pure-Rust runtime (tract), give
//! `kerust predict`'s answers on raw rows, and the network-only graphs `Sequential::predict`'s.

use assert_cmd::Command;
use kerust::data::{Unseen, Value as Cell};
use kerust::prelude::*;
use ndarray::Array2;
use tract_onnx::prelude::*;

/// `|got - want| <= 1e-5·|want| + 1e-6`, the issue's bound.
fn assert_close(got: &Array2<f32>, want: &Array2<f32>, what: &str) {
    assert_eq!(got.dim(), want.dim(), "{what}: shapes");
    for ((i, j), &w) in want.indexed_iter() {
        let g = got[[i, j]];
        assert!((g - w).abs() <= 1e-5 * w.abs() + 1e-6, "{what}: row {i} col {j}: onnx {g} vs kerust {w}");
    }
}

fn dataset_csv(name: &str) -> &'static str {
    datasets::all().iter().find(|d| d.name == name).unwrap().csv()
}

/// The rows `rows` (0-based) of a CSV text, header kept, as a table.
fn rows_table(csv: &str, rows: &[usize]) -> Table {
    let lines: Vec<&str> = csv.lines().collect();
    let mut text = format!("{}\n", lines[0]);
    for &r in rows {
        text.push_str(lines[r + 1]);
        text.push('\n');
    }
    Table::from_reader(text.as_bytes()).unwrap()
}

/// Trains `spec` on the named embedded dataset; returns the model and its raw test rows.
fn trained(name: &str, target: &str, spec: TabularSpec) -> (TabularModel, Table) {
    let table = datasets::load(name).unwrap();
    let run = spec.fit(&table, target).unwrap();
    let test = rows_table(dataset_csv(name), &run.test.rows);
    (run.model, test)
}

fn spec(epochs: usize) -> TabularSpec {
    TabularSpec { epochs, layers: vec![16, 8], learning_rate: 0.01, seed: Some(3), ..TabularSpec::default() }
}

/// A loaded graph, its input names in order, and the runnable plan.
fn load(bytes: &[u8]) -> (Vec<String>, Arc<TypedRunnableModel>) {
    let model = tract_onnx::onnx().model_for_read(&mut &bytes[..]).unwrap();
    let names = model.input_outlets().unwrap().iter().map(|o| model.node(o.node).name.clone()).collect();
    (names, model.into_optimized().unwrap().into_runnable().unwrap())
}

/// Runs the raw-columns graph on `table`: each input fed by the column of its name.
fn run_raw(bytes: &[u8], table: &Table) -> (Array2<f32>, Option<Vec<String>>) {
    let (names, plan) = load(bytes);
    let n = table.n_rows();
    let inputs: TVec<TValue> = names
        .iter()
        .map(|name| {
            let values = table.column_values(name).unwrap();
            let is_text = table.column_type(name).unwrap() == kerust::data::ColumnType::Categorical;
            let tensor: Tensor = if is_text {
                let cells: Vec<String> = values
                    .iter()
                    .map(|v| match v {
                        Cell::Text(t) => t.to_string(),
                        Cell::Number(x) => x.to_string(),
                        Cell::Missing => String::new(),
                    })
                    .collect();
                tract_ndarray::Array2::from_shape_vec((n, 1), cells).unwrap().into_tensor()
            } else {
                let cells: Vec<f32> = values
                    .iter()
                    .map(|v| match v {
                        Cell::Number(x) => *x,
                        Cell::Missing => f32::NAN,
                        Cell::Text(t) => panic!("text {t:?} in numeric column {name}"),
                    })
                    .collect();
                tract_ndarray::Array2::from_shape_vec((n, 1), cells).unwrap().into_tensor()
            };
            tensor.into()
        })
        .collect();
    let outputs = plan.run(inputs).unwrap();
    let values = to_array(&outputs[0]);
    let labels = outputs.get(1).map(|l| l.to_plain_array_view::<String>().unwrap().iter().cloned().collect());
    (values, labels)
}

fn to_array(t: &TValue) -> Array2<f32> {
    let view = t.to_plain_array_view::<f32>().unwrap();
    let (rows, cols) = (view.shape()[0], view.shape()[1]);
    Array2::from_shape_vec((rows, cols), view.iter().copied().collect()).unwrap()
}

/// Acceptance 1 and 3 for one model: the raw graph equals `predict` on the raw test rows
/// (labels identical), the network-only graph equals `Sequential::predict`.
fn check(model: TabularModel, test: &Table, what: &str) {
    let want = model.predict(test).unwrap();
    let (values, labels) = run_raw(&model.to_onnx_bytes().unwrap(), test);
    assert_close(&values, want.values(), what);
    assert_eq!(labels.as_deref(), want.labels(), "{what}: labels");

    let (x, _) = model.preprocessor().transform(test, Unseen::AllZeros).unwrap();
    let mut network = model.into_network();
    let bytes = network.to_onnx_bytes().unwrap();
    let want = network.predict(&x).unwrap();
    let (names, plan) = load(&bytes);
    assert_eq!(names, ["input"]);
    let outputs = plan
        .run(tvec![
            tract_ndarray::Array2::from_shape_vec(x.dim(), x.iter().copied().collect()).unwrap().into_tensor().into()
        ])
        .unwrap();
    assert_close(&to_array(&outputs[0]), &want, &format!("{what} (network only)"));
}

#[test]
fn boston_regression_equals_predict() {
    let (model, test) = trained("boston_housing", "MEDV", spec(20));
    check(model, &test, "boston");
}

#[test]
fn iris_three_classes_equal_predict() {
    let (model, test) = trained("iris", "species", spec(20));
    check(model, &test, "iris");
}

#[test]
fn breast_cancer_binary_equals_predict() {
    let (mut model, test) = trained("breast_cancer", "target", spec(10));
    assert_eq!(model.network().output_dim(), 1, "a single sigmoid unit: probabilities [1 - p, p]");
    check(model, &test, "breast_cancer");
}

#[test]
fn carseats_categorical_columns_equal_predict() {
    let (model, test) = trained("carseats", "Sales", spec(20));
    check(model, &test, "carseats");
}

#[test]
fn standard_scaler_and_drop_first_equal_predict() {
    let spec = TabularSpec { scaler: "standard".parse().unwrap(), ..spec(10) };
    let (model, test) = trained("carseats", "Sales", spec);
    check(model, &test, "carseats, standard scaler");
}

#[test]
fn every_activation_and_batch_norm_equal_predict() {
    let (mut model, test) = trained("boston_housing", "MEDV", spec(1));
    let table = datasets::boston_housing();
    let (x, _) = model.preprocessor().transform(&table, Unseen::Error).unwrap();
    let y = model.preprocessor().targets(&table).unwrap();
    let mut network = Sequential::new().seed(5);
    network.add(Dense::new(12).input_dim(13).activation(Activation::Relu));
    network.add(BatchNormalization::new());
    network.add(Dropout::new(0.2));
    for a in Activation::ALL {
        network.add(Dense::new(6).activation(a));
    }
    network.add(ActivationLayer::new(Activation::Gelu));
    network.add(BatchNormalization::new());
    network.add(Dense::new(1));
    network.compile(Adam::new(0.01), Loss::MeanSquaredError, &[]).unwrap();
    network.fit(&x, &y, FitConfig { epochs: 3, verbose: 0, ..Default::default() }).unwrap();
    *model.network() = network;
    check(model, &test, "every activation + BatchNormalization");
}

/// Acceptance 2: a category not seen in training and the columns in another order.
#[test]
fn unseen_category_and_column_order_equal_predict() {
    let (model, _) = trained("carseats", "Sales", spec(20));
    let csv = dataset_csv("carseats");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let shelve = header.iter().position(|h| *h == "ShelveLoc").unwrap();
    let order: Vec<usize> = (0..header.len()).rev().collect();
    let mut text = order.iter().map(|&c| header[c]).collect::<Vec<_>>().join(",") + "\n";
    for (i, line) in csv.lines().skip(1).take(40).enumerate() {
        let mut cells: Vec<&str> = line.split(',').collect();
        if i % 3 == 0 {
            cells[shelve] = "Excellent"; // never seen in training
        }
        text += &(order.iter().map(|&c| cells[c]).collect::<Vec<_>>().join(",") + "\n");
    }
    let table = Table::from_reader(text.as_bytes()).unwrap();
    let want = model.predict(&table).unwrap();
    assert!(want.warnings().iter().any(|w| w.contains("Excellent")), "{:?}", want.warnings());
    let (values, _) = run_raw(&model.to_onnx_bytes().unwrap(), &table);
    assert_close(&values, want.values(), "unseen category, reversed columns");
}

/// Missing values: the stored fills (numeric and categorical) and the 0/1 indicators.
#[test]
fn missing_values_are_filled_as_predict_fills_them() {
    let csv = dataset_csv("carseats");
    let header = csv.lines().next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    let (price, urban) =
        (columns.iter().position(|h| *h == "Price").unwrap(), columns.iter().position(|h| *h == "Urban").unwrap());
    let mut text = format!("{header}\n");
    for (i, line) in csv.lines().skip(1).enumerate() {
        let mut cells: Vec<&str> = line.split(',').collect();
        if i % 7 == 0 {
            cells[price] = "";
        }
        if i % 11 == 0 {
            cells[urban] = "NA";
        }
        text += &(cells.join(",") + "\n");
    }
    let table = Table::from_reader(text.as_bytes()).unwrap();
    let spec = TabularSpec { missing_indicator: true, ..spec(10) };
    let model = spec.fit(&table, "Sales").unwrap().model;
    assert!(!model.preprocessor().encoding.indicators.is_empty());
    let rows = rows_table(&text, &(0..60).collect::<Vec<_>>());
    let want = model.predict(&rows).unwrap();
    let (values, _) = run_raw(&model.to_onnx_bytes().unwrap(), &rows);
    assert_close(&values, want.values(), "gaps filled");
}

/// A model with something ONNX cannot express: an error naming it.
#[test]
fn a_layer_defined_outside_kerust_is_a_clear_error() {
    use kerust::layers::{Layer, LayerBase};
    use ndarray::ArrayView2;
    #[derive(Debug, Default)]
    struct Double {
        base: LayerBase,
        out: Array2<f32>,
    }
    impl Layer for Double {
        fn base(&self) -> &LayerBase {
            &self.base
        }
        fn base_mut(&mut self) -> &mut LayerBase {
            &mut self.base
        }
        fn class_name(&self) -> &'static str {
            "Double"
        }
        fn forward(&mut self, x: ArrayView2<f32>, _training: bool) -> ArrayView2<'_, f32> {
            self.out = &x * 2.0;
            self.out.view()
        }
        fn backward(&mut self, dout: ArrayView2<f32>) -> ArrayView2<'_, f32> {
            self.out = &dout * 2.0;
            self.out.view()
        }
    }
    let mut network = Sequential::new().seed(0);
    network.add(Dense::new(4).input_dim(3));
    network.add(Double::default());
    let err = network.to_onnx_bytes().unwrap_err();
    assert!(matches!(err, Error::Export { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.contains("cannot export layer \"double\" (Double) to ONNX"), "{message}");
}

#[test]
fn a_column_named_like_an_output_is_a_clear_error() {
    let text = "label,y\n1,2.5\n2,4.5\n3,6.5\n4,8.5\n5,10.5\n6,12.5\n7,14.5\n8,16.5\n9,18.5\n10,20.5\n";
    let table = Table::from_reader(text.as_bytes()).unwrap();
    let model = spec(1).fit(&table, "y").unwrap().model;
    let message = model.to_onnx_bytes().unwrap_err().to_string();
    assert!(message.contains("column \"label\""), "{message}");
}

/// `kerust export`: the file written equals what the library writes; usage errors exit 2.
#[test]
fn cli_export_writes_the_graph() {
    let dir = tempfile::tempdir().unwrap();
    let (model, test) = trained("iris", "species", spec(5));
    let path = dir.path().join("model.kerust");
    model.save(&path).unwrap();
    let onnx = dir.path().join("model.onnx");
    Command::cargo_bin("kerust")
        .unwrap()
        .args(["export", "--model"])
        .arg(&path)
        .arg("--onnx")
        .arg(&onnx)
        .assert()
        .success();
    let bytes = std::fs::read(&onnx).unwrap();
    assert_eq!(bytes, model.to_onnx_bytes().unwrap());
    let (_, labels) = run_raw(&bytes, &test);
    assert_eq!(labels.as_deref(), model.predict(&test).unwrap().labels());

    let out = Command::cargo_bin("kerust").unwrap().args(["export", "--model"]).arg(&path).assert().code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("--onnx"));
    let missing = dir.path().join("nope.kerust");
    let out = Command::cargo_bin("kerust")
        .unwrap()
        .args(["export", "--model"])
        .arg(&missing)
        .arg("--onnx")
        .arg(&onnx)
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{stderr}");
}

/// The file's structure: opset 17 (+ ai.onnx.ml), input names and types as the columns,
/// leaky_relu's alpha set explicitly, metadata_props.
#[test]
fn structure_opset_inputs_and_metadata() {
    use prost::Message;
    use tract_onnx::pb;
    let (model, _) = trained("carseats", "Sales", spec(2));
    let file = pb::ModelProto::decode(&model.to_onnx_bytes().unwrap()[..]).unwrap();
    let opsets: Vec<(String, i64)> = file.opset_import.iter().map(|o| (o.domain.clone(), o.version)).collect();
    assert_eq!(opsets, [(String::new(), 17), ("ai.onnx.ml".to_string(), 3)]);
    let meta: std::collections::BTreeMap<&str, &str> =
        file.metadata_props.iter().map(|p| (p.key.as_str(), p.value.as_str())).collect();
    assert_eq!(meta["target"], "Sales");
    assert_eq!(meta["task"], "regression");
    assert_eq!(meta["kerust_version"], env!("CARGO_PKG_VERSION"));
    assert!(meta["columns"].contains(r#"{"name":"ShelveLoc","type":"string"}"#), "{}", meta["columns"]);
    let graph = file.graph.unwrap();
    let inputs: Vec<(&str, i32)> = graph
        .input
        .iter()
        .map(|i| match &i.r#type.as_ref().unwrap().value {
            Some(pb::type_proto::Value::TensorType(t)) => (i.name.as_str(), t.elem_type),
            _ => panic!("not a tensor"),
        })
        .collect();
    assert_eq!(inputs.len(), 10);
    assert!(inputs.contains(&("Price", 1)) && inputs.contains(&("ShelveLoc", 8)), "{inputs:?}");
    assert_eq!(graph.output.iter().map(|o| o.name.as_str()).collect::<Vec<_>>(), ["prediction"]);
    let ops: Vec<&str> = graph.node.iter().map(|n| n.op_type.as_str()).collect();
    assert!(ops.contains(&"CategoryMapper") && ops.contains(&"Gemm"), "{ops:?}");
    assert!(!ops.contains(&"Dropout"));

    let mut network = Sequential::new().seed(0);
    network.add(Dense::new(4).input_dim(3).activation(Activation::LeakyRelu));
    let file = pb::ModelProto::decode(&network.to_onnx_bytes().unwrap()[..]).unwrap();
    let leaky = file.graph.unwrap().node.into_iter().find(|n| n.op_type == "LeakyRelu").unwrap();
    assert_eq!((leaky.attribute[0].name.as_str(), leaky.attribute[0].f), ("alpha", 0.2));
}
