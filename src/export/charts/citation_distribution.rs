use super::canvas::Canvas;
use super::parts::{draw_empty, empty_height};
use super::{Chart, Style};
use crate::analysis::Analysis;
use anyhow::Result;
pub(super) struct CitationDistribution;
impl CitationDistribution {
    pub fn new(_a: &Analysis) -> Self {
        CitationDistribution
    }
}
impl Chart for CitationDistribution {
    fn title(&self) -> String {
        "x".into()
    }
    fn caption(&self) -> String {
        String::new()
    }
    fn height(&self, st: &Style) -> f64 {
        empty_height(st)
    }
    fn draw(&self, c: &Canvas, st: &Style) -> Result<()> {
        draw_empty(c, st, &self.title(), "todo")
    }
}
