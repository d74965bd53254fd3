//! The rows of a streamed file once encoded and scaled, in three binary files of `f32` rows
//! (features, then the target) in a temporary folder: the training rows by chunk, the validation rows,
//! the test rows. Epochs read these instead of parsing the CSV again: a chunk is one read of
//! contiguous bytes. The folder is removed when the run ends, also on an error.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::{Array2, ArrayView1};

use crate::error::{Error, Result};
use crate::model::ChunkSource;
use crate::preprocessing::Scaler;

/// A temporary folder, removed on drop.
#[derive(Debug)]
pub(super) struct CacheDir {
    path: PathBuf,
}

impl CacheDir {
    /// A new folder under `parent`.
    pub(super) fn new(parent: &Path) -> Result<CacheDir> {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let name = format!("kerust-stream-{}-{}-{nanos}", std::process::id(), COUNT.fetch_add(1, Ordering::Relaxed));
        let path = parent.join(name);
        std::fs::create_dir_all(&path).map_err(|e| io_error(&path, "create", &e))?;
        Ok(CacheDir { path })
    }

    /// A new, empty file of rows `width` wide in this folder.
    pub(super) fn rows_file(&self, name: &str, width: usize) -> Result<RowsFile> {
        let path = self.path.join(name);
        let file = File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| io_error(&path, "create", &e))?;
        Ok(RowsFile { writer: Some(BufWriter::with_capacity(1 << 20, file)), file: None, path, width, rows: 0 })
    }
}

impl Drop for CacheDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

fn io_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    let reason = format!(
        "cannot {what} the streaming cache: {e} (it holds the encoded rows, 4 bytes per value; choose another folder with --cache-dir, StreamOptions::cache_dir)"
    );
    Error::Io { path: path.to_path_buf(), source: std::io::Error::new(e.kind(), reason) }
}

/// Rows of `width` `f32`s, appended, then read back in ranges.
#[derive(Debug)]
pub(super) struct RowsFile {
    writer: Option<BufWriter<File>>,
    file: Option<File>,
    path: PathBuf,
    width: usize,
    pub(super) rows: usize,
}

impl RowsFile {
    /// Appends one row: `x` then `y`.
    pub(super) fn push(&mut self, x: ArrayView1<f32>, y: ArrayView1<f32>) -> Result<()> {
        debug_assert_eq!(x.len() + y.len(), self.width);
        let writer = self.writer.as_mut().expect("rows are appended before they are read");
        for v in x.iter().chain(y.iter()) {
            writer.write_all(&v.to_le_bytes()).map_err(|e| io_error(&self.path, "write", &e))?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Ends appending.
    pub(super) fn finish(&mut self) -> Result<()> {
        if let Some(writer) = self.writer.take() {
            let file = writer.into_inner().map_err(|e| io_error(&self.path, "write", e.error()))?;
            self.file = Some(file);
        }
        Ok(())
    }

    /// Rows `start..start + rows` as `(x, y)`: the first `width - 1` values of each row, and
    /// the last.
    pub(super) fn read(&mut self, start: usize, rows: usize) -> Result<(Array2<f32>, Array2<f32>)> {
        self.finish()?;
        let file = self.file.as_mut().expect("finish leaves the file");
        let mut bytes = vec![0u8; rows * self.width * 4];
        let at = (start * self.width * 4) as u64;
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|e| io_error(&self.path, "read", &e))?;
        let f = self.width - 1;
        let (mut x, mut y) = (Array2::zeros((rows, f)), Array2::zeros((rows, 1)));
        for (r, row) in bytes.chunks_exact(self.width * 4).enumerate() {
            let mut values = row.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]));
            x.row_mut(r).iter_mut().zip(&mut values).for_each(|(d, v)| *d = v);
            y[[r, 0]] = values.next().unwrap_or_default();
        }
        Ok((x, y))
    }

    /// Scales every row's features by `scaler`, in place, `block` rows at a time: once, so
    /// that epochs read rows ready to train on.
    pub(super) fn scale(&mut self, scaler: &Scaler, block: usize) -> Result<()> {
        self.finish()?;
        for start in (0..self.rows).step_by(block.max(1)) {
            let rows = block.min(self.rows - start);
            let (x, y) = self.read(start, rows)?;
            let x = scaler.transform(&x)?;
            let mut bytes = Vec::with_capacity(rows * self.width * 4);
            for (xr, yr) in x.rows().into_iter().zip(y.rows()) {
                xr.iter().chain(yr.iter()).for_each(|v| bytes.extend_from_slice(&v.to_le_bytes()));
            }
            let file = self.file.as_mut().expect("finish leaves the file");
            let at = (start * self.width * 4) as u64;
            file.seek(SeekFrom::Start(at))
                .and_then(|_| file.write_all(&bytes))
                .map_err(|e| io_error(&self.path, "write", &e))?;
        }
        Ok(())
    }
}

/// The training and validation rows, a [`ChunkSource`].
pub(super) struct FitRows {
    pub(super) train: RowsFile,
    /// `(first row, rows)` of each training chunk in `train`.
    pub(super) chunks: Vec<(usize, usize)>,
    pub(super) validation: RowsFile,
    /// Rows per validation piece (a whole number of batches).
    pub(super) piece_rows: usize,
}

impl ChunkSource for FitRows {
    fn train_chunks(&self) -> Vec<usize> {
        self.chunks.iter().map(|&(_, rows)| rows).collect()
    }

    fn load_train(&mut self, k: usize) -> Result<(Array2<f32>, Array2<f32>)> {
        let (start, rows) = self.chunks[k];
        self.train.read(start, rows)
    }

    fn validation_pieces(&self) -> usize {
        self.validation.rows.div_ceil(self.piece_rows)
    }

    fn load_validation(&mut self, k: usize) -> Result<(Array2<f32>, Array2<f32>)> {
        let start = k * self.piece_rows;
        let rows = self.piece_rows.min(self.validation.rows - start);
        self.validation.read(start, rows)
    }
}

/// The test rows: `(x scaled, y)` a piece at a time.
pub(super) struct TestRowsFile {
    pub(super) file: RowsFile,
    pub(super) piece_rows: usize,
}

impl TestRowsFile {
    pub(super) fn pieces(&self) -> usize {
        self.file.rows.div_ceil(self.piece_rows)
    }

    pub(super) fn load(&mut self, k: usize) -> Result<(Array2<f32>, Array2<f32>)> {
        let start = k * self.piece_rows;
        let rows = self.piece_rows.min(self.file.rows - start);
        self.file.read(start, rows)
    }
}
