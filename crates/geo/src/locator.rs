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

/// An R-tree leaf: the bounding box, the index into `indexed`, and the entry's span in the
/// coordinate arena, so the exact test reads one contiguous slice without chasing pointers.
type Node = GeomWithData<Rectangle<[f64; 2]>, Span>;

#[derive(Clone, Copy, Debug, PartialEq)]
struct Span {
    index: u32,
    start: u32,
    end: u32,
}

/// An indexed region with its answer precomputed: a lookup allocates nothing.
struct Indexed {
    entry: LocatorEntry,
    answer: Arc<Located>,
    /// Whether some sub-grid lies in this grid (only then is the sub-grid tree searched).
    has_subgrids: bool,
}

/// An immutable spatial index over every region that has a boundary.
#[derive(Default)]
pub struct Locator {
    indexed: Vec<Indexed>,
    /// Level index (0 = district … 4 = sub-grid) → R-tree of indexes into `indexed`.
    trees: [RTree<Node>; 5],
    /// Every ring of every entry, closed, rings separated by a NaN coordinate.
    arena: Vec<[f64; 2]>,
}

impl std::fmt::Debug for Locator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Locator")
            .field("regions", &self.indexed.len())
            .finish()
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
        let mut names = names;
        for e in &entries {
            names.entry(e.code.clone()).or_insert_with(|| e.name.clone());
        }
        let with_subgrids: std::collections::HashSet<RegionCode> = entries
            .iter()
            .filter(|e| e.code.level() == RegionLevel::Subgrid)
            .filter_map(|e| e.code.parent())
            .collect();
        let mut per_level: [Vec<Node>; 5] = Default::default();
        let mut indexed = Vec::with_capacity(entries.len());
        let mut arena: Vec<[f64; 2]> = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let b = e.boundary.bbox();
            let rect = Rectangle::from_corners([b.min_lon, b.min_lat], [b.max_lon, b.max_lat]);
            // Counts are bounded by the database (a few million vertices at most), far below
            // u32::MAX.
            let start = arena.len() as u32;
            for (k, ring) in e.boundary.rings().enumerate() {
                if k > 0 {
                    arena.push([f64::NAN, f64::NAN]);
                }
                arena.extend(ring.iter().map(|c| [c.x, c.y]));
            }
            let span = Span {
                index: i as u32,
                start,
                end: arena.len() as u32,
            };
            per_level[level_index(e.code.level())].push(GeomWithData::new(rect, span));
            let answer = Arc::new(answer_for(&e.code, &names));
            let has_subgrids = with_subgrids.contains(&e.code);
            indexed.push(Indexed {
                entry: e,
                answer,
                has_subgrids,
            });
        }
        let trees = per_level.map(RTree::bulk_load);
        Locator {
            indexed,
            trees,
            arena,
        }
    }

    pub fn len(&self) -> usize {
        self.indexed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indexed.is_empty()
    }

    /// Number of indexed regions at `level`.
    pub fn count(&self, level: RegionLevel) -> usize {
        self.trees[level_index(level)].size()
    }

    fn find_indexed(&self, level: RegionLevel, p: LonLat, parent: Option<&RegionCode>) -> Option<&Indexed> {
        let mut best: Option<&Indexed> = None;
        for node in self.trees[level_index(level)].locate_all_at_point(&[p.lon, p.lat]) {
            let s = node.data;
            if !even_odd(&self.arena[s.start as usize..s.end as usize], p) {
                continue;
            }
            let x = &self.indexed[s.index as usize];
            if parent.is_some_and(|pc| !x.entry.code.as_str().starts_with(pc.as_str())) {
                continue;
            }
            if best.is_none_or(|b| x.entry.code < b.entry.code) {
                best = Some(x);
            }
        }
        best
    }

    /// The entry of `level` containing `p`. Among several candidates (only possible where
    /// siblings overlap within tolerance) the lowest code wins, so the answer is deterministic.
    pub fn find(&self, level: RegionLevel, p: LonLat) -> Option<&LocatorEntry> {
        self.find_indexed(level, p, None).map(|x| &x.entry)
    }

    /// The deepest region containing `p` with its ancestors; `None` outside every district.
    pub fn locate(&self, p: LonLat) -> Option<Arc<Located>> {
        let deepest = [
            RegionLevel::Grid,
            RegionLevel::Community,
            RegionLevel::Street,
            RegionLevel::District,
        ]
        .into_iter()
        .find_map(|l| self.find_indexed(l, p, None))?;
        if deepest.has_subgrids
            && let Some(sub) = self.find_indexed(RegionLevel::Subgrid, p, Some(&deepest.entry.code))
        {
            return Some(sub.answer.clone());
        }
        Some(deepest.answer.clone())
    }

    /// The regions of `level` whose bounding box meets `bbox`.
    pub fn in_bbox(&self, level: RegionLevel, bbox: BBox) -> impl Iterator<Item = &LocatorEntry> {
        let env = AABB::from_corners([bbox.min_lon, bbox.min_lat], [bbox.max_lon, bbox.max_lat]);
        self.trees[level_index(level)]
            .locate_in_envelope_intersecting(&env)
            .map(|n| &self.indexed[n.data.index as usize].entry)
    }
}

