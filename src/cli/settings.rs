//! The settings of a training run as `settings.toml` holds them: where the data came from
//! (`data`, `dataset`, `target`, `out`) and the library's [`TabularSpec`] (every other key).
//! Also the typed command-line values that the library has no type for (`--layers 64,32`,
//! `auto`), and the mapping from a library setting name to its flag.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use kerust::tabular::{MODEL_SETTINGS, TRAINING_SETTINGS, TabularSpec};
use serde::Serialize;

use super::UsageError;

/// Every setting of `kerust train`.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSettings {
    /// CSV file (none: an embedded dataset).
    pub data: Option<PathBuf>,
    /// Embedded dataset used when no file is given.
    pub dataset: String,
    /// Target column (default: the dataset's, or the file's last column).
    pub target: Option<String>,
    /// Run folder.
    pub out: Option<PathBuf>,
    /// The workflow's settings.
    pub spec: TabularSpec,
}

/// What `settings.toml` and `run.json` record: `dataset` only when no CSV was given (a run
/// on the user's own file must not claim to be on the default dataset).
#[derive(Serialize)]
struct Recorded<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dataset: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    out: Option<&'a PathBuf>,
    #[serde(flatten)]
    spec: &'a TabularSpec,
}

impl Serialize for RunSettings {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Recorded {
            data: self.data.as_ref(),
            dataset: if self.data.is_none() { Some(&self.dataset) } else { None },
            target: self.target.as_deref(),
            out: self.out.as_ref(),
            spec: &self.spec,
        }
        .serialize(serializer)
    }
}

/// The keys of `settings.toml` that are not the spec's.
const SOURCE_KEYS: [&str; 4] = ["data", "dataset", "target", "out"];

impl Default for RunSettings {
    fn default() -> Self {
        RunSettings {
            data: None,
            dataset: "boston_housing".into(),
            target: None,
            out: None,
            spec: TabularSpec::default(),
        }
    }
}

impl RunSettings {
    /// Reads a TOML settings file (`--config`, or a run's `settings.toml`); keys left out
    /// keep their defaults, unknown keys are an error naming them.
    pub fn from_file(path: &Path) -> anyhow::Result<RunSettings> {
        let text = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let bad = |e: &dyn fmt::Display| UsageError(format!("{}: {e}", path.display()));
        let mut table: toml::Table = toml::from_str(&text).map_err(|e| bad(&e))?;
        let mut settings = RunSettings::default();
        let text_of = |v: toml::Value, key: &str| match v {
            toml::Value::String(s) => Ok(s),
            other => Err(bad(&format!("{key} must be a string (got {other})"))),
        };
        for key in SOURCE_KEYS {
            let Some(value) = table.remove(key) else { continue };
            let value = text_of(value, key)?;
            match key {
                "data" => settings.data = Some(value.into()),
                "dataset" => settings.dataset = value,
                "target" => settings.target = Some(value),
                _ => settings.out = Some(value.into()),
            }
        }
        settings.spec = toml::Value::Table(table).try_into().map_err(|e| bad(&e))?;
        Ok(settings)
    }

    /// The settings as JSON for `run.json`, written as text first: `serde_json::to_value`
    /// would widen the `f32` learning rate to `0.0010000000474974513`.
    pub fn to_json(&self) -> anyhow::Result<serde_json::Value> {
        Ok(serde_json::from_str(&serde_json::to_string(self)?)?)
    }

    /// The text of `settings.toml`.
    pub fn to_toml(&self) -> anyhow::Result<String> {
        Ok(toml::to_string(self)?)
    }
}

/// `64,32` → `[64, 32]`; an empty string means no hidden layer (a single perceptron).
#[derive(Debug, Clone, PartialEq)]
pub struct Layers(pub Vec<usize>);

impl FromStr for Layers {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(Layers(Vec::new()));
        }
        text.split(',')
            .map(|w| match w.trim().parse::<usize>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!("takes positive widths separated by commas, like 64,32 (got {w:?} in {text:?})")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Layers)
    }
}

impl fmt::Display for Layers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let widths: Vec<String> = self.0.iter().map(usize::to_string).collect();
        f.write_str(&widths.join(","))
    }
}

/// `auto` (`None`), or a value of `T` by its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Auto<T>(pub Option<T>);

impl<T: FromStr> FromStr for Auto<T>
where
    T::Err: fmt::Display,
{
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        if text.trim().eq_ignore_ascii_case("auto") {
            return Ok(Auto(None));
        }
        text.parse().map(|v| Auto(Some(v))).map_err(|e: T::Err| e.to_string())
    }
}

impl<T: fmt::Display> fmt::Display for Auto<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            None => f.write_str("auto"),
            Some(v) => v.fmt(f),
        }
    }
}

/// The flag of a library setting (`batch_size` → `--batch-size`, `learning_rate` → `--lr`).
pub fn flag_of(setting: &str) -> String {
    match setting {
        "learning_rate" | "lr" => "--lr".into(),
        "impute_columns" => "impute_columns (in the settings file)".into(),
        name => format!("--{}", name.replace('_', "-")),
    }
}

/// A library error about a setting becomes a usage error (exit 2) that names the flag.
pub fn flag_error(e: kerust::Error) -> anyhow::Error {
    match e {
        kerust::Error::InvalidArgument { name, value, rule }
            if MODEL_SETTINGS.contains(&name) || TRAINING_SETTINGS.contains(&name) =>
        {
            UsageError(format!("{} {rule} (got {value})", flag_of(name))).into()
        }
        other => other.into(),
    }
}
