//! The six embedded datasets: shape, column types, target; carseats' dummy columns checked
//! by hand against `data/carseats.csv`.

use kerust::data::{ColumnType, EncodeOptions, SummaryStats, TargetEncoding, Value};
use kerust::datasets;

#[test]
fn every_dataset_loads_with_its_shape_types_and_target() {
    let expected = [
        ("boston_housing", (506, 14), "MEDV", 0),
        ("diabetes", (442, 11), "target", 0),
        ("iris", (150, 5), "species", 1),
        ("breast_cancer", (569, 31), "target", 0),
        ("wine", (178, 14), "target", 0),
        ("carseats", (400, 11), "Sales", 3),
    ];
    assert_eq!(datasets::all().len(), expected.len());
    for (info, (name, shape, target, n_categorical)) in datasets::all().iter().zip(expected) {
        assert_eq!((info.name, info.target), (name, target));
        let table = datasets::load(name).unwrap();
        assert_eq!(table.shape(), shape, "{name}");
        assert_eq!((info.rows, info.cols), shape, "{name}");
        assert_eq!(table.columns().last().map(String::as_str), Some(target), "{name}: target is last");
        let categorical =
            table.columns().iter().filter(|c| table.column_type(c).unwrap() == ColumnType::Categorical).count();
        assert_eq!(categorical, n_categorical, "{name}");
        let description = table.describe();
        assert!(description.columns.iter().all(|c| c.missing == 0 && c.count == shape.0), "{name}");
    }
    assert!(datasets::load("mnist").is_err());
}

#[test]
fn named_functions_match_the_list() {
    assert_eq!(datasets::boston_housing().shape(), (506, 14));
    assert_eq!(datasets::diabetes().shape(), (442, 11));
    assert_eq!(datasets::iris().shape(), (150, 5));
    assert_eq!(datasets::breast_cancer().shape(), (569, 31));
    assert_eq!(datasets::wine().shape(), (178, 14));
    assert_eq!(datasets::carseats().shape(), (400, 11));
}

#[test]
fn boston_features_target() {
    let table = datasets::boston_housing();
    let (x, y) = table.features_target("MEDV").unwrap();
    assert_eq!((x.dim(), y.dim()), ((506, 13), (506, 1)));
    // First data row: 0.00632,18,2.31,0,0.538,6.575,65.2,4.09,1,296,15.3,396.9,4.98,24
    assert_eq!(x.row(0).to_vec(), [0.00632, 18.0, 2.31, 0.0, 0.538, 6.575, 65.2, 4.09, 1.0, 296.0, 15.3, 396.9, 4.98]);
    assert_eq!(y[[0, 0]], 24.0);
    let (x2, y2) = table.into_features_target("MEDV").unwrap();
    assert_eq!((x, y), (x2, y2), "the in-place path gives the same arrays");
}

