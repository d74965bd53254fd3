//! The promise of `Error::Csv`, as a property: one defect planted anywhere in an otherwise
//! valid file (any width, any number of rows, blank lines, CRLF, past the rows used for
//! type inference) is reported with the file, the line a text editor shows, and the column.
//! (Errors about the whole file, empty or header-only, have no line or column of their own:
//! `tests/data_csv_errors.rs` checks them.)

use std::io::Write;

use kerust::Error;
use kerust::data::{ColumnType, CsvOptions, Table};
use proptest::prelude::*;

/// What is wrong, and where.
#[derive(Debug, Clone, Copy)]
enum Defect {
    /// A data row one field short: reported at the first missing column.
    MissingField,
    /// A data row one field long: reported at the extra position (`#width+1`).
    ExtraField,
    /// A cell that parses to an infinity.
    NonFinite(&'static str),
    /// A cell that is not UTF-8.
    NotUtf8,
    /// Text in a column declared numeric.
    StrayText,
    /// An empty header name.
    EmptyName,
    /// A header name that is not UTF-8.
    NameNotUtf8,
    /// A header name that repeats an earlier one.
    DuplicateName,
}

fn defect() -> impl Strategy<Value = Defect> {
    prop_oneof![
        Just(Defect::MissingField),
        Just(Defect::ExtraField),
        prop_oneof![Just("inf"), Just("-Infinity"), Just("1e39"), Just("-1e40")].prop_map(Defect::NonFinite),
        Just(Defect::NotUtf8),
        Just(Defect::StrayText),
        Just(Defect::EmptyName),
        Just(Defect::NameNotUtf8),
        Just(Defect::DuplicateName),
    ]
}

/// A file with `width` numeric columns `c0..` and `rows` data rows, the defect at data row
/// `row` (or the header) and column `col`; returns the bytes, the options to read them with,
/// and the expected (line, column).
fn planted(
    width: usize,
    rows: usize,
    row: usize,
    col: usize,
    defect: Defect,
    blank_lines: bool,
    crlf: bool,
) -> (Vec<u8>, CsvOptions, u64, String) {
    let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
    let mut names: Vec<String> = (0..width).map(|c| format!("c{c}")).collect();
    let mut options = CsvOptions::default();
    let (mut line, mut column) = (1, names[col].clone());
    match defect {
        Defect::EmptyName | Defect::NameNotUtf8 => {
            names[col] = String::new();
            column = format!("#{}", col + 1);
        }
        Defect::DuplicateName if col > 0 => {
            names[col] = names[col - 1].clone();
            column = names[col].clone();
        }
        Defect::DuplicateName => {
            names[1] = names[0].clone();
            column = names[0].clone();
        }
        Defect::StrayText => options = options.column_type(&names[col], ColumnType::Numeric),
        _ => {}
    }
    let mut header: Vec<Vec<u8>> = names.iter().map(|n| n.clone().into_bytes()).collect();
    if let Defect::NameNotUtf8 = defect {
        header[col] = b"n\xffme".to_vec();
    }
    let mut bytes = header.join(&b","[..]);
    bytes.extend(eol);
    let mut current = 1; // the line just written
    for r in 0..rows {
        if blank_lines && r % 3 == 1 {
            bytes.extend(eol);
            current += 1;
        }
        let mut cells: Vec<Vec<u8>> = (0..width).map(|c| format!("{}.{c}", r % 97).into_bytes()).collect();
        current += 1;
        if r == row {
            line = current;
            match defect {
                Defect::MissingField => {
                    cells.pop();
                    column = names[width - 1].clone();
                }
                Defect::ExtraField => {
                    cells.push(b"0".to_vec());
                    column = format!("#{}", width + 1);
                }
                Defect::NonFinite(v) => cells[col] = v.as_bytes().to_vec(),
                Defect::NotUtf8 => cells[col] = b"caf\xe9".to_vec(),
                Defect::StrayText => cells[col] = b"oops".to_vec(),
                Defect::EmptyName | Defect::NameNotUtf8 | Defect::DuplicateName => line = 1,
            }
        }
        bytes.extend(cells.join(&b","[..]));
        bytes.extend(eol);
    }
    (bytes, options, line, column)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_cell_error_names_file_line_and_column(
        width in 2usize..7,
        rows in prop_oneof![1usize..40, 1100usize..1300],
        row in any::<prop::sample::Index>(),
        col in any::<prop::sample::Index>(),
        defect in defect(),
        blank_lines in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let (row, col) = (row.index(rows), col.index(width));
        let (bytes, options, line, column) = planted(width, rows, row, col, defect, blank_lines, crlf);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("planted.csv");
        std::fs::File::create(&path).unwrap().write_all(&bytes).unwrap();
        let err = Table::from_csv_with(&path, &options).expect_err("a defect was planted");
        let message = err.to_string();
        match &err {
            Error::Csv { file, line: got_line, column: got_column, .. } => {
                prop_assert!(file.ends_with("planted.csv"), "{}", message);
                prop_assert_eq!(*got_line, Some(line), "{}", message);
                prop_assert_eq!(got_column.as_deref(), Some(column.as_str()), "{}", message);
            }
            other => prop_assert!(false, "not a CSV error: {other:?}"),
        }
        let place = format!("line {line}, column {column:?}");
        prop_assert!(message.contains("planted.csv") && message.contains(&place), "{defect:?}: {message}");
    }
}
