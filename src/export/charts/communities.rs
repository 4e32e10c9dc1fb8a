use super::canvas::Canvas;
use super::parts::{draw_empty, empty_height};
use super::{Chart, MechanismGroups, Style};
use crate::analysis::Analysis;
use anyhow::Result;
pub(super) struct Communities;
impl Communities {
    pub fn new(_a: &Analysis, _g: &MechanismGroups) -> Self {
        Communities
    }
}
impl Chart for Communities {
    fn title(&self) -> String {
        "Communities".into()
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
