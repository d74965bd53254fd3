//! `named!`: `name()`, `Display` and `FromStr` for a closed set of settings spelled by
//! strings (`"minmax"`, `"most_frequent"`, ...), so each such enum states its names once.

/// For `enum $t`, maps each variant to its name (and optional aliases). Parsing trims,
/// ignores case and reads `-` as `_`; an unknown name is an [`Error::UnknownName`]
/// listing the names.
///
/// [`Error::UnknownName`]: crate::Error::UnknownName
macro_rules! named {
    ($t:ty, $kind:literal, $($variant:ident = $name:literal $(| $alias:literal)*),+ $(,)?) => {
        impl $t {
            /// This value's name, as settings files and flags spell it.
            pub fn name(self) -> &'static str {
                match self { $(<$t>::$variant => $name),+ }
            }
        }

        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }

        impl std::str::FromStr for $t {
            type Err = $crate::error::Error;

            fn from_str(s: &str) -> $crate::error::Result<Self> {
                match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                    $($name $(| $alias)* => Ok(<$t>::$variant),)+
                    _ => Err($crate::error::Error::UnknownName {
                        kind: $kind,
                        value: s.to_string(),
                        expected: [$($name),+].join(", "),
                    }),
                }
            }
        }
    };
}

pub(crate) use named;
