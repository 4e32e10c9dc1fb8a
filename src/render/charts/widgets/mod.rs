//! The widgets the figures share, one kind a file; a figure file composes them and draws only
//! what is its own.
//!
//! - `title.rs`: the title at the top of every figure, the page of a figure with nothing to
//!   show, a note under a plot, a panel's heading.
//! - `legend.rs`: legends in balanced columns, under a plot or beside it.
//! - `marker.rs`: legend keys and data markers, the stripes of a count that is not final, the
//!   outline a light fill needs.
//! - `axis.rs`: numeric axes drawn along a plot (ticks, labels, gridlines, titles) and the room
//!   they take; where the ticks go is `scale.rs`'s job, one folder up.
//! - `heatmap.rs` and `colorbar.rs`: heat maps and the colour bar under them.
//! - `bars.rs`: lists of horizontal bars on a shared value axis.
//!
//! Every widget measures itself (`height`, `*_height`) with the same arithmetic it draws with,
//! so that a figure's height is known before it is drawn.

mod axis;
mod bars;
mod colorbar;
mod heatmap;
mod legend;
mod marker;
mod title;

pub(crate) use axis::{
    draw_x_axis, draw_y_axis, roomy_linear_ticks, x_axis_height, y_axis_width, AxisStyle,
};
pub(crate) use bars::{label_room, Bar, BarList};
pub(crate) use colorbar::Colorbar;
pub(crate) use heatmap::Heatmap;
pub(crate) use legend::{swatches, LegendBlock, LegendEntry};
pub(crate) use marker::{draw_marker, draw_stripes, outline_for, Marker};
pub(crate) use title::{
    draw_empty, draw_heading, draw_note, draw_title, empty_height, heading_height, note_height,
    title_height,
};

/// A rectangle in pixels: `x0 <= x1` left to right, `y0 <= y1` top to bottom.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    /// `x1 - x0`, in pixels.
    pub fn width(&self) -> f64 {
        self.x1 - self.x0
    }
    /// `y1 - y0`, in pixels.
    pub fn height(&self) -> f64 {
        self.y1 - self.y0
    }
}
