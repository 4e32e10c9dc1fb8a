//! Layout: where things go in a drawing, computed on plain numbers (node indices, weights,
//! boxes), below the output stage that draws them. [`force`] places a graph's nodes by
//! ForceAtlas2 and scales the positions into a frame; [`vos`] places a similarity network's
//! nodes by VOS mapping (the cluster-map figure); [`labels`] places labels on free spots
//! with collision avoidance. The report's interactive map (`render::map`) and the cluster-map
//! figure (`render::charts`) both use them; nothing here knows about papers, SVG or fonts.

pub mod force;
pub mod labels;
pub mod vos;
