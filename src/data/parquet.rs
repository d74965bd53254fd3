//! [`Table::from_parquet`] (feature `parquet`): a Parquet file read through the `parquet`
//! crate's Arrow reader into the same typed table a CSV of the same data gives. The column
//! types come from the file's schema rather than from inference: integers, floats and
//! decimals-free numeric types become numeric (`f32`), strings and dictionary-encoded strings
//! categorical, booleans categorical `"False"` / `"True"` (as pandas writes them to CSV). A
//! null, a float NaN, or a string that is one of the CSV missing markers is a missing value;
//! an infinite value is an error, as in a CSV. Rows are numbered as the lines of the CSV of
//! the same data (header = line 1), so that errors point at the same place.

use std::collections::HashMap;
use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use super::options::CsvOptions;
use super::table::{Categorical, MISSING_CODE, Slot, Table};
use crate::error::{Error, Result};

/// Rows per record batch read.
const BATCH_ROWS: usize = 1 << 16;

impl Table {
    /// Reads a Parquet file (feature `parquet`): every column, typed by the file's schema
    /// (see the module docs of `data::parquet`). Snappy, gzip, LZ4 and Zstandard pages are
    /// read; errors name the file, the row (as the line of the same data in a CSV) and the
    /// column.
    ///
    /// ```no_run
    /// let table = kerust::data::Table::from_parquet("diamonds.parquet")?;
    /// println!("{:?}", table.shape());
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn from_parquet(path: impl AsRef<Path>) -> Result<Table> {
        let path = path.as_ref();
        read_parquet(path, &path.display().to_string(), 0, None)
    }
}

/// The column names of the Parquet file at `path`, from its schema (feature `parquet`).
pub fn parquet_columns(path: impl AsRef<Path>) -> Result<Vec<String>> {
    let path = path.as_ref();
    let builder = open(path, &path.display().to_string())?;
    Ok(builder.schema().fields().iter().map(|f| f.name().clone()).collect())
}

/// The number of rows of the Parquet file at `path`, from its metadata.
pub(crate) fn parquet_rows(path: &Path, name: &str) -> Result<usize> {
    let builder = open(path, name)?;
    Ok(builder.metadata().file_metadata().num_rows().max(0) as usize)
}

/// Rows `offset..offset + limit` (all from `offset` without a limit) of the Parquet file at
/// `path` as a table, named `name` in messages.
pub(crate) fn read_parquet(path: &Path, name: &str, offset: usize, limit: Option<usize>) -> Result<Table> {
    let mut builder = open(path, name)?.with_batch_size(BATCH_ROWS).with_offset(offset);
    if let Some(limit) = limit {
        builder = builder.with_limit(limit);
    }
    let schema = builder.schema().clone();
    let reader = builder.build().map_err(|e| fail(name, format!("cannot read: {e}")))?;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    if names.is_empty() {
        return Err(fail(name, "the file has no columns".into()));
    }
    let mut columns: Vec<Column> = schema
        .fields()
        .iter()
        .map(|f| Column::for_type(f.data_type()).ok_or_else(|| unsupported(name, f.name(), f.data_type())))
        .collect::<Result<_>>()?;
    let markers = CsvOptions::default().missing_values;
    let mut rows = 0usize;
    for batch in reader {
        let batch: RecordBatch = batch.map_err(|e| fail(name, format!("cannot read: {e}")))?;
        for (c, column) in columns.iter_mut().enumerate() {
            column
                .push(batch.column(c), &markers)
                .map_err(|(row, reason)| at(name, offset + rows + row, &names[c], reason))?;
        }
        rows += batch.num_rows();
    }
    if rows == 0 {
        return Err(fail(name, "the file has no rows; add at least one row of values".into()));
    }
    Ok(assemble(name, names, columns, rows, offset))
}

fn open(path: &Path, name: &str) -> Result<ParquetRecordBatchReaderBuilder<File>> {
    let file = File::open(path).map_err(|e| fail(name, format!("cannot open: {e}")))?;
    ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| {
        fail(name, format!("is not a Parquet file kerust can read ({e}); check the file, or convert it to CSV"))
    })
}

/// One column's cells so far.
enum Column {
    Numeric(Vec<f32>),
    Text { codes: Vec<u32>, levels: Vec<String>, index: HashMap<String, u32> },
}

impl Column {
    /// An empty column for the Arrow type `t`, if kerust reads that type.
    fn for_type(t: &DataType) -> Option<Column> {
        let text = || Column::Text { codes: Vec::new(), levels: Vec::new(), index: HashMap::new() };
        match t {
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            | DataType::UInt64
            | DataType::Float32
            | DataType::Float64
            | DataType::Null => Some(Column::Numeric(Vec::new())),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean => Some(text()),
            DataType::Dictionary(_, values) if matches!(**values, DataType::Utf8 | DataType::LargeUtf8) => Some(text()),
            _ => None,
        }
    }

