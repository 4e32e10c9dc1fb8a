//! The integration tests, one module per file, built as one test binary: each file used to be
//! its own binary, and forty-odd binaries that each link the whole crate filled a CI machine's
//! disk (and spent minutes linking). `tests/fetch_secrets.rs` and `tests/openalex_secrets.rs` stay
//! alone: they set `S2_API_KEY` / `OPENALEX_API_KEY` and install a global log subscriber. Run
//! one file's tests with `cargo test --test it FILE::`.

mod analyze_support;
mod chaos_support;
mod common;
mod fetch_support;
mod reliability_support;
mod render_support;
mod scope_support;

mod age_fair_oracle;
mod analyze_oracle;
mod analyze_world;
mod catalog_bad_input;
mod catalog_duplicates;
mod catalog_faults;
mod catalog_formats;
mod catalog_house;
mod catalog_lint;
mod catalog_real;
mod catalog_remote;
mod catalog_snapshot;
mod catalog_walk;
mod chaos;
mod charts;
mod charts_fonts;
mod cli_conventions;
mod cli_house;
mod cli_interrupt;
mod cluster_map_world;
mod datasets_shards;
mod evaluate;
mod expand_world;
mod exports_parsers;
mod fetch_budget;
mod fetch_cli;
mod fetch_faults;
mod fetch_gaps;
mod fetch_moves;
mod fetch_recorded;
mod fetch_resume;
mod fetch_update;
mod fetch_world;
mod figure_layout;
mod influence_age_fair;
mod maps_oracle;
mod openalex_limits;
mod openalex_wire;
mod openalex_world;
mod opencitations_mock;
mod opencitations_recorded;
mod opencitations_secrets;
mod outputs_unchanged;
mod partial_render;
mod reliability_concurrency;
mod reliability_faults;
mod reliability_hostile;
mod reliability_interrupt;
mod reliability_secrets;
mod render_bibtex;
mod render_dot;
mod render_graphml;
mod render_map;
mod render_report;
mod render_text;
mod scope_world;
mod sources_world;
mod suggestions_world;
mod time_oracle;
mod watch_digest;
mod watch_stability;
mod watch_workflow;
mod weighted_oracle;
mod works_cases;
