//! Semantic Scholar's bulk datasets (S2AG, issue #26): the field around the list, beyond what the
//! Graph API's pace allows. The facts the code respects are in ../shared/S2-DATASETS.md.
//!
//! - `api.rs`: the Datasets API (releases, a release's shard links, diffs), downloading shards
//!   into the cache (resumable, verified) and applying a release's diffs;
//! - `shards.rs`: reading `papers`, `citations` and `paper-ids` shards (gzip JSON Lines), in
//!   parallel over shards, and filtering them to the catalogue's k-hop neighbourhood, written as a
//!   snapshot every command reads (`--snapshot`).

pub mod api;
pub mod command;
pub mod shards;