    /// Appends the cells of `array`; an error is `(row in the array, reason)`.
    fn push(&mut self, array: &ArrayRef, markers: &[String]) -> std::result::Result<(), (usize, String)> {
        match self {
            Column::Numeric(values) => {
                let start = values.len();
                push_numbers(values, array);
                if let Some(r) = values[start..].iter().position(|v| v.is_infinite()) {
                    return Err((r, format!("{} is not a finite number; fix or drop the row", values[start + r])));
                }
                Ok(())
            }
            Column::Text { codes, levels, index } => {
                let mut add = |text: Option<&str>| {
                    let code = match text {
                        None => MISSING_CODE,
                        Some(t) if markers.iter().any(|m| m == t.trim()) => MISSING_CODE,
                        Some(t) => *index.entry(t.to_string()).or_insert_with(|| {
                            levels.push(t.to_string());
                            (levels.len() - 1) as u32
                        }),
                    };
                    codes.push(code);
                };
                match array.data_type() {
                    DataType::Utf8 => array.as_string::<i32>().iter().for_each(&mut add),
                    DataType::LargeUtf8 => array.as_string::<i64>().iter().for_each(&mut add),
                    DataType::Utf8View => array.as_string_view().iter().for_each(&mut add),
                    DataType::Boolean => {
                        array.as_boolean().iter().for_each(|b| add(b.map(|b| if b { "True" } else { "False" })))
                    }
                    _ => {
                        let dict = array.as_any_dictionary();
                        let keys = dict.normalized_keys();
                        let values = dict.values();
                        let text = |k: usize| match values.data_type() {
                            DataType::LargeUtf8 => values.as_string::<i64>().value(k).to_string(),
                            _ => values.as_string::<i32>().value(k).to_string(),
                        };
                        for (i, &k) in keys.iter().enumerate() {
                            if dict.is_null(i) || values.is_null(k) {
                                add(None);
                            } else {
                                add(Some(&text(k)));
                            }
                        }
                    }
                }
                Ok(())
            }
        }
    }
}

/// Appends a numeric array's values as `f32` (NaN for a null, as a missing cell is stored).
fn push_numbers(out: &mut Vec<f32>, array: &ArrayRef) {
    macro_rules! each {
        ($t:ty) => {
            out.extend(array.as_primitive::<$t>().iter().map(|v| v.map_or(f32::NAN, |v| v as f32)))
        };
    }
    match array.data_type() {
        DataType::Int8 => each!(Int8Type),
        DataType::Int16 => each!(Int16Type),
        DataType::Int32 => each!(Int32Type),
        DataType::Int64 => each!(Int64Type),
        DataType::UInt8 => each!(UInt8Type),
        DataType::UInt16 => each!(UInt16Type),
        DataType::UInt32 => each!(UInt32Type),
        DataType::UInt64 => each!(UInt64Type),
        DataType::Float32 => each!(Float32Type),
        DataType::Float64 => each!(Float64Type),
        _ => out.extend(std::iter::repeat_n(f32::NAN, array.len())),
    }
}

/// The table of the columns read: numeric cells row-major, categorical levels sorted.
fn assemble(name: &str, names: Vec<String>, columns: Vec<Column>, rows: usize, offset: usize) -> Table {
    let numeric_columns: Vec<&Vec<f32>> =
        columns.iter().filter_map(|c| if let Column::Numeric(v) = c { Some(v) } else { None }).collect();
    let width = numeric_columns.len();
    let mut numeric = vec![0f32; rows * width]; // (rows, width) row-major
    for (j, values) in numeric_columns.iter().enumerate() {
        for (r, v) in values.iter().enumerate() {
            numeric[r * width + j] = *v;
        }
    }
    let (mut slots, mut categorical) = (Vec::new(), Vec::new());
    let mut j = 0;
    for column in columns {
        match column {
            Column::Numeric(_) => {
                slots.push(Slot::Numeric(j));
                j += 1;
            }
            Column::Text { codes, levels, .. } => {
                let mut order: Vec<u32> = (0..levels.len() as u32).collect();
                order.sort_by(|&a, &b| levels[a as usize].cmp(&levels[b as usize]));
                let mut remap = vec![0u32; order.len()];
                for (new, &old) in order.iter().enumerate() {
                    remap[old as usize] = new as u32;
                }
                let mut levels = levels;
                levels.sort();
                let codes = codes.iter().map(|&c| if c == MISSING_CODE { c } else { remap[c as usize] }).collect();
                slots.push(Slot::Categorical(categorical.len()));
                categorical.push(Categorical { levels, codes });
            }
        }
    }
    // Line 1 is the header of the CSV of the same data; data row r is line r + 2.
    let lines = (0..rows).map(|r| (offset + r) as u64 + 2).collect();
    Table { source: name.to_string(), names, slots, numeric, width, categorical, lines }
}

fn fail(name: &str, reason: String) -> Error {
    Error::Csv { file: name.to_string(), line: None, column: None, reason }
}

fn at(name: &str, row: usize, column: &str, reason: String) -> Error {
    Error::Csv { file: name.to_string(), line: Some(row as u64 + 2), column: Some(column.to_string()), reason }
}

fn unsupported(name: &str, column: &str, t: &DataType) -> Error {
    Error::Csv {
        file: name.to_string(),
        line: None,
        column: Some(column.to_string()),
        reason: format!(
            "has the Parquet/Arrow type {t}, which kerust does not read (it reads integers, floats, booleans and strings); cast it, or drop the column"
        ),
    }
}
