//! Header checks and storage of a pass's cells: interned categorical values, and the final
//! assembly of a [`Table`].

use std::collections::HashMap;

use super::options::CsvOptions;
use super::parse::trim;
use super::state::{Kind, Reader};
use super::table::{Categorical, ColumnType, MISSING_CODE, Slot, Table};
use crate::error::{Error, Result};

/// What a pass accumulates.
pub(super) struct Sink {
    pub(super) storing: bool,
    /// (rows, width) numeric cells, row-major.
    pub(super) numeric: Vec<f32>,
    /// (rows,) source line of each row.
    pub(super) lines: Vec<u64>,
    pub(super) interners: Vec<Interner>,
    pub(super) rows: usize,
}

/// A categorical column being read: distinct values in first-seen order, and codes.
#[derive(Default)]
pub(super) struct Interner {
    index: HashMap<Vec<u8>, u32>,
    levels: Vec<String>,
    pub(super) codes: Vec<u32>,
}

impl Reader {
    /// Validates the header: UTF-8, non-empty and unique names; applies declared types.
    pub(super) fn read_header<'a>(
        &mut self,
        fields: impl Iterator<Item = &'a [u8]>,
        options: &CsvOptions,
    ) -> Result<()> {
        let mut names: Vec<String> = Vec::new();
        for (c, field) in fields.enumerate() {
            let field = if c == 0 { field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field) } else { field };
            let Ok(name) = std::str::from_utf8(trim(field)) else {
                return Err(self.error(
                    Some(1),
                    Some(c),
                    "this column's name is not valid UTF-8 text; save the file as UTF-8".into(),
                ));
            };
            if name.is_empty() {
                return Err(self.error(Some(1), Some(c),
                    "this column has an empty name; every column needs a name in the header row (an unnamed first column is often an index written by pandas: save with index=False)".into()));
            }
            if let Some(first) = names.iter().position(|n| n == name) {
                return Err(Error::Csv {
                    file: self.file.clone(),
                    line: Some(1),
                    column: Some(name.to_string()),
                    reason: format!(
                        "duplicate column name (columns #{} and #{}); rename one of them",
                        first + 1,
                        c + 1
                    ),
                });
            }
            names.push(name.to_string());
        }
        let mut kinds = vec![Kind::Numeric { declared: false }; names.len()];
        for (name, column_type) in &options.column_types {
            let Some(c) = names.iter().position(|n| n == name) else {
                return Err(Error::UnknownColumn {
                    name: name.clone(),
                    source_name: self.file.clone(),
                    available: names.join(", "),
                });
            };
            kinds[c] = match column_type {
                ColumnType::Numeric => Kind::Numeric { declared: true },
                ColumnType::Categorical => Kind::Categorical,
            };
        }
        self.names = names;
        self.kinds = kinds;
        Ok(())
    }

    pub(super) fn intern(&self, interner: &mut Interner, cell: &[u8], line: Option<u64>, c: usize) -> Result<u32> {
        if self.missing.iter().any(|m| m.as_slice() == cell) {
            return Ok(MISSING_CODE);
        }
        if let Some(&code) = interner.index.get(cell) {
            return Ok(code);
        }
        let Ok(text) = std::str::from_utf8(cell) else {
            return Err(self.error(
                line,
                Some(c),
                format!(
                    "the value is not valid UTF-8 text (bytes {:?}); save the file as UTF-8",
                    String::from_utf8_lossy(cell)
                ),
            ));
        };
        let code = interner.levels.len() as u32;
        interner.levels.push(text.to_string());
        interner.index.insert(cell.to_vec(), code);
        Ok(code)
    }

    /// Assembles the table; categorical levels get sorted and codes renumbered.
    pub(super) fn build(&self, sink: Sink) -> Table {
        let Sink { mut numeric, interners, lines, .. } = sink;
        numeric.shrink_to_fit();
        let mut categorical = Vec::with_capacity(interners.len());
        for interner in interners {
            let mut order: Vec<u32> = (0..interner.levels.len() as u32).collect();
            order.sort_by(|&a, &b| interner.levels[a as usize].cmp(&interner.levels[b as usize]));
            let mut remap = vec![0u32; order.len()];
            for (new, &old) in order.iter().enumerate() {
                remap[old as usize] = new as u32;
            }
            let mut levels = interner.levels;
            levels.sort();
            let codes = interner.codes.iter().map(|&c| if c == MISSING_CODE { c } else { remap[c as usize] }).collect();
            categorical.push(Categorical { levels, codes });
        }
        let (mut n_num, mut n_cat) = (0, 0);
        let slots = self
            .kinds
            .iter()
            .map(|k| match k {
                Kind::Numeric { .. } => {
                    n_num += 1;
                    Slot::Numeric(n_num - 1)
                }
                Kind::Categorical => {
                    n_cat += 1;
                    Slot::Categorical(n_cat - 1)
                }
            })
            .collect();
        Table { source: self.file.clone(), names: self.names.clone(), slots, numeric, width: n_num, categorical, lines }
    }
}
