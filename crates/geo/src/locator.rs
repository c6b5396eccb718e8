//! The point locator: which grid (and community, street, district) contains a GPS point.
//!
//! One R-tree of bounding boxes per level, then an exact point-in-polygon test on the few
//! candidates. The locator is immutable once built; [`SharedLocator`] swaps a freshly built one in
//! atomically when boundaries change, so a reader sees the old index or the new one, never a mix.

use crate::boundary::{BBox, Boundary};
use crate::crs::LonLat;
use arc_swap::ArcSwap;
use gridgov_domain::{RegionCode, RegionLevel};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use std::collections::HashMap;
use std::sync::Arc;

/// A region as the locator needs it.
#[derive(Clone, Debug)]
pub struct LocatorEntry {
    pub code: RegionCode,
    pub name: String,
    pub boundary: Boundary,
}

/// A region named in a locate answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegionRef {
    pub code: RegionCode,
    pub name: String,
    pub level: RegionLevel,
}

/// What a point resolves to: the deepest region that contains it and all its ancestors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Located {
    pub district: Option<RegionRef>,
    pub street: Option<RegionRef>,
    pub community: Option<RegionRef>,
    pub grid: Option<RegionRef>,
    pub subgrid: Option<RegionRef>,
}

type Node = GeomWithData<Rectangle<[f64; 2]>, u32>;

/// An immutable spatial index over every region that has a boundary.
#[derive(Default)]
pub struct Locator {
    entries: Vec<LocatorEntry>,
    /// Level index (0 = district … 4 = sub-grid) → R-tree of entry indexes.
    trees: [RTree<Node>; 5],
    /// Every region's name by code, boundary or not, to name ancestors.
    names: HashMap<RegionCode, String>,
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator").field("regions", &self.entries.len()).finish()
    }
}

fn level_index(l: RegionLevel) -> usize {
    match l {
        RegionLevel::District => 0,
        RegionLevel::Street => 1,
        RegionLevel::Community => 2,
        RegionLevel::Grid => 3,
        RegionLevel::Subgrid => 4,
    }
}

impl Locator {
    /// Builds the index. `names` may hold regions without a boundary (to name ancestors).
    pub fn build(entries: Vec<LocatorEntry>, names: HashMap<RegionCode, String>) -> Locator {
        let mut per_level: [Vec<Node>; 5] = Default::default();
        for (i, e) in entries.iter().enumerate() {
            let b = e.boundary.bbox();
            let rect = Rectangle::from_corners([b.min_lon, b.min_lat], [b.max_lon, b.max_lat]);
            // Entry counts are bounded by the database (millions at most), far below u32::MAX.
            per_level[level_index(e.code.level())].push(GeomWithData::new(rect, i as u32));
        }
        let trees = per_level.map(RTree::bulk_load);
        let mut names = names;
        for e in &entries {
            names.entry(e.code.clone()).or_insert_with(|| e.name.clone());
        }
        Locator { entries, trees, names }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Number of indexed regions at `level`.
    pub fn count(&self, level: RegionLevel) -> usize {
        self.trees[level_index(level)].size()
    }

    /// The entry of `level` containing `p`. Among several candidates (only possible where
    /// siblings overlap within tolerance) the lowest code wins, so the answer is deterministic.
    pub fn find(&self, level: RegionLevel, p: LonLat) -> Option<&LocatorEntry> {
        let mut best: Option<&LocatorEntry> = None;
        for node in self.trees[level_index(level)].locate_all_at_point(&[p.lon, p.lat]) {
            let e = &self.entries[node.data as usize];
            if e.boundary.contains(p) && best.is_none_or(|b| e.code < b.code) {
                best = Some(e);
            }
        }
        best
    }

    /// The deepest region containing `p` with its ancestors; `None` outside every district.
    pub fn locate(&self, p: LonLat) -> Option<Located> {
        let deepest = [RegionLevel::Grid, RegionLevel::Community, RegionLevel::Street, RegionLevel::District]
            .into_iter()
            .find_map(|l| self.find(l, p))?;
        let mut out = Located::default();
        let code = &deepest.code;
        if code.level() == RegionLevel::Grid {
            out.subgrid = self
                .trees[level_index(RegionLevel::Subgrid)]
                .locate_all_at_point(&[p.lon, p.lat])
                .map(|n| &self.entries[n.data as usize])
                .filter(|e| e.code.parent().as_ref() == Some(code) && e.boundary.contains(p))
                .map(|e| self.region_ref(&e.code))
                .min_by(|a, b| a.code.cmp(&b.code));
        }
        for c in code.ancestors().into_iter().chain([code.clone()]) {
            let r = self.region_ref(&c);
            match c.level() {
                RegionLevel::District => out.district = Some(r),
                RegionLevel::Street => out.street = Some(r),
                RegionLevel::Community => out.community = Some(r),
                RegionLevel::Grid => out.grid = Some(r),
                RegionLevel::Subgrid => out.subgrid = Some(r),
            }
        }
        Some(out)
    }

    /// The regions of `level` whose bounding box meets `bbox`.
    pub fn in_bbox(&self, level: RegionLevel, bbox: BBox) -> impl Iterator<Item = &LocatorEntry> {
        let env = AABB::from_corners([bbox.min_lon, bbox.min_lat], [bbox.max_lon, bbox.max_lat]);
        self.trees[level_index(level)]
            .locate_in_envelope_intersecting(&env)
            .map(|n| &self.entries[n.data as usize])
    }

    fn region_ref(&self, code: &RegionCode) -> RegionRef {
        RegionRef {
            code: code.clone(),
            name: self.names.get(code).cloned().unwrap_or_default(),
            level: code.level(),
        }
    }
}

/// The locator shared by all request handlers, replaced whole when boundaries change.
#[derive(Default)]
pub struct SharedLocator(ArcSwap<Locator>);

impl std::fmt::Debug for SharedLocator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.load().fmt(f)
    }
}

