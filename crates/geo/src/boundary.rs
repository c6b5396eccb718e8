//! A region's boundary: a checked multipolygon in WGS84 with its bounding box.
//!
//! GeoJSON is parsed by hand rather than through a generic GeoJSON library so that every defect
//! of the input (an open ring, a NaN, a ring of two points) gets its own error instead of being
//! silently repaired: geo-types closes open rings on construction, which would hide them.

use crate::crs::{Crs, LonLat};
use geo::{Area, BooleanOps, ChamberlainDuquetteArea, Coord, LineString, MultiPolygon, Polygon, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The most vertices one boundary may have: far above any real grid or district (Tianqiao's
/// outline has 562), low enough that a hostile upload cannot stall validation.
pub const MAX_VERTICES: usize = 200_000;

/// Coordinates are kept to 7 decimals (about 1 cm), the precision of the stored GeoJSON.
const SCALE: f64 = 1e7;

/// Why a boundary was refused. Each variant has one stable error code.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GeoError {
    #[error("not a GeoJSON geometry: {0}")]
    InvalidGeoJson(String),
    #[error("geometry type {0:?} is not a Polygon or MultiPolygon")]
    UnsupportedGeometry(String),
    #[error("polygon {polygon} ring {ring} is not closed: its last position must repeat its first")]
    RingNotClosed { polygon: usize, ring: usize },
    #[error("polygon {polygon} ring {ring} has fewer than 4 positions")]
    TooFewPoints { polygon: usize, ring: usize },
    #[error("coordinate {0:?} is not a finite longitude/latitude")]
    CoordinateOutOfRange([f64; 2]),
    #[error("the geometry has more than {MAX_VERTICES} vertices")]
    TooLarge,
    #[error("invalid polygon: {0}")]
    InvalidPolygon(String),
    #[error("{percent:.2}% of the boundary lies outside its parent {parent}")]
    OutsideParent { parent: String, percent: f64 },
    #[error("the boundary overlaps sibling {sibling} by {percent:.2}% of the smaller area")]
    OverlapsSibling { sibling: String, percent: f64 },
}

impl GeoError {
    /// The stable machine-readable code used in API errors.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidGeoJson(_) => "invalid_geojson",
            Self::UnsupportedGeometry(_) => "unsupported_geometry",
            Self::RingNotClosed { .. } => "ring_not_closed",
            Self::TooFewPoints { .. } => "too_few_points",
            Self::CoordinateOutOfRange(_) => "coordinate_out_of_range",
            Self::TooLarge => "geometry_too_large",
            Self::InvalidPolygon(_) => "invalid_polygon",
            Self::OutsideParent { .. } => "outside_parent",
            Self::OverlapsSibling { .. } => "overlaps_sibling",
        }
    }
}

/// An axis-aligned bounding box in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub fn new(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Self {
        Self {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }

    /// Parses `minLon,minLat,maxLon,maxLat`, refusing inverted or non-finite boxes.
    pub fn parse(s: &str) -> Option<BBox> {
        let v: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .ok()?;
        let [a, b, c, d] = v.as_slice() else { return None };
        let bb = BBox::new(*a, *b, *c, *d);
        let ok = [a, b, c, d].iter().all(|x| x.is_finite())
            && LonLat::new(*a, *b).is_valid()
            && LonLat::new(*c, *d).is_valid()
            && a <= c
            && b <= d;
        ok.then_some(bb)
    }

    pub fn intersects(&self, o: &BBox) -> bool {
        self.min_lon <= o.max_lon
            && o.min_lon <= self.max_lon
            && self.min_lat <= o.max_lat
            && o.min_lat <= self.max_lat
    }

    pub fn contains(&self, p: LonLat) -> bool {
        (self.min_lon..=self.max_lon).contains(&p.lon) && (self.min_lat..=self.max_lat).contains(&p.lat)
    }

    pub fn as_array(&self) -> [f64; 4] {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
    }

    pub fn centre(&self) -> LonLat {
        LonLat::new(
            (self.min_lon + self.max_lon) / 2.0,
            (self.min_lat + self.max_lat) / 2.0,
        )
    }
}

