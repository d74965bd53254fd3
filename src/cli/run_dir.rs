//! The run folder: written under a temporary name beside its final place and renamed at the
//! end, so an interrupted or failed run never leaves a half-written folder (nor touches an
//! earlier one).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// A run folder being written.
pub struct RunDir {
    tmp: PathBuf,
    target: PathBuf,
    done: bool,
}

impl RunDir {
    /// Prepares `target`, which must not exist yet.
    pub fn create(target: &Path) -> anyhow::Result<RunDir> {
        if target.exists() {
            anyhow::bail!(
                "{} already exists; choose another --out (earlier runs are never overwritten)",
                target.display()
            );
        }
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = target.file_name().context("--out names no folder")?.to_string_lossy().into_owned();
        fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
        fs::create_dir(&tmp).with_context(|| format!("cannot write into {}", parent.display()))?;
        Ok(RunDir { tmp, target: target.to_path_buf(), done: false })
    }

    /// Where files go while the run is written.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Where the folder goes when finished.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes one file into the folder.
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> anyhow::Result<()> {
        let path = self.tmp.join(name);
        fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))
    }

    /// Moves the finished folder to its place and returns that path.
    pub fn finish(mut self) -> anyhow::Result<PathBuf> {
        fs::rename(&self.tmp, &self.target)
            .with_context(|| format!("cannot move the run folder to {}", self.target.display()))?;
        self.done = true;
        Ok(self.target.clone())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// UTC time as `YYYYmmdd-HHMMSS` (no time-zone database needed).
pub fn timestamp() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}{month:02}{day:02}-{:02}{:02}{:02}", rem / 3600, rem % 3600 / 60, rem % 60)
}
