//! Tables read from CSV and the embedded datasets.
//!
//! A [`Table`] holds named, typed columns: numeric (`f32`) or categorical (strings). Reading
//! detects the delimiter (`,` `;` tab), infers each column's type, records missing values
//! (`""`, `NA`, `NaN`, `null`, ...) without guessing, and reports any problem as an
//! [`Error`](crate::Error) naming the file, the 1-based line (header = line 1) and the column.
//! [`Table::features_target`] turns a table into `(x, y)` arrays, one-hot encoding categorical
//! features with pandas `get_dummies` names.
//!
//! ```
//! use kerust::data::{EncodeOptions, Table};
//! let csv = "size,color,price\n1.5,red,10\n2.0,blue,12.5\n-3e-1,red,7\n";
//! let table = Table::from_reader(csv.as_bytes())?;
//! assert_eq!(table.shape(), (3, 3));
//! let encoded = table.encode("price", &EncodeOptions::default())?;
//! assert_eq!(encoded.feature_names, ["size", "color_blue", "color_red"]);
//! assert_eq!(encoded.x.row(2).to_vec(), [-0.3, 0.0, 1.0]);
//! assert_eq!(encoded.y.column(0).to_vec(), [10.0, 12.5, 7.0]);
//! # Ok::<(), kerust::Error>(())
//! ```

mod csv_pass;
pub mod datasets;
mod describe;
mod encode;
mod encoding;
mod fast_pass;
mod labels;
mod lint;
mod missing;
mod options;
#[cfg(feature = "parquet")]
mod parquet;
mod parse;
#[cfg(feature = "parquet")]
pub use parquet::parquet_columns;
#[cfg(feature = "parquet")]
pub(crate) use parquet::{parquet_rows, read_parquet};
mod reader;
mod scan;
mod sniff;
mod source;
mod state;
mod store;
mod table;

pub use describe::{ColumnSummary, Description, SummaryStats};
pub use encode::{EncodeOptions, Encoded, TargetEncoding};
pub use encoding::{Encoding, FeatureKind, FeatureSpec, Unseen};
pub use labels::LabelMap;
pub(crate) use labels::one_hot_rows;
pub use lint::{LintKind, LintOptions, LintWarning, MAX_LEVELS};
pub(crate) use missing::statistic;
pub use missing::{Fill, FillValue, MissingPolicy};
pub use options::CsvOptions;

/// Whether `head` (a file's first bytes) opens a Parquet file (its magic number `PAR1`).
pub(crate) fn is_parquet(head: &[u8]) -> bool {
    head.starts_with(b"PAR1")
}

/// The column names of a Parquet file; this build has no Parquet support (feature
/// `parquet`), so this is an error that says how to get it.
#[cfg(not(feature = "parquet"))]
pub fn parquet_columns(path: impl AsRef<std::path::Path>) -> crate::Result<Vec<String>> {
    Err(parquet_unavailable(&path.as_ref().display().to_string()))
}

#[cfg(not(feature = "parquet"))]
impl Table {
    /// Reads a Parquet file; this build has no Parquet support (feature `parquet`), so this
    /// is an error that says how to get it.
    pub fn from_parquet(path: impl AsRef<std::path::Path>) -> crate::Result<Table> {
        Err(parquet_unavailable(&path.as_ref().display().to_string()))
    }
}

/// The error for a Parquet file in a build without the `parquet` feature.
#[cfg_attr(feature = "parquet", allow(dead_code))]
pub(crate) fn parquet_unavailable(name: &str) -> crate::Error {
    crate::Error::Csv {
        file: name.to_string(),
        line: None,
        column: None,
        reason: "is a Parquet file, and this kerust was built without Parquet support; build it with --features parquet, or convert the file to CSV".into(),
    }
}
pub(crate) use sniff::detect_delimiter;
pub use table::{ColumnType, Table, Value};
