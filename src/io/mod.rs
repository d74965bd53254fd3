//! Files: atomic writes, and the one-file model format (safetensors + JSON metadata).

mod atomic;
mod bundle;

pub use atomic::write_atomic;
pub use bundle::{CompileConfig, FORMAT_VERSION, ModelMeta};
pub(crate) use bundle::Sections;
