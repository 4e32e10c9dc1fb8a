//! Shard reading and the k-hop filter: see the module documentation of `crate::datasets`.
