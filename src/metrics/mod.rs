//! Graph metrics, one algorithm a file, each a free function over a compact adjacency.
