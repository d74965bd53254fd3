//! The one error type of the library.
//!
//! Every fallible public function returns [`Result<T>`]. Messages follow Keras's habit: they
//! say what was wrong, name the argument, and end with `Received: name=value` where a value
//! was given, so the user sees both the rule and what broke it.

use std::path::PathBuf;

/// Everything that can go wrong when using kerust.
///
/// The enum is `#[non_exhaustive]`: new variants arrive with new features.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An argument is outside its allowed range (epochs = 0, validation_split = 1.5, ...).
    #[error("{name} {rule}. Received: {name}={value}")]
    InvalidArgument {
        /// The argument's name, as in Keras (`epochs`, `validation_split`, ...).
        name: &'static str,
        /// The value received, formatted.
        value: String,
        /// What the value must satisfy, e.g. "must be at least 1".
        rule: String,
    },

    /// A string did not name any known activation, loss, optimizer, metric or initializer.
    #[error("unknown {kind} {value:?}; expected one of: {expected}")]
    UnknownName {
        /// What was being parsed ("activation", "loss", ...).
        kind: &'static str,
        /// The string received.
        value: String,
        /// The accepted names, comma-separated.
        expected: String,
    },

    /// The model has no layers, or its first layer has no input dimension.
    #[error("the model cannot be built: {reason}")]
    NotBuilt {
        /// Why, and what to do about it.
        reason: String,
    },

    /// `fit`, `evaluate` (or another call needing a loss and optimizer) came before `compile`.
    #[error(
        "the model must be compiled before calling {operation}(); call model.compile(optimizer, loss, metrics) first"
    )]
    NotCompiled {
        /// The method that was called.
        operation: &'static str,
    },

    /// Two arrays that must agree in their number of rows do not.
    #[error("{what}: x has {x_rows} rows but y has {y_rows}; x and y must have one row per sample")]
    RowMismatch {
        /// Where the mismatch was found (`fit`, `validation_data`, ...).
        what: &'static str,
        /// Rows of x.
        x_rows: usize,
        /// Rows of y.
        y_rows: usize,
    },

    /// An array has the wrong number of columns.
    #[error("{what} has {got} columns but {expected} were expected{hint}")]
    ColumnMismatch {
        /// Which array (`x`, `y`, ...).
        what: String,
        /// The width required.
        expected: usize,
        /// The width received.
        got: usize,
        /// A hint on how to fix it (may be empty; starts with "; " when not).
        hint: String,
    },

    /// An array holds NaN or an infinity.
    #[error(
        "{what} contains a non-finite value ({value}) at row {row}, column {col}; remove or impute it before training"
    )]
    NonFinite {
        /// Which array (`x`, `y`, `validation x`, ...).
        what: String,
        /// Row index (0-based).
        row: usize,
        /// Column index (0-based).
        col: usize,
        /// The offending value.
        value: f32,
    },

    /// A target value is not valid for the loss (e.g. a class index out of range).
    #[error("{what}: {reason}")]
    InvalidTarget {
        /// Where it was found.
        what: String,
        /// What is wrong.
        reason: String,
    },

    /// `set_weights` received the wrong number of arrays.
    #[error("set_weights expected {expected} arrays (kernel and bias of each layer, in order) but received {got}")]
    WeightCount {
        /// Arrays the model has.
        expected: usize,
        /// Arrays received.
        got: usize,
    },

    /// `set_weights` received an array of the wrong shape.
    #[error("set_weights: array {index} ({name}) must have shape {expected:?}. Received: shape={got:?}")]
    WeightShape {
        /// Position in the list.
        index: usize,
        /// Which weight it is (`dense/kernel`, ...).
        name: String,
        /// Shape the model has.
        expected: Vec<usize>,
        /// Shape received.
        got: Vec<usize>,
    },

    /// A model holding a layer defined outside kerust was to be saved: kerust cannot write
    /// that layer's configuration, so it could not rebuild the model from the file.
    #[error(
        "layer {layer:?} ({class_name}) is defined outside kerust, which cannot write its configuration to a model file; keep the code that builds the model, and save its weights with get_weights()"
    )]
    UnsavableLayer {
        /// The layer's name.
        layer: String,
        /// Its class name.
        class_name: &'static str,
    },

    /// A callback monitors a quantity the training does not log.
    #[error("{callback} monitors {monitor:?}, which this training does not log; available: {available}")]
    UnknownMonitor {
        /// The callback.
        callback: String,
        /// The key asked for.
        monitor: String,
        /// The keys that will be logged.
        available: String,
    },

    /// Part of a model has no form in the exchange format it is exported to (ONNX).
    #[error("cannot export {what} to ONNX: {reason}")]
    Export {
        /// What could not be exported (`layer "my_layer" (MyLayer)`, `column "x"`, ...).
        what: String,
        /// Why, and what to do about it.
        reason: String,
    },

    /// A model file is malformed, truncated or inconsistent.
    #[error("{path}: {reason}")]
    ModelFile {
        /// The file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A model file was written by a newer kerust.
    #[error(
        "the model file has format version {found}, but this kerust reads up to version {supported}; upgrade kerust to load it"
    )]
    UnsupportedVersion {
        /// Version in the file.
        found: u64,
        /// Newest version this build reads.
        supported: u32,
    },

    /// A chart could not be drawn.
    #[error("could not draw the chart: {reason}")]
    Plot {
        /// What went wrong.
        reason: String,
    },

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },

    // data & preprocessing
    /// A CSV source could not be read into a [`Table`](crate::data::Table): the message names
    /// the file, the 1-based line (the header is line 1) and the column where known.
    #[error("{}", csv_message(.file, *.line, .column.as_deref(), .reason))]
    Csv {
        /// The file (or `<reader>` / `dataset NAME` for in-memory sources).
        file: String,
        /// 1-based line in the file, as a text editor counts (header = line 1), when known.
        line: Option<u64>,
        /// Column name (or `#index` when the header is unusable), when known.
        column: Option<String>,
        /// What is wrong and how to fix it.
        reason: String,
    },

    /// A column name that the table does not have.
    #[error("no column named {name:?} in {source_name}; available columns: {available}")]
    UnknownColumn {
        /// The name asked for.
        name: String,
        /// The table's source (file name).
        source_name: String,
        /// The table's columns, comma-separated.
        available: String,
    },

    /// A missing value met under [`MissingPolicy::Error`](crate::data::MissingPolicy::Error)
    /// (the default) or a policy that cannot fill this column.
    #[error("{file}, line {line}, column {column:?}: missing value; {hint}")]
    MissingValue {
        /// The table's source (file name).
        file: String,
        /// 1-based line in the source (header = line 1).
        line: u64,
        /// Column name.
        column: String,
        /// How to fix it.
        hint: String,
    },

    /// A tuning search space, or one of its parameters, is unusable.
    #[error("search space, parameter {param}: {reason}")]
    SearchSpace {
        /// The parameter's name (`(none)` for an empty space).
        param: String,
        /// What is wrong with it, and what to do.
        reason: String,
    },

    /// A tuning study folder cannot be used (not a study, damaged, other settings).
    #[error("study {path}: {reason}")]
    Study {
        /// The folder or file.
        path: PathBuf,
        /// What is wrong, and what to do.
        reason: String,
    },

    /// `transform` (or another call needing fitted state) came before `fit`.
    #[error("this {what} instance is not fitted yet; call fit() or fit_transform() before {operation}()")]
    NotFitted {
        /// The estimator (`MinMaxScaler`, ...).
        what: &'static str,
        /// The method that was called.
        operation: &'static str,
    },
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// Shorthand for [`Error::InvalidArgument`].
    pub(crate) fn invalid(name: &'static str, value: impl ToString, rule: impl Into<String>) -> Self {
        Error::InvalidArgument { name, value: value.to_string(), rule: rule.into() }
    }
}

/// Formats an [`Error::Csv`] message: `file, line L, column "C": reason`.
fn csv_message(file: &str, line: Option<u64>, column: Option<&str>, reason: &str) -> String {
    let mut out = file.to_string();
    if let Some(line) = line {
        out.push_str(&format!(", line {line}"));
    }
    if let Some(column) = column {
        out.push_str(&format!(", column {column:?}"));
    }
    out.push_str(": ");
    out.push_str(reason);
    out
}