/// A valid boundary in WGS84.
#[derive(Clone, Debug, PartialEq)]
pub struct Boundary {
    shape: MultiPolygon<f64>,
    bbox: BBox,
}

#[derive(Deserialize)]
struct RawGeometry {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    coordinates: Value,
}

type RawPolygon = Vec<Vec<Vec<f64>>>;

fn round(x: f64) -> f64 {
    (x * SCALE).round() / SCALE
}

impl Boundary {
    /// Parses and validates a GeoJSON Polygon or MultiPolygon geometry given in `crs`.
    pub fn from_geojson(geometry: &Value, crs: Crs) -> Result<Boundary, GeoError> {
        let raw: RawGeometry =
            serde_json::from_value(geometry.clone()).map_err(|e| GeoError::InvalidGeoJson(e.to_string()))?;
        let polygons: Vec<RawPolygon> = match raw.kind.as_str() {
            "Polygon" => vec![serde_json::from_value(raw.coordinates).map_err(bad_coords)?],
            "MultiPolygon" => serde_json::from_value(raw.coordinates).map_err(bad_coords)?,
            other => return Err(GeoError::UnsupportedGeometry(other.to_owned())),
        };
        let vertices: usize = polygons.iter().flatten().map(Vec::len).sum();
        if vertices > MAX_VERTICES {
            return Err(GeoError::TooLarge);
        }
        if polygons.is_empty() {
            return Err(GeoError::InvalidGeoJson(
                "a MultiPolygon needs at least one polygon".into(),
            ));
        }
        let mut out = Vec::with_capacity(polygons.len());
        for (pi, rings) in polygons.iter().enumerate() {
            if rings.is_empty() {
                return Err(GeoError::TooFewPoints { polygon: pi, ring: 0 });
            }
            let mut lines = Vec::with_capacity(rings.len());
            for (ri, ring) in rings.iter().enumerate() {
                lines.push(parse_ring(ring, pi, ri, crs)?);
            }
            let exterior = lines.remove(0);
            out.push(Polygon::new(exterior, lines));
        }
        Boundary::new(MultiPolygon(out))
    }

    /// Validates an already-built shape (OGC validity: no self-intersection, holes inside, parts
    /// not overlapping).
    pub fn new(shape: MultiPolygon<f64>) -> Result<Boundary, GeoError> {
        if let Err(e) = shape.check_validation() {
            return Err(GeoError::InvalidPolygon(e.to_string()));
        }
        let bbox = bbox_of(&shape).ok_or_else(|| GeoError::InvalidPolygon("empty geometry".into()))?;
        Ok(Boundary { shape, bbox })
    }

    /// A rectangle, the building block of the synthetic demo district.
    pub fn rect(b: BBox) -> Result<Boundary, GeoError> {
        Self::from_ring(&[
            [b.min_lon, b.min_lat],
            [b.max_lon, b.min_lat],
            [b.max_lon, b.max_lat],
            [b.min_lon, b.max_lat],
        ])
    }

    /// A simple polygon from its exterior vertices (the ring is closed here).
    pub fn from_ring(pts: &[[f64; 2]]) -> Result<Boundary, GeoError> {
        let coords: Vec<Coord<f64>> = pts
            .iter()
            .map(|p| Coord {
                x: round(p[0]),
                y: round(p[1]),
            })
            .collect();
        Boundary::new(MultiPolygon(vec![Polygon::new(LineString::new(coords), vec![])]))
    }

