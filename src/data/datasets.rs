//! Six small real datasets, embedded in the binary (no download), each returned as a [`Table`].
//!
//! Every file is UTF-8, comma-separated, one header row, no missing values, and **the target
//! is the last column**. Each was copied as text from a data file shipped inside a PyPI package
//! (see `data/README.md` in the repository for package versions, paths and checksums).
//!
//! ```
//! use kerust::datasets;
//! let table = datasets::boston_housing();
//! assert_eq!(table.shape(), (506, 14));
//! let (x, y) = table.features_target("MEDV")?;
//! assert_eq!((x.ncols(), y.ncols()), (13, 1));
//! # Ok::<(), kerust::Error>(())
//! ```

use super::table::Table;
use crate::error::{Error, Result};

/// What [`all`] lists about each embedded dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DatasetInfo {
    /// Name, as accepted by [`load`] (`boston_housing`, ...).
    pub name: &'static str,
    /// Data rows.
    pub rows: usize,
    /// Columns, target included.
    pub cols: usize,
    /// The target column (always the last one).
    pub target: &'static str,
    /// `regression` or `classification`.
    pub task: &'static str,
    /// One line on what it is.
    pub description: &'static str,
    csv: &'static str,
}

impl DatasetInfo {
    /// The embedded CSV text.
    pub fn csv(&self) -> &'static str {
        self.csv
    }
}

const DATASETS: [DatasetInfo; 6] = [
    DatasetInfo {
        name: "boston_housing",
        rows: 506,
        cols: 14,
        target: "MEDV",
        task: "regression",
        description: "Boston house prices (1978), 13 features; see the B-column caveat",
        csv: include_str!("../../data/boston_housing.csv"),
    },
    DatasetInfo {
        name: "diabetes",
        rows: 442,
        cols: 11,
        target: "target",
        task: "regression",
        description: "diabetes progression after one year, 10 raw (unscaled) baseline features",
        csv: include_str!("../../data/diabetes.csv"),
    },
    DatasetInfo {
        name: "iris",
        rows: 150,
        cols: 5,
        target: "species",
        task: "classification",
        description: "Fisher's iris flowers, 4 measurements, 3 species (strings)",
        csv: include_str!("../../data/iris.csv"),
    },
    DatasetInfo {
        name: "breast_cancer",
        rows: 569,
        cols: 31,
        target: "target",
        task: "classification",
        description: "Wisconsin diagnostic breast cancer, 30 features, 0 = malignant, 1 = benign",
        csv: include_str!("../../data/breast_cancer.csv"),
    },
    DatasetInfo {
        name: "wine",
        rows: 178,
        cols: 14,
        target: "target",
        task: "classification",
        description: "wine recognition, 13 chemical features, 3 cultivars (0/1/2)",
        csv: include_str!("../../data/wine.csv"),
    },
    DatasetInfo {
        name: "carseats",
        rows: 400,
        cols: 11,
        target: "Sales",
        task: "regression",
        description: "simulated child car seat sales (ISLR), with 3 categorical columns",
        csv: include_str!("../../data/carseats.csv"),
    },
];

/// Every embedded dataset, in a fixed order.
pub fn all() -> &'static [DatasetInfo] {
    &DATASETS
}

/// The dataset called `name` (one of [`all`]'s names).
pub fn load(name: &str) -> Result<Table> {
    let info = DATASETS.iter().find(|d| d.name == name).ok_or_else(|| Error::UnknownName {
        kind: "dataset",
        value: name.to_string(),
        expected: DATASETS.iter().map(|d| d.name).collect::<Vec<_>>().join(", "),
    })?;
    Table::from_bytes(info.csv.as_bytes(), &format!("dataset {}", info.name))
}

/// Loads an embedded dataset that the test suite reads on every run; it cannot fail.
fn embedded(name: &str) -> Table {
    match load(name) {
        Ok(table) => table,
        Err(e) => unreachable!("embedded dataset {name} is valid (checked by tests): {e}"),
    }
}

