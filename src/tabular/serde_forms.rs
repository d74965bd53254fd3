//! How [`TabularSpec`](super::TabularSpec) fields read and write in a settings file: by
//! Keras's string names where one says it all (`"adam"`, `"mse"`, `"balanced"`, `"auto"`),
//! and in full where it does not (an optimizer with its own `beta_1`, a loss with a `delta`).

use std::collections::BTreeMap;
use std::fmt::Display;
use std::str::FromStr;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A name, or the value's full serde form.
#[derive(Deserialize)]
#[serde(untagged)]
enum Form<T> {
    Name(String),
    Full(T),
}

/// `Option<T>` as `"auto"` (`None`) or `T`: by name when the name rebuilds it exactly.
pub(super) mod auto {
    use super::*;

    pub fn serialize<S: Serializer, T>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error>
    where
        T: Serialize + Display + FromStr + PartialEq,
    {
        match value {
            None => s.serialize_str("auto"),
            Some(v) if v.to_string().parse::<T>().ok().as_ref() == Some(v) => s.serialize_str(&v.to_string()),
            Some(v) => v.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T>(d: D) -> Result<Option<T>, D::Error>
    where
        T: Deserialize<'de> + FromStr,
        T::Err: Display,
    {
        match Form::<T>::deserialize(d)? {
            Form::Name(name) if name.trim().eq_ignore_ascii_case("auto") => Ok(None),
            Form::Name(name) => name.parse().map(Some).map_err(D::Error::custom),
            Form::Full(v) => Ok(Some(v)),
        }
    }
}

/// An optimizer as its Keras name (`"adam"`) when it has that kind's defaults (the learning
/// rate aside, which the spec holds), else in full (`class_name` + `config`).
pub(super) mod optimizer {
    use super::*;
    use crate::optimizers::OptimizerConfig;

    pub fn serialize<S: Serializer>(config: &OptimizerConfig, s: S) -> Result<S::Ok, S::Error> {
        let name = config.name();
        let default: OptimizerConfig = name.parse().map_err(serde::ser::Error::custom)?;
        if with_unit_rate(config) == with_unit_rate(&default) { s.serialize_str(name) } else { config.serialize(s) }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OptimizerConfig, D::Error> {
        match Form::<OptimizerConfig>::deserialize(d)? {
            Form::Name(name) => name.parse().map_err(D::Error::custom),
            Form::Full(config) => Ok(config),
        }
    }

    fn with_unit_rate(config: &OptimizerConfig) -> OptimizerConfig {
        let mut optimizer = config.build();
        optimizer.set_learning_rate(1.0);
        optimizer.config()
    }
}

/// `Option<ClassWeight>` as `"balanced"` or a table `{ "0" = 1.0, "1" = 3.5 }` (class index →
/// weight); absent for `None`.
pub(super) mod class_weight {
    use super::*;
    use crate::model::ClassWeight;

    pub fn serialize<S: Serializer>(value: &Option<ClassWeight>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            None => s.serialize_none(),
            Some(ClassWeight::Balanced) => s.serialize_str("balanced"),
            Some(ClassWeight::Map(map)) => {
                let named: BTreeMap<String, f32> = map.iter().map(|(k, w)| (k.to_string(), *w)).collect();
                named.serialize(s)
            }
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ClassWeight>, D::Error> {
        match Option::<Form<BTreeMap<String, f32>>>::deserialize(d)? {
            None => Ok(None),
            Some(Form::Name(name)) => name.parse().map(Some).map_err(D::Error::custom),
            Some(Form::Full(named)) => {
                let mut map = BTreeMap::new();
                for (k, w) in named {
                    let class: usize = k.trim().parse().map_err(|_| {
                        D::Error::custom(format!("class_weight: {k:?} is not a class index (0, 1, 2, ...)"))
                    })?;
                    map.insert(class, w);
                }
                Ok(Some(ClassWeight::Map(map)))
            }
        }
    }
}
