//! Where a run's data comes from: a CSV file or an embedded dataset, with its SHA-256 (so a
//! resumed run can check it trains on the same rows).

use std::path::Path;

use kerust::data::CsvOptions;
use kerust::prelude::*;
use sha2::{Digest, Sha256};

use super::settings::RunSettings;
use super::usage;

/// The data as loaded.
pub struct Loaded {
    pub table: Table,
    /// A name for the run folder.
    pub name: String,
    /// Where it came from, for messages and run.json.
    pub source: String,
    pub sha256: String,
    /// The dataset's target, or the file's last column.
    pub default_target: String,
    /// Seconds spent reading.
    pub seconds: f64,
    /// The data lint findings for the run's target (filled by `train`).
    pub lint: Vec<kerust::data::LintWarning>,
}

/// The table of `settings`: its `data` file, or its embedded `dataset`.
pub fn load(settings: &RunSettings) -> anyhow::Result<Loaded> {
    let clock = std::time::Instant::now();
    let mut loaded = match &settings.data {
        Some(path) => {
            if path.is_dir() {
                anyhow::bail!("{} is a directory; give the path of a CSV file", path.display());
            }
            let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            let source = path.display().to_string();
            let table = if bytes.starts_with(b"PAR1") {
                Table::from_parquet(path)?
            } else {
                Table::from_reader_with(bytes.as_slice(), &CsvOptions::default().source_name(&source))?
            };
            let default_target = table.columns().last().cloned().unwrap_or_default();
            let name = path.file_stem().map_or("data".into(), |s| s.to_string_lossy().into_owned());
            Loaded { table, name, source, sha256: hex_sha256(&bytes), default_target, seconds: 0.0, lint: Vec::new() }
        }
        None => {
            let Some(info) = kerust::datasets::all().iter().find(|d| d.name == settings.dataset) else {
                let names: Vec<&str> = kerust::datasets::all().iter().map(|d| d.name).collect();
                usage!("unknown --dataset {:?}; available: {}", settings.dataset, names.join(", "));
            };
            Loaded {
                table: kerust::datasets::load(info.name)?,
                name: info.name.to_string(),
                source: format!("embedded dataset {}", info.name),
                sha256: hex_sha256(info.csv().as_bytes()),
                default_target: info.target.to_string(),
                seconds: 0.0,
                lint: Vec::new(),
            }
        }
    };
    loaded.seconds = clock.elapsed().as_secs_f64();
    Ok(loaded)
}

/// What a run folder records of its data: the table when it was read whole (`None` for a
/// streamed file, which is never in memory), where it came from, its hash and rows.
pub struct DataRecord<'a> {
    pub table: Option<&'a Table>,
    pub source: &'a str,
    pub sha256: &'a str,
    /// Seconds spent reading.
    pub seconds: f64,
    pub lint: &'a [kerust::data::LintWarning],
    /// Data rows in the file (or dataset).
    pub rows: usize,
    /// The chunk size of a streamed run.
    pub chunk_rows: Option<usize>,
}

impl Loaded {
    /// This data as a run folder records it.
    pub fn record(&self) -> DataRecord<'_> {
        DataRecord {
            table: Some(&self.table),
            source: &self.source,
            sha256: &self.sha256,
            seconds: self.seconds,
            lint: &self.lint,
            rows: self.table.n_rows(),
            chunk_rows: None,
        }
    }
}

/// The SHA-256 of the file at `path`, read a block at a time (a streamed file may not fit
/// in memory).
pub fn file_sha256(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut block = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut block).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.update(&block[..n]);
    }
    Ok(hasher.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The data SHA-256 recorded in a run folder's run.json, if any.
pub fn recorded_sha256(run: &Path) -> Option<String> {
    let text = std::fs::read_to_string(run.join("run.json")).ok()?;
    let record: serde_json::Value = serde_json::from_str(&text).ok()?;
    record["data"]["sha256"].as_str().map(str::to_string)
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
