//! [`Task`]: regression or classification, and how the workflow tells them apart.

use serde::{Deserialize, Serialize};

use crate::data::{Table, Value};
use crate::error::Result;
use crate::names::named;

/// What the model predicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Numbers: one linear output unit, MSE.
    Regression,
    /// Classes: a sigmoid unit (two classes) or a softmax over the classes, cross-entropy.
    Classification,
}

/// At most this many distinct integers make a numeric target a class label.
pub const MAX_INTEGER_CLASSES: usize = 20;

impl Task {
    /// The task of column `target`: classification for text, or for integers with at most
    /// [`MAX_INTEGER_CLASSES`] distinct values; regression otherwise. Missing cells are
    /// ignored.
    ///
    /// ```
    /// use kerust::data::Table;
    /// use kerust::tabular::Task;
    /// let table = Table::from_reader("x,y,z\n1,a,0.5\n2,b,1.5\n3,a,2.5\n".as_bytes())?;
    /// assert_eq!(Task::infer(&table, "y")?, Task::Classification);
    /// assert_eq!(Task::infer(&table, "x")?, Task::Classification); // few integers
    /// assert_eq!(Task::infer(&table, "z")?, Task::Regression);
    /// # Ok::<(), kerust::Error>(())
    /// ```
    pub fn infer(table: &Table, target: &str) -> Result<Task> {
        let mut numbers = Vec::new();
        for v in table.column_values(target)? {
            match v {
                Value::Text(_) => return Ok(Task::Classification),
                Value::Number(x) => numbers.push(x),
                Value::Missing => {}
            }
        }
        let integers = numbers.iter().all(|x| x.fract() == 0.0);
        numbers.sort_by(f32::total_cmp);
        numbers.dedup();
        Ok(if integers && numbers.len() <= MAX_INTEGER_CLASSES { Task::Classification } else { Task::Regression })
    }
}

named!(Task, "task", Regression = "regression", Classification = "classification");