/// Boston housing: 506 × 14, regression target `MEDV` (median home value in $1000s, 5–50,
/// censored at 50.0 in 16 rows).
///
/// Source: scikit-learn 1.1.3, `sklearn/datasets/data/boston_house_prices.csv` (removed in
/// scikit-learn 1.2); origin Harrison & Rubinfeld (1978), StatLib / UCI. Columns
/// `CRIM,ZN,INDUS,CHAS,NOX,RM,AGE,DIS,RAD,TAX,PTRATIO,B,LSTAT,MEDV`; `CHAS` is a 0/1 dummy and
/// `RAD` an integer index.
///
/// **Ethics caveat:** column `B` = 1000(Bk − 0.63)², where Bk is the proportion of Black
/// residents by town. scikit-learn's warning: the authors "engineered a non-invertible variable
/// 'B' assuming that racial self-segregation had a positive impact on house prices";
/// scikit-learn deprecated `load_boston` in 1.0, removed it in 1.2, and discourages its use
/// except to study or teach ethics in ML. It is here because it is the classic Keras regression
/// lesson; prefer [`diabetes`] or [`carseats`], or drop `B` (`table.drop(&["B"])`).
pub fn boston_housing() -> Table {
    embedded("boston_housing")
}

/// Diabetes: 442 × 11, regression target `target` (disease progression one year after
/// baseline, integers 25–346).
///
/// Source: scikit-learn 1.9.1, `diabetes_data_raw.csv.gz` + `diabetes_target.csv.gz`; origin
/// Efron, Hastie, Johnstone & Tibshirani (2004), "Least Angle Regression". **Raw, unscaled**
/// values (scikit-learn's `load_diabetes()` returns a scaled copy). Columns
/// `age,sex,bmi,bp,s1..s6`; `sex` is coded 1/2.
pub fn diabetes() -> Table {
    embedded("diabetes")
}

/// Iris: 150 × 5, classification target `species` (`setosa`, `versicolor`, `virginica`,
/// 50 each; strings, so [`Table::label_map`] gives that order).
///
/// Source: scikit-learn 1.9.1, `sklearn/datasets/data/iris.csv`; origin R.A. Fisher (1936).
/// Features `sepal_length,sepal_width,petal_length,petal_width` (cm).
pub fn iris() -> Table {
    embedded("iris")
}

/// Breast cancer (Wisconsin diagnostic): 569 × 31, binary target `target`: **0 = malignant
/// (212), 1 = benign (357)**, scikit-learn's coding.
///
/// Source: scikit-learn 1.9.1, `sklearn/datasets/data/breast_cancer.csv`; origin UCI. Column
/// names are scikit-learn's `feature_names` with spaces as `_`. Scales differ by ~5 orders of
/// magnitude: standardise first.
pub fn breast_cancer() -> Table {
    embedded("breast_cancer")
}

/// Wine: 178 × 14, classification target `target` (cultivar 0/1/2; 59/71/48 rows).
///
/// Source: scikit-learn 1.9.1, `sklearn/datasets/data/wine_data.csv`; origin UCI wine
/// recognition data. `od280/od315_of_diluted_wines` is renamed `od280_od315_of_diluted_wines`.
/// Scales differ widely: standardise first.
pub fn wine() -> Table {
    embedded("wine")
}

/// Carseats: 400 × 11, regression target `Sales` (unit sales in thousands, 0–16.27), with
/// categorical columns `ShelveLoc` (`Bad`/`Good`/`Medium`), `Urban` and `US` (`No`/`Yes`).
///
/// Source: ISLP 0.6.0, `ISLP/data/Carseats.csv` (*An Introduction to Statistical Learning*);
/// a simulated data set made by the book's authors. `Sales` was moved to the last column.
pub fn carseats() -> Table {
    embedded("carseats")
}
