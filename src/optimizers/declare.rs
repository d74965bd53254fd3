//! `optimizer!`: declares an optimizer from its hyper-parameters, each with its Keras default
//! and the values it may take (`beta_1: f32 = 0.9 in 0.0..1.0;`), and the names of its state
//! slots. An optimizer file is that declaration and `update` (its rule); this writes the
//! rest, the same for every optimizer:
//!
//! - the struct: the shared [`OptimizerBase`](super::base::OptimizerBase) (learning rate,
//!   clipping, steps; serialized flat beside the hyper-parameters, as Keras's `get_config`),
//!   the public hyper-parameters, the slots (state, never serialized);
//! - `new(learning_rate)` with the other defaults, `Default` with Keras's learning rate, a
//!   builder method per hyper-parameter, the clipping builders;
//! - `validate`: the learning rate, the clipping, every hyper-parameter's allowed values;
//! - the rest of the [`Optimizer`](super::Optimizer) impl: clip, `update`, count the step;
//!   the config without state; state save and restore by slot name.

macro_rules! optimizer {
    (
        $(#[$doc:meta])*
        $name:ident {
            learning_rate: $lr:literal,
            slots: [$($slot:literal),+],
            $($(#[$field_doc:meta])* $field:ident: $ty:ty = $default:literal $(in $allowed:expr)?;)*
        }
    ) => {
        /// Number of state slots. A constant of its own (one optimizer per module), because
        /// serde's derive parses the field types and, without syn's "full" feature (which
        /// only the CLI's clap pulls in), cannot parse a method call in an array length.
        const SLOT_COUNT: usize = [$($slot),+].len();

        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        pub struct $name {
            #[serde(flatten)]
            base: $crate::optimizers::base::OptimizerBase,
            $($(#[$field_doc])* pub $field: $ty,)*
            #[serde(skip)]
            slots: [Vec<Vec<f32>>; SLOT_COUNT],
        }

        impl Default for $name {
            fn default() -> Self {
                $name::new($lr)
            }
        }

        impl $name {
            /// Names of the state slots, as the model file stores them (`optimizer.{slot}.{i}`).
            const SLOTS: &'static [&'static str] = &[$($slot),+];

            #[doc = concat!("`", stringify!($name), "` with this learning rate and Keras's other defaults.")]
            pub fn new(learning_rate: f32) -> Self {
                $name {
                    base: $crate::optimizers::base::OptimizerBase::new(learning_rate),
                    $($field: $default,)*
                    slots: Default::default(),
                }
            }

            $(
                #[doc = concat!("Sets `", stringify!($field), "` (default ", stringify!($default), ").")]
                pub fn $field(mut self, $field: $ty) -> Self {
                    self.$field = $field;
                    self
                }
            )*

            /// Clips each gradient tensor to this L2 norm before the update.
            pub fn clipnorm(mut self, clipnorm: f32) -> Self {
                self.base.clipping.clipnorm = Some(clipnorm);
                self
            }

            /// Clips each gradient element to `[-clipvalue, clipvalue]` before the update.
            pub fn clipvalue(mut self, clipvalue: f32) -> Self {
                self.base.clipping.clipvalue = Some(clipvalue);
                self
            }

            /// Clips all gradients together to this joint L2 norm before the update.
            pub fn global_clipnorm(mut self, global_clipnorm: f32) -> Self {
                self.base.clipping.global_clipnorm = Some(global_clipnorm);
                self
            }
        }

        impl $crate::optimizers::Optimizer for $name {
            fn learning_rate(&self) -> f32 {
                self.base.learning_rate
            }

            fn set_learning_rate(&mut self, learning_rate: f32) {
                self.base.learning_rate = learning_rate;
            }

            fn iterations(&self) -> u64 {
                self.base.iterations
            }

            fn apply(&mut self, params: &mut [$crate::layers::Param<'_>]) {
                self.base.clipping.apply(params);
                self.update(params);
                self.base.iterations += 1;
            }

            fn config(&self) -> $crate::optimizers::OptimizerConfig {
                let mut fresh = self.clone();
                fresh.base.iterations = 0;
                fresh.slots = Default::default();
                $crate::optimizers::OptimizerConfig::$name(fresh)
            }

            fn validate(&self) -> $crate::error::Result<()> {
                self.base.validate()?;
                $($($crate::optimizers::allowed::Allowed::check(&$allowed, stringify!($field), self.$field)?;)?)*
                Ok(())
            }

            fn state(&self) -> Vec<(&'static str, &[Vec<f32>])> {
                $crate::optimizers::base::saved_slots(Self::SLOTS, &self.slots)
            }

            fn set_state(&mut self, iterations: u64, slots: Vec<(String, Vec<Vec<f32>>)>) {
                self.base.iterations = iterations;
                $crate::optimizers::base::restore_slots(Self::SLOTS, &mut self.slots, slots);
            }
        }
    };
}
pub(crate) use optimizer;
