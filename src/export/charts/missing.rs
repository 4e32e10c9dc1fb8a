use super::canvas::Canvas;
use super::parts::{draw_empty, empty_height};
use super::{Chart, MechanismGroups, Style};
use crate::analysis::Analysis;
use anyhow::Result;
pub(super) struct Missing;
impl Missing {
    pub fn new(_a: &Analysis, _g: &MechanismGroups) -> Self {
        Missing
    }
}
impl Chart for Missing {
    fn title(&self) -> String {
        "Missing".into()
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
