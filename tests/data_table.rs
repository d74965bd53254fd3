//! Table reading details and column operations: delimiters, number formats, select/drop,
//! missing-value policies, encodings.

use kerust::Error;
use kerust::data::{ColumnType, CsvOptions, EncodeOptions, Encoding, Fill, MissingPolicy, Table, Value};
use ndarray::array;

fn table(text: &str) -> Table {
    Table::from_reader(text.as_bytes()).unwrap()
}

#[test]
fn delimiters_are_detected_or_given() {
    for text in ["a,b\n1,2\n", "a;b\n1;2\n", "a\tb\n1\t2\n"] {
        let t = table(text);
        assert_eq!(t.columns(), ["a", "b"], "{text:?}");
        assert_eq!(t.value(0, "b").unwrap(), Value::Number(2.0));
    }
    // European style: `;` separates, `,` is inside the numbers (so they are text here).
    let t = table("name;price\nx;1,5\n");
    assert_eq!(t.columns(), ["name", "price"]);
    let t = Table::from_reader_with("a|b\n1|2\n".as_bytes(), &CsvOptions::default().delimiter(b'|')).unwrap();
    assert_eq!(t.shape(), (1, 2));
}

#[test]
fn numbers_parse_with_exponents_signs_and_spaces() {
    let t = table("v\n7.369943e-05\n-2.5\n+3\n  4.25  \n1E3\n.5\n-0\n");
    let values: Vec<Value> = t.column_values("v").unwrap();
    let expected = [7.369943e-05f32, -2.5, 3.0, 4.25, 1000.0, 0.5, -0.0];
    assert_eq!(t.column_type("v").unwrap(), ColumnType::Numeric);
    assert_eq!(values.len(), expected.len());
    for (v, e) in values.iter().zip(expected) {
        assert_eq!(*v, Value::Number(e));
    }
}

#[test]
fn header_names_are_trimmed_and_bom_stripped() {
    let t = table("\u{feff}a , b\n1,2\n");
    assert_eq!(t.columns(), ["a", "b"]);
    assert_eq!(t.line(0), Some(2));
}

#[test]
fn quoted_fields_and_categorical_declaration() {
    let t = Table::from_reader_with(
        "zip,city\n\"01234\",\"New York, NY\"\n02139,Boston\n".as_bytes(),
        &CsvOptions::default().column_type("zip", ColumnType::Categorical),
    )
    .unwrap();
    assert_eq!(t.value(0, "zip").unwrap(), Value::Text("01234"));
    assert_eq!(t.value(0, "city").unwrap(), Value::Text("New York, NY"));
}

#[test]
fn select_and_drop() {
    let t = table("a,b,c\n1,x,3\n4,y,6\n");
    let s = t.select(&["c", "b"]).unwrap();
    assert_eq!(s.columns(), ["c", "b"]);
    assert_eq!(s.value(1, "c").unwrap(), Value::Number(6.0));
    assert_eq!(s.value(1, "b").unwrap(), Value::Text("y"));
    let d = t.drop(&["b"]).unwrap();
    assert_eq!(d.columns(), ["a", "c"]);
    assert!(t.select(&["nope"]).is_err());
    assert!(t.drop(&["nope"]).is_err());
    assert!(t.value(2, "a").is_err());
}

