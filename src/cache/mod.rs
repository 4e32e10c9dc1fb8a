//! The on-disk cache: one file per request or record, named by a hash, written atomically.
