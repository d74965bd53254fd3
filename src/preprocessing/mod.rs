//! Scalers, one-hot encoding and train/test splits (scikit-learn names and semantics).
