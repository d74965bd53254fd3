//! Parquet input (feature `parquet`): the same table as the CSV of the same data, in memory
//! and streamed; what kerust does not read is a clear error.
#![cfg(feature = "parquet")]

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Date32Array, DictionaryArray, Float32Array, Float64Array, Int64Array, RecordBatch,
    StringArray, types::Int32Type,
};
use arrow_schema::{DataType, Field, Schema};
use kerust::prelude::*;
use kerust::tabular::{StreamOptions, TestSelection};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

const ROWS: usize = 1000;

/// The same data as a CSV (pandas' spelling: empty cells for nulls, True/False) and as a
/// Parquet file of several row groups, Snappy-compressed.
fn write_both(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let x: Vec<Option<f32>> = (0..ROWS).map(|i| (i % 37 != 3).then(|| (i as f32 * 0.37).sin() * 10.0)).collect();
    let n: Vec<i64> = (0..ROWS as i64).map(|i| i * 7 % 23 - 5).collect();
    let color: Vec<Option<&str>> =
        (0..ROWS).map(|i| (i % 41 != 0).then(|| ["red", "green", "blue, dark"][i % 3])).collect();
    let flag: Vec<bool> = (0..ROWS).map(|i| i % 4 == 0).collect();
    let size: Vec<&str> = (0..ROWS).map(|i| ["S", "M", "L"][i * 5 % 3]).collect();
    let y: Vec<f64> = (0..ROWS).map(|i| f64::from(x[i].unwrap_or(0.0) * 2.0 + n[i] as f32)).collect();
    let mut csv = String::from("x,n,color,flag,size,y\n");
    for i in 0..ROWS {
        let x = x[i].map(|v| v.to_string()).unwrap_or_default();
        let color =
            color[i].map(|c| if c.contains(',') { format!("\"{c}\"") } else { c.to_string() }).unwrap_or_default();
        let flag = if flag[i] { "True" } else { "False" };
        writeln!(csv, "{x},{},{color},{flag},{},{}", n[i], size[i], y[i] as f32).unwrap();
    }
    let csv_path = dir.join("data.csv");
    std::fs::write(&csv_path, csv).unwrap();
    let size: DictionaryArray<Int32Type> = size.into_iter().collect();
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("x", Arc::new(Float32Array::from(x))),
        ("n", Arc::new(Int64Array::from(n))),
        ("color", Arc::new(StringArray::from(color))),
        ("flag", Arc::new(BooleanArray::from(flag))),
        ("size", Arc::new(size)),
        ("y", Arc::new(Float64Array::from(y.iter().map(|&v| f64::from(v as f32)).collect::<Vec<_>>()))),
    ];
    let pq_path = dir.join("data.parquet");
    write_parquet(&pq_path, columns);
    (csv_path, pq_path)
}

fn write_parquet(path: &Path, columns: Vec<(&str, ArrayRef)>) {
    let fields: Vec<Field> = columns.iter().map(|(n, a)| Field::new(*n, a.data_type().clone(), true)).collect();
    let schema = Arc::new(Schema::new(fields));
    let batch = RecordBatch::try_new(schema.clone(), columns.into_iter().map(|(_, a)| a).collect()).unwrap();
    let props =
        WriterProperties::builder().set_max_row_group_row_count(Some(128)).set_compression(Compression::SNAPPY).build();
    let mut writer = ArrowWriter::try_new(std::fs::File::create(path).unwrap(), schema, Some(props)).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

fn same_table(a: &Table, b: &Table) {
    assert_eq!(a.columns(), b.columns());
    assert_eq!(a.shape(), b.shape());
    for name in a.columns() {
        assert_eq!(a.column_type(name).unwrap(), b.column_type(name).unwrap(), "{name}");
        assert_eq!(a.column_values(name).unwrap(), b.column_values(name).unwrap(), "{name}");
    }
    assert!((0..a.n_rows()).all(|r| a.line(r) == b.line(r)));
}

#[test]
fn a_parquet_file_is_the_table_of_the_csv_of_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, pq) = write_both(dir.path());
    let from_csv = Table::from_csv(&csv).unwrap();
    let from_parquet = Table::from_parquet(&pq).unwrap();
    same_table(&from_csv, &from_parquet);
    assert_eq!(from_parquet.categories("flag").unwrap(), ["False", "True"]);
    assert_eq!(from_parquet.missing_count("color").unwrap(), from_csv.missing_count("color").unwrap());
    assert!(from_parquet.missing_count("x").unwrap() > 0);
    assert_eq!(kerust::data::parquet_columns(&pq).unwrap(), from_csv.columns());
}

#[test]
fn a_streamed_parquet_file_trains_the_model_of_its_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (csv, pq) = write_both(dir.path());
    let spec = TabularSpec {
        epochs: 3,
        layers: vec![8],
        seed: Some(3),
        test_selection: TestSelection::Hash,
        ..Default::default()
    };
    let stream = StreamOptions { chunk_rows: 300, ..Default::default() };
    let mut a = spec.fit_stream(&csv, "y", &stream, Default::default()).unwrap();
    let mut b = spec.fit_stream(&pq, "y", &stream, Default::default()).unwrap();
    assert_eq!(a.model.network().get_weights(), b.model.network().get_weights());
    assert_eq!(a.test.rows, b.test.rows);
    // And in memory, the same rows and weights as the CSV read whole.
    let mut whole = spec.fit(&Table::from_parquet(&pq).unwrap(), "y").unwrap();
    let mut whole_csv = spec.fit(&Table::from_csv(&csv).unwrap(), "y").unwrap();
    assert_eq!(whole.model.network().get_weights(), whole_csv.model.network().get_weights());
}

#[test]
fn what_parquet_reading_cannot_take_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let dates = dir.path().join("dates.parquet");
    write_parquet(
        &dates,
        vec![("when", Arc::new(Date32Array::from(vec![1, 2]))), ("y", Arc::new(Float64Array::from(vec![1.0, 2.0])))],
    );
    let err = Table::from_parquet(&dates).unwrap_err().to_string();
    assert!(err.contains("\"when\"") && err.contains("Date32"), "{err}");
    let inf = dir.path().join("inf.parquet");
    write_parquet(&inf, vec![("a", Arc::new(Float64Array::from(vec![1.0, 2.0, f64::INFINITY])) as ArrayRef)]);
    let err = Table::from_parquet(&inf).unwrap_err().to_string();
    assert!(err.contains("line 4") && err.contains("not a finite number"), "{err}");
    let not = dir.path().join("not.parquet");
    std::fs::write(&not, "PAR1 but not really").unwrap();
    let err = Table::from_parquet(&not).unwrap_err().to_string();
    assert!(err.contains("not.parquet"), "{err}");
    assert_eq!(DataType::Date32.to_string(), "Date32");
}
