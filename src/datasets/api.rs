//! The Datasets API client: see the module documentation of `crate::datasets`.