/// Crossing-number test over all rings at once. For a valid multipolygon (parts disjoint,
/// holes inside their shell) the even-odd rule over every ring is exactly "inside a shell and not
/// in a hole". The NaN separators make the edge between two rings never count.
fn even_odd(coords: &[[f64; 2]], p: LonLat) -> bool {
    let (x, y) = (p.lon, p.lat);
    let mut inside = false;
    for w in coords.windows(2) {
        let (a, b) = (w[0], w[1]);
        if (a[1] > y) != (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0] {
            inside = !inside;
        }
    }
    inside
}

/// The answer for a point in `code`: the region and all its ancestors, named.
fn answer_for(code: &RegionCode, names: &HashMap<RegionCode, String>) -> Located {
    let mut out = Located::default();
    for c in code.ancestors().into_iter().chain([code.clone()]) {
        let r = RegionRef {
            name: names.get(&c).cloned().unwrap_or_default(),
            level: c.level(),
            code: c,
        };
        match r.level {
            RegionLevel::District => out.district = Some(r),
            RegionLevel::Street => out.street = Some(r),
            RegionLevel::Community => out.community = Some(r),
            RegionLevel::Grid => out.grid = Some(r),
            RegionLevel::Subgrid => out.subgrid = Some(r),
        }
    }
    out
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
        assert_eq!(hit.grid.as_ref().unwrap().name, "网格一");
        assert_eq!(hit.community.as_ref().unwrap().name, "社区一");
        assert_eq!(hit.street.as_ref().unwrap().name, "街道一");
        assert_eq!(hit.district.as_ref().unwrap().name, "天桥区");
        assert!(hit.subgrid.is_none());

        let sub = l.locate(LonLat::new(1.5, 0.5)).unwrap();
        assert_eq!(sub.grid.as_ref().unwrap().name, "网格二");
        assert_eq!(sub.subgrid.as_ref().unwrap().name, "微网格");
        // Outside the sub-grid but inside its grid: the grid, without a sub-grid.
        let rest = l.locate(LonLat::new(1.5, 1.5)).unwrap();
        assert_eq!(rest.grid.as_ref().unwrap().name, "网格二");
        assert!(rest.subgrid.is_none());
    }

    #[test]
    fn inside_the_district_without_a_grid_answers_the_district() {
        let hit = sample().locate(LonLat::new(3.0, 3.0)).unwrap();
        assert_eq!(hit.district.as_ref().unwrap().code.as_str(), "370105000000");
        assert!(hit.street.is_none() && hit.grid.is_none());
        let street_only = sample().locate(LonLat::new(1.0, 3.0)).unwrap();
        assert_eq!(street_only.street.as_ref().unwrap().name, "街道一");
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
        assert_eq!(
            old.in_bbox(RegionLevel::Grid, BBox::new(0.1, 0.1, 0.2, 0.2))
                .count(),
            1
        );
        shared.replace(Locator::default());
        // The reader still holding the old index keeps a complete one.
        assert_eq!(old.count(RegionLevel::Grid), 2);
        assert_eq!(shared.current().count(RegionLevel::Grid), 0);
    }
}
