//! [`CsvOptions`]: how a CSV file is read (delimiter, missing-value markers, declared column
//! types, the source's name in messages).

use super::table::ColumnType;

/// How to read a CSV file. `CsvOptions::default()` is what [`Table::from_csv`](super::Table::from_csv) uses.
///
/// ```
/// use kerust::data::{ColumnType, CsvOptions, Table};
/// let options = CsvOptions::default()
///     .delimiter(b';')
///     .column_type("zip", ColumnType::Categorical);
/// let table = Table::from_reader_with("zip;price\n01234;1.5\n".as_bytes(), &options)?;
/// assert_eq!(table.column_type("zip")?, ColumnType::Categorical);
/// assert_eq!(table.column_type("price")?, ColumnType::Numeric);
/// # Ok::<(), kerust::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CsvOptions {
    /// Field delimiter; `None` (default) detects it among `,` `;` and tab from the first lines.
    pub delimiter: Option<u8>,
    /// Cells (after trimming spaces) that mean "missing". Default: `""`, `NA`, `N/A`, `NaN`,
    /// `nan`, `null`, `NULL`.
    pub missing_values: Vec<String>,
    /// Column types fixed by the user instead of inferred. A cell that is not a number in a
    /// column declared [`ColumnType::Numeric`] is an error (never a silent switch to
    /// categorical); [`ColumnType::Categorical`] keeps numbers as strings (codes, zip codes).
    pub column_types: Vec<(String, ColumnType)>,
    /// Name used for the source in messages (default: the path, or `<reader>`).
    pub source_name: Option<String>,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            delimiter: None,
            missing_values: ["", "NA", "N/A", "NaN", "nan", "null", "NULL"].iter().map(|s| s.to_string()).collect(),
            column_types: Vec::new(),
            source_name: None,
        }
    }
}

impl CsvOptions {
    /// Uses `delimiter` instead of detecting it.
    pub fn delimiter(mut self, delimiter: u8) -> Self {
        self.delimiter = Some(delimiter);
        self
    }

    /// Replaces the missing-value markers.
    pub fn missing_values(mut self, markers: &[&str]) -> Self {
        self.missing_values = markers.iter().map(|s| s.to_string()).collect();
        self
    }

    /// Declares the type of column `name`.
    pub fn column_type(mut self, name: &str, column_type: ColumnType) -> Self {
        self.column_types.push((name.to_string(), column_type));
        self
    }

    /// Names the source in error messages.
    pub fn source_name(mut self, name: &str) -> Self {
        self.source_name = Some(name.to_string());
        self
    }
}
