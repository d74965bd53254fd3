//! Any text as a `settings.toml`: it parses into a `TabularSpec` or fails with an error, and
//! a spec that parses validates or fails with a typed error, never a panic; a valid spec
//! writes back to TOML that reads as the same spec.
#![no_main]

use kerust::tabular::TabularSpec;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Ok(spec) = toml::from_str::<TabularSpec>(text) else { return };
    if spec.validate().is_ok() {
        let written = toml::to_string(&spec).expect("a valid spec serializes");
        let again: TabularSpec = toml::from_str(&written).expect("written settings read back");
        assert_eq!(again, spec, "{written}");
    }
});