#[test]
fn carseats_dummies_follow_get_dummies() {
    let table = datasets::carseats();
    assert_eq!(table.categories("ShelveLoc").unwrap(), ["Bad", "Good", "Medium"]);
    let encoded = table.encode("Sales", &EncodeOptions::default()).unwrap();
    let names = [
        "CompPrice",
        "Income",
        "Advertising",
        "Population",
        "Price",
        "Age",
        "Education",
        "ShelveLoc_Bad",
        "ShelveLoc_Good",
        "ShelveLoc_Medium",
        "Urban_No",
        "Urban_Yes",
        "US_No",
        "US_Yes",
    ];
    assert_eq!(encoded.feature_names, names);
    assert_eq!(encoded.x.dim(), (400, 14));
    // Line 2: 138,73,11,276,120,Bad,42,17,Yes,Yes,9.5
    assert_eq!(
        encoded.x.row(0).to_vec(),
        [138.0, 73.0, 11.0, 276.0, 120.0, 42.0, 17.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0]
    );
    // Line 3: 111,48,16,260,83,Good,65,10,Yes,Yes,11.22
    assert_eq!(
        encoded.x.row(1).to_vec(),
        [111.0, 48.0, 16.0, 260.0, 83.0, 65.0, 10.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0]
    );
    // Line 4: 113,35,10,269,80,Medium,59,12,Yes,Yes,10.06
    assert_eq!(encoded.x.row(2).slice(ndarray::s![7..]).to_vec(), [0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
    assert_eq!(encoded.y.column(0).slice(ndarray::s![..3]).to_vec(), [9.5, 11.22, 10.06]);
    // Every row has exactly one 1 per categorical column; counts as in data/README.md (96/85/219).
    let shelve_counts: Vec<f32> = (7..10).map(|c| encoded.x.column(c).sum()).collect();
    assert_eq!(shelve_counts, [96.0, 85.0, 219.0]);

    let dropped = table.encode("Sales", &EncodeOptions::default().drop_first(true)).unwrap();
    assert_eq!(&dropped.feature_names[7..], ["ShelveLoc_Good", "ShelveLoc_Medium", "Urban_Yes", "US_Yes"]);
    assert_eq!(dropped.x.row(0).slice(ndarray::s![7..]).to_vec(), [0.0, 0.0, 1.0, 1.0]);
    // The fitted encoding reapplies to new data with the same columns.
    assert_eq!(encoded.encoding.transform(&table).unwrap(), encoded.x);
}

#[test]
fn class_targets_use_sorted_label_maps() {
    let iris = datasets::iris();
    let encoded = iris.encode("species", &EncodeOptions::default()).unwrap();
    let labels = encoded.labels.unwrap();
    assert_eq!(labels.classes(), ["setosa", "versicolor", "virginica"]);
    assert_eq!(encoded.y.dim(), (150, 1));
    assert_eq!((encoded.y[[0, 0]], encoded.y[[50, 0]], encoded.y[[149, 0]]), (0.0, 1.0, 2.0));
    let one_hot = iris.encode("species", &EncodeOptions::default().target(TargetEncoding::OneHot)).unwrap();
    assert_eq!(one_hot.y.dim(), (150, 3));
    assert_eq!(one_hot.y.row(149).to_vec(), [0.0, 0.0, 1.0]);
    assert!(iris.encode("species", &EncodeOptions::default().target(TargetEncoding::Values)).is_err());

    let wine = datasets::wine();
    assert_eq!(wine.label_map("target").unwrap().classes(), ["0", "1", "2"]);
    let encoded = wine.encode("target", &EncodeOptions::default().target(TargetEncoding::ClassIndices)).unwrap();
    let counts: Vec<usize> = (0..3).map(|k| encoded.y.iter().filter(|&&v| v == k as f32).count()).collect();
    assert_eq!(counts, [59, 71, 48]);
    // A numeric regression target is not a class target.
    assert!(datasets::carseats().label_map("Sales").is_err());
}

#[test]
fn describe_reports_types_and_statistics() {
    let d = datasets::carseats().describe();
    let shelve = d.columns.iter().find(|c| c.name == "ShelveLoc").unwrap();
    assert_eq!(shelve.column_type, ColumnType::Categorical);
    assert_eq!(
        shelve.stats,
        SummaryStats::Categorical { counts: vec![("Bad".into(), 96), ("Good".into(), 85), ("Medium".into(), 219)] }
    );
    let sales = d.columns.iter().find(|c| c.name == "Sales").unwrap();
    let SummaryStats::Numeric { min, max, .. } = sales.stats else { panic!("Sales is numeric") };
    assert_eq!((min, max), (0.0, f64::from(16.27f32)));
    let text = d.to_string();
    assert!(text.contains("ShelveLoc") && text.contains("Medium (219)"), "{text}");
    assert_eq!(datasets::iris().value(0, "species").unwrap(), Value::Text("setosa"));
}
