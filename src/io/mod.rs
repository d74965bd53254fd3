//! Files: atomic writes, and the one-file model format (safetensors + JSON metadata).

mod atomic;
mod bundle;
mod locate;

pub use atomic::write_atomic;
pub(crate) use bundle::Sections;
pub use bundle::{CompileConfig, FORMAT_VERSION, ModelMeta};