#[test]
fn missing_value_policies() {
    let t = table("a,b,y\n1,u,10\n,v,20\n3,,30\n5,v,\n");
    // Default: error at the first missing cell (line 3, column a).
    let err = t.features_target("y").unwrap_err();
    assert!(matches!(&err, Error::MissingValue { line: 3, column, .. } if column == "a"), "{err}");

    let dropped = t.encode("y", &EncodeOptions::default().missing(MissingPolicy::DropRows)).unwrap();
    assert_eq!(dropped.x, array![[1.0f32, 1.0]]); // a, b_u (b_v absent from the kept rows)
    assert_eq!(dropped.feature_names, ["a", "b_u"]);

    // Fill never fills the target.
    let fill = EncodeOptions::default().missing(MissingPolicy::Fill(Fill::MostFrequent));
    let err = t.encode("y", &fill).unwrap_err();
    assert!(matches!(err, Error::MissingValue { line: 5, .. }), "{err}");

    let t = t.drop_missing_in(&["y"]).unwrap();
    assert_eq!(t.n_rows(), 3);
    let filled = t.encode("y", &fill).unwrap();
    assert_eq!(filled.feature_names, ["a", "b_u", "b_v"]);
    // a: most frequent of {1, 3} is 1 (smallest on a tie); b: u and v tie -> "u".
    assert_eq!(filled.x, array![[1.0f32, 1.0, 0.0], [1.0, 0.0, 1.0], [3.0, 1.0, 0.0]]);

    let mean = t.fill_missing_in(&["a"], &Fill::Mean).unwrap();
    assert_eq!(mean.value(1, "a").unwrap(), Value::Number(2.0));
    let median = table("a\n1\n\n2\n10\n").fill_missing(&Fill::Median).unwrap();
    assert_eq!(median.value(1, "a").unwrap(), Value::Number(2.0));
    let constant = t.fill_missing_in(&["a"], &Fill::Constant(-1.0)).unwrap();
    assert_eq!(constant.value(1, "a").unwrap(), Value::Number(-1.0));
    // Mean of a categorical column is an error that says what to use instead.
    let m = t.fill_missing(&Fill::Mean).unwrap_err().to_string();
    assert!(m.contains("MostFrequent"), "{m}");
    assert_eq!(table("a,b\n1,\n2,3\n").drop_missing().n_rows(), 1);
}

#[test]
fn into_features_target_equals_features_target() {
    let t = table("a,y,b,c\n1,2,3,4\n5,6,7,8\n9,10,11,12\n");
    let (x, y) = t.features_target("y").unwrap();
    assert_eq!(x, array![[1.0f32, 3.0, 4.0], [5.0, 7.0, 8.0], [9.0, 11.0, 12.0]]);
    assert_eq!(y, array![[2.0f32], [6.0], [10.0]]);
    assert_eq!(t.clone().into_features_target("y").unwrap(), (x, y));
    // With a categorical column it falls back to the copying path.
    let t = table("a,s,y\n1,p,2\n3,q,4\n");
    assert_eq!(t.clone().into_features_target("y").unwrap(), t.features_target("y").unwrap());
}

#[test]
fn encoding_reapplies_to_new_data() {
    let train = table("color,size,y\nred,1,0\nblue,2,1\n");
    let encoded = train.encode("y", &EncodeOptions::default()).unwrap();
    let json = serde_json::to_string(&encoded.encoding).unwrap();
    let encoding: Encoding = serde_json::from_str(&json).unwrap();
    assert_eq!(encoding.feature_names(), ["size", "color_blue", "color_red"]);
    let new = table("size,color\n5,red\n");
    assert_eq!(encoding.transform(&new).unwrap(), array![[5.0f32, 0.0, 1.0]]);
    let unknown = table("size,color\n5,green\n");
    let m = encoding.transform(&unknown).unwrap_err().to_string();
    assert!(m.contains("line 2") && m.contains("\"green\"") && m.contains("blue, red"), "{m}");
}

#[test]
fn integer_class_targets_sort_numerically() {
    let t = table("x,y\n1,10\n2,2\n3,-1\n4,2\n");
    let labels = t.label_map("y").unwrap();
    assert_eq!(labels.classes(), ["-1", "2", "10"]);
    let e = t.encode("y", &EncodeOptions::default().target(kerust::data::TargetEncoding::ClassIndices)).unwrap();
    assert_eq!(e.y, array![[2.0f32], [1.0], [0.0], [1.0]]);
    assert!(table("x,y\n1,0.5\n").label_map("y").is_err());
}
