//! The tabular section of a model file: the typed, versioned document stored under
//! `kerust.tabular` beside the network's own (`kerust`), and the reading of files written
//! before it existed (their preprocessing sat untyped in the network document's `extra`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::preprocessor::Preprocessor;
use super::spec::TabularSpec;
use crate::error::{Error, Result};
use crate::io::{ModelMeta, Sections};

/// Header key of the tabular section.
pub const SECTION_KEY: &str = "kerust.tabular";

/// Version of the tabular section this build writes and the newest it reads.
pub const TABULAR_FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    format_version: u32,
    preprocessor: Preprocessor,
    spec: TabularSpec,
    epochs_run: usize,
    /// Metrics on the held-out test rows of the run that wrote the file (none in checkpoints).
    #[serde(default)]
    test_metrics: BTreeMap<String, f64>,
}

/// What a model file says beside its network.
pub(crate) struct Contents {
    pub(crate) preprocessor: Preprocessor,
    pub(crate) spec: TabularSpec,
    pub(crate) epochs_run: usize,
    pub(crate) test_metrics: BTreeMap<String, f64>,
}

/// The header sections that make a network file a tabular model file.
pub(crate) fn sections(contents: &Contents) -> Result<Sections> {
    let section = Section {
        format_version: TABULAR_FORMAT_VERSION,
        preprocessor: contents.preprocessor.clone(),
        spec: contents.spec.clone(),
        epochs_run: contents.epochs_run,
        test_metrics: contents.test_metrics.clone(),
    };
    let json = serde_json::to_string(&section)
        .map_err(|e| Error::invalid("model", e, "could not be written as a tabular section"))?;
    Ok(Sections::from([(SECTION_KEY.to_string(), json)]))
}

/// The preprocessor, settings and epochs run of a model file, from its tabular section or,
/// for files written before that section existed, from the legacy `extra` document.
pub(crate) fn read(path: &Path, meta: &ModelMeta, sections: &Sections) -> Result<Contents> {
    let bad = |reason: String| Error::ModelFile { path: path.display().to_string(), reason };
    if let Some(json) = sections.get(SECTION_KEY) {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| bad(format!("bad {SECTION_KEY} JSON: {e}")))?;
        let found = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0);
        if found > u64::from(TABULAR_FORMAT_VERSION) {
            return Err(Error::UnsupportedVersion { found, supported: TABULAR_FORMAT_VERSION });
        }
        // Each part on its own first, so that a message names the part that is wrong.
        for key in ["preprocessor", "spec"] {
            let part = value.get(key).cloned().unwrap_or_default();
            let checked = match key {
                "preprocessor" => serde_json::from_value::<Preprocessor>(part).err(),
                _ => serde_json::from_value::<TabularSpec>(part).err(),
            };
            if let Some(e) = checked {
                return Err(bad(format!("bad {key} in the {SECTION_KEY} section: {e}")));
            }
        }
        let section: Section =
            serde_json::from_value(value).map_err(|e| bad(format!("bad {SECTION_KEY} section: {e}")))?;
        return Ok(Contents {
            preprocessor: section.preprocessor,
            spec: section.spec,
            epochs_run: section.epochs_run,
            test_metrics: section.test_metrics,
        });
    }
    let Some(pipeline) = meta.extra.get("pipeline") else {
        return Err(bad(
            "the file holds a network but no preprocessing (it was saved by Sequential::save); load it with Sequential::load, or train with TabularSpec::fit or `kerust train`".into(),
        ));
    };
    let preprocessor: Preprocessor =
        serde_json::from_value(pipeline.clone()).map_err(|e| bad(format!("bad preprocessing pipeline: {e}")))?;
    let run = &meta.extra["record"]["run"];
    let spec = legacy_spec(&run["settings"]).map_err(|e| bad(format!("bad training settings: {e}")))?;
    let epochs_run = run["epochs_run"].as_u64().unwrap_or(0) as usize;
    let test_metrics = meta.extra["record"]["metrics"]
        .as_object()
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect())
        .unwrap_or_default();
    Ok(Contents { preprocessor, spec, epochs_run, test_metrics })
}

/// The settings of a legacy file: the CLI's settings minus where the data came from.
fn legacy_spec(settings: &serde_json::Value) -> std::result::Result<TabularSpec, serde_json::Error> {
    let Some(object) = settings.as_object() else { return Ok(TabularSpec::default()) };
    let mut object = object.clone();
    for key in ["data", "dataset", "target", "out"] {
        object.remove(key);
    }
    serde_json::from_value(serde_json::Value::Object(object))
}