impl SharedLocator {
    pub fn new(l: Locator) -> Self {
        Self(ArcSwap::from_pointee(l))
    }

    /// The current index; hold the `Arc` for the duration of one request.
    pub fn current(&self) -> Arc<Locator> {
        self.0.load_full()
    }

    /// Publishes a new index; readers holding the old one finish with it.
    pub fn replace(&self, l: Locator) {
        self.0.store(Arc::new(l));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(code: &str, name: &str, b: [f64; 4]) -> LocatorEntry {
        LocatorEntry {
            code: RegionCode::parse(code).unwrap(),
            name: name.into(),
            boundary: Boundary::rect(BBox::new(b[0], b[1], b[2], b[3])).unwrap(),
        }
    }

    fn sample() -> Locator {
        Locator::build(
            vec![
                entry("370105", "天桥区", [0.0, 0.0, 4.0, 4.0]),
                entry("370105001", "街道一", [0.0, 0.0, 2.0, 4.0]),
                entry("370105001001", "社区一", [0.0, 0.0, 2.0, 2.0]),
                entry("370105001001001", "网格一", [0.0, 0.0, 1.0, 2.0]),
                entry("370105001001002", "网格二", [1.0, 0.0, 2.0, 2.0]),
                entry("37010500100100201", "微网格", [1.0, 0.0, 2.0, 1.0]),
            ],
            HashMap::new(),
        )
    }

    #[test]
    fn locates_the_deepest_region_with_its_ancestors() {
        let l = sample();
        let hit = l.locate(LonLat::new(0.5, 0.5)).unwrap();
        assert_eq!(hit.grid.unwrap().name, "网格一");
        assert_eq!(hit.community.unwrap().name, "社区一");
        assert_eq!(hit.street.unwrap().name, "街道一");
        assert_eq!(hit.district.unwrap().name, "天桥区");
        assert!(hit.subgrid.is_none());

        let sub = l.locate(LonLat::new(1.5, 0.5)).unwrap();
        assert_eq!(sub.grid.unwrap().name, "网格二");
        assert_eq!(sub.subgrid.unwrap().name, "微网格");
    }

    #[test]
    fn inside_the_district_without_a_grid_answers_the_district() {
        let hit = sample().locate(LonLat::new(3.0, 3.0)).unwrap();
        assert_eq!(hit.district.unwrap().code.as_str(), "370105000000");
        assert!(hit.street.is_none() && hit.grid.is_none());
        let street_only = sample().locate(LonLat::new(1.0, 3.0)).unwrap();
        assert_eq!(street_only.street.unwrap().name, "街道一");
        assert!(street_only.community.is_none());
    }

    #[test]
    fn outside_is_none() {
        assert!(sample().locate(LonLat::new(5.0, 5.0)).is_none());
        assert!(Locator::default().locate(LonLat::new(0.0, 0.0)).is_none());
    }

    #[test]
    fn a_point_on_a_shared_edge_resolves_to_one_grid() {
        let hit = sample().locate(LonLat::new(1.0, 1.5)).unwrap();
        assert!(hit.grid.is_some());
    }

    #[test]
    fn bbox_query_and_swap() {
        let shared = SharedLocator::new(sample());
        let old = shared.current();
        assert_eq!(old.in_bbox(RegionLevel::Grid, BBox::new(0.1, 0.1, 0.2, 0.2)).count(), 1);
        shared.replace(Locator::default());
        // The reader still holding the old index keeps a complete one.
        assert_eq!(old.count(RegionLevel::Grid), 2);
        assert_eq!(shared.current().count(RegionLevel::Grid), 0);
    }
}
