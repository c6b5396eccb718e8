//! Geometry of the region tree: boundaries as checked multipolygons, their validation rules
//! (closed, valid, inside the parent, not overlapping siblings), coordinate systems, and the
//! in-memory locator that maps a GPS point to its grid.

pub mod boundary;
pub mod crs;
pub mod locator;

pub use boundary::{BBox, Boundary, GeoError};
pub use crs::{Crs, LonLat};
pub use locator::{Locator, LocatorEntry, SharedLocator};