    /// The boundary as a GeoJSON MultiPolygon geometry (WGS84).
    pub fn to_geojson(&self) -> Value {
        let polys: Vec<Vec<Vec<[f64; 2]>>> = self
            .shape
            .0
            .iter()
            .map(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .map(|ring| ring.0.iter().map(|c| [c.x, c.y]).collect())
                    .collect()
            })
            .collect();
        json!({ "type": "MultiPolygon", "coordinates": polys })
    }

    pub fn bbox(&self) -> BBox {
        self.bbox
    }

    pub fn shape(&self) -> &MultiPolygon<f64> {
        &self.shape
    }

    /// Every ring (shells and holes), each closed.
    pub fn rings(&self) -> impl Iterator<Item = &[Coord<f64>]> {
        self.shape
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.as_slice())
    }

    /// Area on the ellipsoid in square metres.
    pub fn area_m2(&self) -> f64 {
        self.shape.chamberlain_duquette_unsigned_area()
    }

    /// Whether the point is inside (even-odd rule over all rings, so holes are excluded).
    pub fn contains(&self, p: LonLat) -> bool {
        self.bbox.contains(p)
            && self.shape.0.iter().any(|poly| {
                crossings(&poly.exterior().0, p) && !poly.interiors().iter().any(|h| crossings(&h.0, p))
            })
    }

    /// Checks the rule "a child lies inside its parent", up to `tolerance` (a fraction of the
    /// child's area) to absorb digitising slivers along shared edges.
    pub fn check_inside(&self, parent: &Boundary, parent_code: &str, tolerance: f64) -> Result<(), GeoError> {
        let own = self.shape.unsigned_area();
        if own == 0.0 {
            return Ok(());
        }
        let outside = if self.bbox_inside(parent) && parent.shape.0.len() == 1 && is_rect(&parent.shape) {
            0.0
        } else {
            self.shape.difference(&parent.shape).unsigned_area()
        };
        let fraction = outside / own;
        if fraction > tolerance {
            return Err(GeoError::OutsideParent {
                parent: parent_code.to_owned(),
                percent: fraction * 100.0,
            });
        }
        Ok(())
    }

    /// Checks the rule "siblings do not overlap", up to `tolerance` of the smaller area.
    pub fn check_no_overlap(
        &self,
        sibling: &Boundary,
        sibling_code: &str,
        tolerance: f64,
    ) -> Result<(), GeoError> {
        if !self.bbox.intersects(&sibling.bbox) {
            return Ok(());
        }
        let smaller = self.shape.unsigned_area().min(sibling.shape.unsigned_area());
        if smaller == 0.0 {
            return Ok(());
        }
        let fraction = self.shape.intersection(&sibling.shape).unsigned_area() / smaller;
        if fraction > tolerance {
            return Err(GeoError::OverlapsSibling {
                sibling: sibling_code.to_owned(),
                percent: fraction * 100.0,
            });
        }
        Ok(())
    }

    fn bbox_inside(&self, parent: &Boundary) -> bool {
        let (a, b) = (self.bbox, parent.bbox);
        a.min_lon >= b.min_lon && a.min_lat >= b.min_lat && a.max_lon <= b.max_lon && a.max_lat <= b.max_lat
    }
}

fn bad_coords(e: serde_json::Error) -> GeoError {
    GeoError::InvalidGeoJson(format!("coordinates: {e}"))
}

fn parse_ring(ring: &[Vec<f64>], polygon: usize, ri: usize, crs: Crs) -> Result<LineString<f64>, GeoError> {
    if ring.len() < 4 {
        return Err(GeoError::TooFewPoints { polygon, ring: ri });
    }
    let mut coords = Vec::with_capacity(ring.len());
    for pos in ring {
        let (lon, lat) = match pos.as_slice() {
            [lon, lat] | [lon, lat, _] => (*lon, *lat),
            _ => {
                return Err(GeoError::InvalidGeoJson(format!(
                    "a position has {} numbers",
                    pos.len()
                )));
            }
        };
        let p = LonLat::new(lon, lat);
        if !p.is_valid() {
            return Err(GeoError::CoordinateOutOfRange([lon, lat]));
        }
        let w = crs.to_wgs84(p);
        coords.push(Coord {
            x: round(w.lon),
            y: round(w.lat),
        });
    }
    if ring.first() != ring.last() {
        return Err(GeoError::RingNotClosed { polygon, ring: ri });
    }
    Ok(LineString::new(coords))
}

