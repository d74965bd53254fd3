//! Any bytes as a CSV file: reading gives a `Table` or a typed error, never a panic; a table
//! that reads also describes, lints and encodes its last column as the target.
#![no_main]

use kerust::data::{EncodeOptions, LintOptions, Table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(table) = Table::from_reader(bytes) else { return };
    let _ = table.describe();
    if let Some(target) = table.columns().last().cloned() {
        let _ = table.lint(&LintOptions::new(&target));
        let _ = table.encode(&target, &EncodeOptions::default());
    }
});
