//! Label placement with collision avoidance, on plain boxes: each label takes the cheapest of
//! its candidate spots that conflicts with no label already placed. The report's map gives a
//! paper's name two candidates (above its circle, then below) at no cost; the cluster map gives
//! a cluster's name rings of spots around its anchor, costed by distance, covered markers and
//! crossing leader lines. The geometry both use (boxes, overlap, gap, leader-line tests) is here.
//!
//! The search ([`Placement::cheapest`]) is deterministic: candidates are tried in the order given
//! and ties go to the first, so the same input places the same labels bit for bit.

/// An axis-aligned box from (x0, y0) to (x1, y1), x0 <= x1 and y0 <= y1, in drawing units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    /// Left edge.
    pub x0: f64,
    /// Edge of the smaller y (the top in SVG).
    pub y0: f64,
    /// Right edge.
    pub x1: f64,
    /// Edge of the larger y.
    pub y1: f64,
}

impl Bounds {
    /// True when the two boxes share area (touching edges do not).
    pub fn overlaps(&self, other: &Bounds) -> bool {
        self.x0 < other.x1 && other.x0 < self.x1 && self.y0 < other.y1 && other.y0 < self.y1
    }

    /// True when the two boxes are at least `gap` apart on one axis.
    pub fn keeps_gap(&self, other: &Bounds, gap: f64) -> bool {
        self.x0 >= other.x1 + gap
            || other.x0 >= self.x1 + gap
            || self.y0 >= other.y1 + gap
            || other.y0 >= self.y1 + gap
    }

    /// The distance from (x, y) to the box, 0 inside it.
    pub fn distance_to(&self, (x, y): (f64, f64)) -> f64 {
        let dx = (self.x0 - x).max(x - self.x1).max(0.0);
        let dy = (self.y0 - y).max(y - self.y1).max(0.0);
        (dx * dx + dy * dy).sqrt()
    }

    /// The point of the box nearest to (x, y) (where a leader line to it leaves the box).
    pub fn nearest_point(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x.clamp(self.x0, self.x1), y.clamp(self.y0, self.y1))
    }
}

/// Whether the segment from `a` to `b` meets the box `l` (Liang-Barsky clipping).
pub fn segment_meets_box(((ax, ay), (bx, by)): ((f64, f64), (f64, f64)), l: &Bounds) -> bool {
    let (dx, dy) = (bx - ax, by - ay);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, ax - l.x0),
        (dx, l.x1 - ax),
        (-dy, ay - l.y0),
        (dy, l.y1 - ay),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t0 < t1
}

/// Whether two segments cross (a shared end point does not count).
pub fn segments_cross((a, b): ((f64, f64), (f64, f64)), (c, d): ((f64, f64), (f64, f64))) -> bool {
    let side = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0)
    };
    let (d1, d2) = (side(c, d, a), side(c, d, b));
    let (d3, d4) = (side(a, b, c), side(a, b, d));
    d1 * d2 < 0.0 && d3 * d4 < 0.0
}

/// One group of a label's candidate spots, tried in order, with `floor`: a cost that no spot of
/// this group or of a later one goes below (the search stops after a group whose floor exceeds
/// the best cost found; `f64::INFINITY` when the group is the last worth trying).
#[derive(Debug, Clone, PartialEq)]
pub struct Candidates<S> {
    /// The spots, in the order they are tried.
    pub spots: Vec<S>,
    /// The least cost of this group's spots and every later group's.
    pub floor: f64,
}

/// What a label placement decides: when two spots conflict (overlap, or sit closer than a gap)
/// and what a spot costs among the labels already placed (0 for every spot: the first free
/// candidate wins).
pub trait Placement {
    /// A candidate spot: a box, with whatever the caller needs to draw the label there.
    type Spot: Clone;

    /// Whether `a` and `b` may not both be placed.
    fn conflicts(&self, a: &Self::Spot, b: &Self::Spot) -> bool;

    /// The cost of `spot` with `placed` already placed; lower is better.
    fn cost(&self, spot: &Self::Spot, placed: &[Self::Spot]) -> f64;

