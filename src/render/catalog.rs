//! `OUTPUT/catalog.json`: the whole [`Catalog`] (papers with their listings, lint findings,
//! reading warnings), pretty-printed so a diff between two runs reads line by line.

use anyhow::{Context, Result};

use super::OutputFile;
use crate::catalog::Catalog;

/// `catalog.json`, for [`super::write_outputs`].
pub fn catalog_file(catalog: &Catalog) -> Result<OutputFile> {
    let mut json = serde_json::to_vec_pretty(catalog).context("cannot serialize the catalogue")?;
    json.push(b'\n');
    Ok(OutputFile::new("catalog.json", json))
}
