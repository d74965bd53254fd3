//! Tables read from CSV and the embedded datasets.