    /// Whether `spot` conflicts with none of `placed`.
    fn is_free(&self, spot: &Self::Spot, placed: &[Self::Spot]) -> bool {
        placed.iter().all(|p| !self.conflicts(spot, p))
    }

    /// The cheapest free spot of `candidates` (groups in order) among `placed`, with its cost;
    /// ties go to the first. None when no spot is free. Costs each free spot once.
    fn cheapest(
        &self,
        candidates: impl IntoIterator<Item = Candidates<Self::Spot>>,
        placed: &[Self::Spot],
    ) -> Option<(f64, Self::Spot)> {
        let mut best: Option<(f64, Self::Spot)> = None;
        for group in candidates {
            for spot in group.spots {
                if !self.is_free(&spot, placed) {
                    continue;
                }
                let cost = self.cost(&spot, placed);
                if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                    best = Some((cost, spot));
                }
            }
            if let Some((b, _)) = &best {
                if group.floor > *b {
                    break;
                }
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Spots on a line, costing their distance from 10, conflicting when they overlap.
    struct OnALine;

    impl Placement for OnALine {
        type Spot = Bounds;
        fn conflicts(&self, a: &Bounds, b: &Bounds) -> bool {
            a.overlaps(b)
        }
        fn cost(&self, spot: &Bounds, _placed: &[Bounds]) -> f64 {
            (spot.x0 - 10.0).abs()
        }
    }

    fn unit_at(x: f64) -> Bounds {
        Bounds {
            x0: x,
            y0: 0.0,
            x1: x + 1.0,
            y1: 1.0,
        }
    }

    #[test]
    fn the_cheapest_free_spot_wins_ties_to_the_first() {
        let group = |xs: &[f64], floor: f64| Candidates {
            spots: xs.iter().map(|&x| unit_at(x)).collect(),
            floor,
        };
        let placed = [unit_at(10.0)];
        // 10 is taken; 9 and 11 cost the same: the first given wins.
        let (cost, spot) = OnALine
            .cheapest([group(&[10.0, 11.0, 9.0], 0.0)], &placed)
            .unwrap();
        assert_eq!((cost, spot), (1.0, unit_at(11.0)));
        // A later group is searched while its predecessor's floor stays under the best...
        let found = OnALine.cheapest([group(&[13.0], 0.0), group(&[11.0], 0.0)], &[]);
        assert_eq!(found.unwrap().1, unit_at(11.0));
        // ... and not once the floor passes it.
        let found = OnALine.cheapest([group(&[13.0], 5.0), group(&[11.0], 0.0)], &[]);
        assert_eq!(found.unwrap().1, unit_at(13.0));
        // Nothing free: no spot.
        assert!(OnALine.cheapest([group(&[10.5], 0.0)], &placed).is_none());
        assert!(OnALine.is_free(&unit_at(11.0), &placed));
    }

    #[test]
    fn leader_geometry() {
        let label = Bounds {
            x0: 10.0,
            y0: 10.0,
            x1: 20.0,
            y1: 20.0,
        };
        assert!(segment_meets_box(((0.0, 15.0), (30.0, 15.0)), &label));
        assert!(segment_meets_box(((15.0, 15.0), (15.0, 16.0)), &label));
        assert!(!segment_meets_box(((0.0, 0.0), (30.0, 5.0)), &label));
        assert!(!segment_meets_box(((0.0, 25.0), (5.0, 0.0)), &label));
        assert!(segments_cross(
            ((0.0, 0.0), (2.0, 2.0)),
            ((0.0, 2.0), (2.0, 0.0))
        ));
        assert!(!segments_cross(
            ((0.0, 0.0), (1.0, 1.0)),
            ((1.0, 1.0), (2.0, 0.0))
        ));
        assert_eq!(label.distance_to((13.0, 24.0)), 4.0);
        assert_eq!(label.distance_to((12.0, 12.0)), 0.0);
        assert_eq!(label.nearest_point((0.0, 15.0)), (10.0, 15.0));
        let beside = |x0: f64| Bounds {
            x0,
            y0: 12.0,
            x1: x0 + 1.0,
            y1: 13.0,
        };
        assert!(label.keeps_gap(&beside(22.0), 2.0) && !label.keeps_gap(&beside(21.5), 2.0));
    }
}
