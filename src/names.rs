//! Keras's string identifiers of kerust's closed families (activations, initializers,
//! losses, metrics, optimizers): each value prints as its Keras name, and the string parses
//! back to the value (`FromStr`, with aliases) in the family's own file.

/// `Display` of each type as its `name()` (`"relu"`, `"mean_squared_error"`, `"adam"`).
macro_rules! display_as_name {
    ($($t:ty),+) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    )+};
}

display_as_name!(
    crate::activations::Activation,
    crate::initializers::Initializer,
    crate::losses::Loss,
    crate::metrics::Metric,
    crate::optimizers::OptimizerConfig
);
