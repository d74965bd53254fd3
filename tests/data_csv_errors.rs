//! Bad CSV input gives a clear `Error` naming file, line and column, never a panic.

use std::io::Write;

use kerust::Error;
use kerust::data::{ColumnType, CsvOptions, Table};
use proptest::prelude::*;

/// Writes `bytes` to a temporary `bad.csv` and reads it; returns the error message.
fn read_error(bytes: &[u8], options: &CsvOptions) -> (Error, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::File::create(&path).unwrap().write_all(bytes).unwrap();
    let err = Table::from_csv_with(&path, options).expect_err("the file is invalid");
    let message = err.to_string();
    assert!(message.contains("bad.csv"), "names the file: {message}");
    (err, message)
}

fn default_error(bytes: &[u8]) -> String {
    read_error(bytes, &CsvOptions::default()).1
}

/// Reading `bytes` fails with a message that holds every one of `parts`.
fn assert_error_mentions(bytes: &[u8], parts: &[&str]) {
    let m = default_error(bytes);
    assert!(parts.iter().all(|p| m.contains(p)), "{parts:?} in {m}");
}

#[test]
fn ragged_row_names_line_and_column() {
    assert_error_mentions(b"a,b,c\n1,2,3\n4,5\n", &["line 3", "\"c\"", "2 fields but the header has 3"]);
    assert_error_mentions(b"a,b\n1,2\n3,4,5\n", &["line 3", "3 fields"]);
    // A quoted field spanning two lines: the next record starts on line 4.
    assert_error_mentions(b"a,b\n\"x\ny\",1\n2,3,4\n", &["line 4"]);
    // Windows line endings and blank lines: still the editor's line number.
    assert_error_mentions(b"a,b\r\n\r\n1,2\r\n\n3\r\n", &["line 5"]);
}

#[test]
fn empty_and_header_only_files() {
    assert!(default_error(b"").contains("empty"));
    assert!(default_error(b"\n\n").contains("empty"));
    assert_error_mentions(b"a,b,c\n", &["line 1", "no data rows"]);
}

#[test]
fn bad_header_names_and_bytes_name_the_line_and_column() {
    let cases: [(&[u8], &[&str]); 4] = [
        (b"a,b,a\n1,2,3\n", &["line 1", "column \"a\"", "duplicate"]),
        (b",a,b\n0,1,2\n", &["line 1", "#1", "empty name"]),
        (b"a,b\n1,caf\xe9\n", &["line 2", "column \"b\"", "UTF-8"]),
        (b"a,\xff\n1,2\n", &["line 1", "#2", "UTF-8"]),
    ];
    for (bytes, parts) in cases {
        assert_error_mentions(bytes, parts);
    }
}

#[test]
fn unknown_target_lists_the_columns() {
    let table = Table::from_reader("price,size\n1,2\n".as_bytes()).unwrap();
    let err = table.features_target("MEDV").unwrap_err();
    assert!(matches!(err, Error::UnknownColumn { .. }));
    let m = err.to_string();
    assert!(m.contains("\"MEDV\"") && m.contains("available columns: price, size"), "{m}");
}

#[test]
fn stray_string_in_a_declared_numeric_column_is_reported() {
    let bytes = b"a,b\n1,2\n3,4\n5,oops\n";
    let options = CsvOptions::default().column_type("b", ColumnType::Numeric);
    let m = read_error(bytes, &options).1;
    assert!(m.contains("line 4") && m.contains("column \"b\"") && m.contains("\"oops\" is not a number"), "{m}");
    // Without the declaration the column is inferred categorical (and describe() shows it).
    let table = Table::from_reader(&bytes[..]).unwrap();
    assert_eq!(table.column_type("b").unwrap(), ColumnType::Categorical);
    assert_eq!(table.categories("b").unwrap(), ["2", "4", "oops"]);
}

#[test]
fn late_stray_string_switches_type_losslessly() {
    // Beyond the rows used for inference: the reader re-reads with the settled types.
    let mut csv = String::from("id,code\n");
    for i in 0..1500 {
        csv.push_str(&format!("{i},{}\n", if i == 1400 { "X1".to_string() } else { format!("{}.0", i % 3) }));
    }
    let table = Table::from_reader(csv.as_bytes()).unwrap();
    assert_eq!(table.column_type("code").unwrap(), ColumnType::Categorical);
    assert_eq!(table.categories("code").unwrap(), ["0.0", "1.0", "2.0", "X1"]);
    assert_eq!(table.column_type("id").unwrap(), ColumnType::Numeric);
    assert_eq!(table.n_rows(), 1500);
}

#[test]
fn nan_and_infinity_after_parsing() {
    for bad in ["inf", "-Infinity", "1e39", "-nan"] {
        let m = default_error(format!("a,b\n1,2\n3,{bad}\n").as_bytes());
        assert!(m.contains("line 3") && m.contains("column \"b\"") && m.contains("not a finite"), "{bad}: {m}");
    }
}

