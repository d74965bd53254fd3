//! `Display` as the Keras name for the families whose values carry settings (a loss's
//! `from_logits`, an initializer's range, an optimizer's hyper-parameters), which `named!`
//! (for plain names) does not fit: each prints its `name()`, and parses in its own file.

/// `Display` of each type as its `name()`: `"huber"`, `"glorot_uniform"`, `"adam"`.
macro_rules! display_as_name {
    ($($t:ty),+) => {$(
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    )+};
}

display_as_name!(crate::losses::Loss, crate::initializers::Initializer, crate::optimizers::OptimizerConfig);
