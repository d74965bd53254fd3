//! Builder methods that each set one setting and return the builder, declared one line each:
//!
//! ```text
//! impl Dense {
//!     setters! {
//!         /// Sets the activation (default linear).
//!         activation(activation: Activation) => config.activation = activation;
//!     }
//! }
//! ```
//!
//! expands to `pub fn activation(mut self, activation: Activation) -> Self`, which sets
//! `self.config.activation` and returns `self`.

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident($arg:ident: $ty:ty) => $($field:ident).+ = $value:expr;)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, $arg: $ty) -> Self {
                self.$($field).+ = $value;
                self
            }
        )*
    };
}
pub(crate) use setters;