#[test]
fn missing_values_are_recorded_and_reported() {
    let table = Table::from_reader("a,b,y\n1,,3\n2,NA,4\nnull,x,NaN\n".as_bytes()).unwrap();
    assert_eq!(table.missing_count("a").unwrap(), 1);
    assert_eq!(table.missing_count("b").unwrap(), 2);
    assert_eq!(table.missing_count("y").unwrap(), 1);
    assert_eq!(table.column_type("b").unwrap(), ColumnType::Categorical);
    let err = table.features_target("y").unwrap_err();
    assert!(matches!(err, Error::MissingValue { line: 2, .. }), "{err}");
    let m = err.to_string();
    assert!(m.contains("<reader>, line 2, column \"b\"") && m.contains("MissingPolicy"), "{m}");
}

#[test]
fn bad_options_are_errors() {
    let options = CsvOptions::default().column_type("nope", ColumnType::Numeric);
    assert!(matches!(read_error(b"a\n1\n", &options).0, Error::UnknownColumn { .. }));
    assert!(Table::from_reader_with("a\n1\n".as_bytes(), &CsvOptions::default().delimiter(b'"')).is_err());
    let m = Table::from_csv("/no/such/file.csv").unwrap_err().to_string();
    assert!(m.contains("/no/such/file.csv"), "{m}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        if let Ok(table) = Table::from_reader(&bytes[..]) {
            let _ = table.describe().to_string();
            if let Some(first) = table.columns().first().cloned() {
                let _ = table.features_target(&first);
            }
        }
    }

    #[test]
    fn csv_like_bytes_never_panic(
        cells in proptest::collection::vec(
            prop_oneof![
                Just(",".to_string()), Just(";".to_string()), Just("\n".to_string()), Just("\"".to_string()),
                Just("NA".to_string()), Just("\t".to_string()), Just("1e5".to_string()), Just("inf".to_string()),
                "-?[0-9]{1,4}(\\.[0-9]{0,3})?", "[a-c]{1,2}", Just("\u{e9}".to_string()),
            ],
            0..80,
        )
    ) {
        let text = format!("a,b,c\n{}", cells.concat());
        if let Ok(table) = Table::from_reader(text.as_bytes()) {
            let _ = table.describe();
            for target in ["a", "b", "c"] {
                let _ = table.features_target(target);
                let _ = table.label_map(target);
            }
            let _ = table.drop_missing().into_features_target("a");
        }
    }
}

/// Reads `text` with the fast tokenizer and, by quoting the first header name (which sends the
/// reader to the `csv` crate), with the general one; both must agree, on tables and on errors.
fn both_paths(body: &str) -> (String, String) {
    let show = |r: kerust::Result<Table>| match r {
        Ok(t) => format!("{t:?}"),
        Err(e) => format!("error: {e}"),
    };
    let fast = show(Table::from_reader(format!("a,b,c\n{body}").as_bytes()));
    let general = show(Table::from_reader(format!("\"a\",b,c\n{body}").as_bytes()));
    (fast, general)
}

#[test]
fn tokenizers_agree_on_known_cases() {
    for body in ["1,2,3\n", "1,2,3", "\n\n1,2,3\n\n4,5,6\n", "1,2\n", "1,2,3,4\n", "1,x,3\n2,,NA\n", "1, 2 ,3\n"] {
        let (fast, general) = both_paths(body);
        assert_eq!(fast, general, "{body:?}");
    }
}

proptest! {
    #[test]
    fn tokenizers_agree(
        cells in proptest::collection::vec(
            prop_oneof![
                Just(",".to_string()), Just("\n".to_string()), Just(" ".to_string()), Just("NA".to_string()),
                "-?[0-9]{1,3}(\\.[0-9]{0,2})?(e-?[0-9])?", "[a-c]{1,2}", Just("inf".to_string()),
            ],
            0..60,
        )
    ) {
        let (fast, general) = both_paths(&cells.concat());
        prop_assert_eq!(fast, general);
    }
}

#[test]
fn tokenizers_agree_across_chunk_boundaries_and_long_lines() {
    // ~2.6 MB: lines straddle the fast tokenizer's 1 MiB chunks; one line is longer than a chunk.
    let mut body = String::new();
    for i in 0..150_000 {
        body.push_str(&format!("{i},{}.5,x{}\n", i * 3, i % 7));
    }
    body.push_str(&format!("1,2,{}\n", "y".repeat(1_200_000)));
    body.push_str("7,8,z");
    let (fast, general) = both_paths(&body);
    assert!(fast == general, "tables differ");
    let table = Table::from_reader(format!("a,b,c\n{body}").as_bytes()).unwrap();
    assert_eq!(table.shape(), (150_002, 3));
    assert_eq!(table.line(150_001), Some(150_003));
}
