//! The model: [`Sequential`], its training loop ([`FitConfig`], `fit`), [`History`] and
//! `summary()`.

mod fit;
mod history;
mod progress;
mod sequential;
mod summary;
mod validate;

pub use fit::FitConfig;
pub use history::{History, Logs};
pub use sequential::Sequential;