fn bbox_of(shape: &MultiPolygon<f64>) -> Option<BBox> {
    let mut it = shape.0.iter().flat_map(|p| p.exterior().0.iter());
    let first = it.next()?;
    let mut b = BBox::new(first.x, first.y, first.x, first.y);
    for c in it {
        b.min_lon = b.min_lon.min(c.x);
        b.min_lat = b.min_lat.min(c.y);
        b.max_lon = b.max_lon.max(c.x);
        b.max_lat = b.max_lat.max(c.y);
    }
    Some(b)
}

/// An axis-aligned rectangle: then "inside the bbox" is "inside", and the costly boolean
/// operation can be skipped (the synthetic demo is made of them).
fn is_rect(shape: &MultiPolygon<f64>) -> bool {
    let [poly] = shape.0.as_slice() else { return false };
    let pts = &poly.exterior().0;
    poly.interiors().is_empty()
        && pts.len() == 5
        && pts.windows(2).all(|w| w[0].x == w[1].x || w[0].y == w[1].y)
}

/// Crossing-number test. Half-open on edges, so a point on an edge shared by two grids falls in
/// exactly one of them, which is what "a GPS point resolves to exactly one grid" needs.
pub(crate) fn crossings(ring: &[Coord<f64>], p: LonLat) -> bool {
    let (x, y) = (p.lon, p.lat);
    let mut inside = false;
    let mut j = ring.len().wrapping_sub(1);
    for i in 0..ring.len() {
        let (a, b) = (ring[i], ring[j]);
        if (a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
        json!({"type":"Polygon","coordinates":[[[x0,y0],[x1,y0],[x1,y1],[x0,y1],[x0,y0]]]})
    }

    fn parse(v: Value) -> Result<Boundary, GeoError> {
        Boundary::from_geojson(&v, Crs::Wgs84)
    }

    #[test]
    fn a_square_parses_with_its_bbox_and_area() {
        let b = parse(square(117.0, 36.7, 117.01, 36.71)).unwrap();
        assert_eq!(b.bbox(), BBox::new(117.0, 36.7, 117.01, 36.71));
        // 0.01° × 0.01° at 36.7°N ≈ 893 m × 1111 m.
        let a = b.area_m2();
        assert!((a - 993_000.0).abs() < 10_000.0, "{a}");
        assert!(b.contains(LonLat::new(117.005, 36.705)));
        assert!(!b.contains(LonLat::new(117.02, 36.705)));
    }

    #[test]
    fn defects_get_their_own_codes() {
        let cases = [
            (
                json!({"type":"Point","coordinates":[1,2]}),
                "unsupported_geometry",
            ),
            (json!({"coordinates":[]}), "invalid_geojson"),
            (json!({"type":"Polygon","coordinates":"x"}), "invalid_geojson"),
            (
                json!({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}),
                "ring_not_closed",
            ),
            (
                json!({"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}),
                "too_few_points",
            ),
            (json!({"type":"Polygon","coordinates":[]}), "too_few_points"),
            (
                json!({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}),
                "coordinate_out_of_range",
            ),
            (
                json!({"type":"Polygon","coordinates":[[[0,0],[1,0],[1],[0,0]]]}),
                "invalid_geojson",
            ),
            // A bow tie: the ring crosses itself.
            (
                json!({"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}),
                "invalid_polygon",
            ),
            (json!({"type":"MultiPolygon","coordinates":[]}), "invalid_geojson"),
        ];
        for (v, code) in cases {
            assert_eq!(parse(v.clone()).unwrap_err().code(), code, "{v}");
        }
    }

    #[test]
    fn gcj02_input_is_shifted_to_wgs84() {
        let b = Boundary::from_geojson(&square(117.0, 36.7, 117.01, 36.71), Crs::Gcj02).unwrap();
        assert!(
            b.bbox().min_lon < 116.996 && b.bbox().min_lon > 116.993,
            "{:?}",
            b.bbox()
        );
    }

    #[test]
    fn inside_parent_with_tolerance() {
        let parent = parse(square(0.0, 0.0, 10.0, 10.0)).unwrap();
        let inside = parse(square(1.0, 1.0, 2.0, 2.0)).unwrap();
        let sliver = parse(square(9.0, 1.0, 10.005, 2.0)).unwrap();
        let outside = parse(square(9.0, 1.0, 11.0, 2.0)).unwrap();
        assert!(inside.check_inside(&parent, "P", 0.01).is_ok());
        assert!(sliver.check_inside(&parent, "P", 0.01).is_ok());
        let e = outside.check_inside(&parent, "P", 0.01).unwrap_err();
        assert_eq!(e.code(), "outside_parent");
        assert!(e.to_string().contains("50.00%"), "{e}");
        // A non-rectangular parent takes the boolean-operation path.
        let tri = parse(json!({"type":"Polygon","coordinates":[[[0,0],[10,0],[0,10],[0,0]]]})).unwrap();
        assert!(inside.check_inside(&tri, "T", 0.01).is_ok());
        assert_eq!(
            parse(square(8.0, 8.0, 9.0, 9.0))
                .unwrap()
                .check_inside(&tri, "T", 0.01)
                .unwrap_err()
                .code(),
            "outside_parent"
        );
    }

    #[test]
    fn sibling_overlap_with_tolerance() {
        let a = parse(square(0.0, 0.0, 1.0, 1.0)).unwrap();
        let touching = parse(square(1.0, 0.0, 2.0, 1.0)).unwrap();
        let overlapping = parse(square(0.5, 0.0, 1.5, 1.0)).unwrap();
        assert!(a.check_no_overlap(&touching, "B", 0.01).is_ok());
        assert_eq!(
            a.check_no_overlap(&overlapping, "C", 0.01).unwrap_err().code(),
            "overlaps_sibling"
        );
    }

    #[test]
    fn shared_edges_belong_to_exactly_one_side() {
        let a = parse(square(0.0, 0.0, 1.0, 1.0)).unwrap();
        let b = parse(square(1.0, 0.0, 2.0, 1.0)).unwrap();
        for y in [0.1, 0.5, 0.9] {
            let p = LonLat::new(1.0, y);
            assert!(a.contains(p) ^ b.contains(p), "{p:?}");
        }
    }

    #[test]
    fn holes_are_excluded() {
        let v = json!({"type":"Polygon","coordinates":[
            [[0,0],[10,0],[10,10],[0,10],[0,0]],
            [[4,4],[6,4],[6,6],[4,6],[4,4]]]});
        let b = parse(v).unwrap();
        assert!(b.contains(LonLat::new(2.0, 2.0)));
        assert!(!b.contains(LonLat::new(5.0, 5.0)));
    }

    #[test]
    fn geojson_round_trip() {
        let b = parse(square(117.0, 36.7, 117.01, 36.71)).unwrap();
        let again = parse(b.to_geojson()).unwrap();
        assert_eq!(b, again);
    }

    #[test]
    fn bbox_parsing() {
        assert_eq!(BBox::parse("1,2,3,4"), Some(BBox::new(1.0, 2.0, 3.0, 4.0)));
        for bad in [
            "",
            "1,2,3",
            "1,2,3,4,5",
            "3,2,1,4",
            "a,b,c,d",
            "NaN,1,2,3",
            "1,2,300,4",
        ] {
            assert_eq!(BBox::parse(bad), None, "{bad}");
        }
    }
}
