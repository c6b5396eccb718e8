//! Coordinate systems. gridgov stores WGS84 (what phone GPS and 天地图 give); Amap and Tencent
//! clients, and the shipped boundary files, use GCJ-02, which is WGS84 with a deliberate, smooth,
//! non-linear offset inside mainland China. Conversion happens once, at the boundary of the system.

use serde::{Deserialize, Serialize};
use std::f64::consts::PI;
use std::str::FromStr;

/// A longitude/latitude pair in degrees.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LonLat {
    pub lon: f64,
    pub lat: f64,
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Self {
        Self { lon, lat }
    }

    /// Finite and on the globe.
    pub fn is_valid(self) -> bool {
        self.lon.is_finite()
            && self.lat.is_finite()
            && (-180.0..=180.0).contains(&self.lon)
            && (-90.0..=90.0).contains(&self.lat)
    }
}

/// The coordinate reference system an input point or file is in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Crs {
    #[default]
    Wgs84,
    Gcj02,
}

impl FromStr for Crs {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "wgs84" | "cgcs2000" | "epsg:4326" => Ok(Self::Wgs84),
            "gcj02" | "gcj-02" => Ok(Self::Gcj02),
            other => Err(other.to_owned()),
        }
    }
}

impl Crs {
    /// Converts a point in this CRS to WGS84.
    pub fn to_wgs84(self, p: LonLat) -> LonLat {
        match self {
            Self::Wgs84 => p,
            Self::Gcj02 => gcj02_to_wgs84(p),
        }
    }
}

// Krasovsky 1940 ellipsoid, as used by the GCJ-02 obfuscation.
const A: f64 = 6_378_245.0;
const EE: f64 = 0.006_693_421_622_965_943;

/// The offset only applies inside a rough box around mainland China.
fn out_of_china(p: LonLat) -> bool {
    !(72.004..=137.8347).contains(&p.lon) || !(0.8293..=55.8271).contains(&p.lat)
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// WGS84 → GCJ-02 (the published forward formula).
pub fn wgs84_to_gcj02(p: LonLat) -> LonLat {
    if out_of_china(p) {
        return p;
    }
    let mut dlat = transform_lat(p.lon - 105.0, p.lat - 35.0);
    let mut dlon = transform_lon(p.lon - 105.0, p.lat - 35.0);
    let radlat = p.lat / 180.0 * PI;
    let magic = 1.0 - EE * radlat.sin() * radlat.sin();
    let sqrt_magic = magic.sqrt();
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    dlon = (dlon * 180.0) / (A / sqrt_magic * radlat.cos() * PI);
    LonLat::new(p.lon + dlon, p.lat + dlat)
}

/// GCJ-02 → WGS84. There is no closed form; the forward offset varies slowly, so a fixed-point
/// iteration converges to well under a millimetre in a few steps.
pub fn gcj02_to_wgs84(g: LonLat) -> LonLat {
    if out_of_china(g) {
        return g;
    }
    let mut w = g;
    for _ in 0..10 {
        let f = wgs84_to_gcj02(w);
        let (dlon, dlat) = (f.lon - g.lon, f.lat - g.lat);
        w = LonLat::new(w.lon - dlon, w.lat - dlat);
        if dlon.abs() < 1e-10 && dlat.abs() < 1e-10 {
            break;
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forward_matches_the_published_reference_pair() {
        // Tiananmen, the test vector every GCJ-02 implementation publishes.
        let g = wgs84_to_gcj02(LonLat::new(116.404, 39.915));
        assert!((g.lon - 116.410_244_499_169_38).abs() < 1e-9, "{g:?}");
        assert!((g.lat - 39.916_404_281_501_64).abs() < 1e-9, "{g:?}");
    }

    #[test]
    fn inverse_round_trips_to_a_millimetre() {
        for (lon, lat) in [
            (116.404, 39.915),
            (116.9877, 36.6668),
            (117.05, 36.80),
            (121.4998, 31.2397),
        ] {
            let w = LonLat::new(lon, lat);
            let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
            assert!(
                (back.lon - lon).abs() < 1e-8 && (back.lat - lat).abs() < 1e-8,
                "{back:?}"
            );
        }
    }

    #[test]
    fn offset_at_tianqiao_is_about_500_metres_east() {
        // SOURCES.md: at Tianqiao GCJ-02 sits ~+0.0058° lon and ~+0.0003° lat of WGS84.
        let w = gcj02_to_wgs84(LonLat::new(117.0, 36.7));
        assert!((117.0 - w.lon - 0.0058).abs() < 0.0005, "{w:?}");
        assert!((36.7 - w.lat - 0.0003).abs() < 0.0005, "{w:?}");
    }

    #[test]
    fn outside_china_is_unchanged() {
        let p = LonLat::new(2.35, 48.85);
        assert_eq!(wgs84_to_gcj02(p), p);
        assert_eq!(gcj02_to_wgs84(p), p);
    }

    #[test]
    fn crs_names() {
        assert_eq!("GCJ02".parse::<Crs>().unwrap(), Crs::Gcj02);
        assert_eq!("wgs84".parse::<Crs>().unwrap(), Crs::Wgs84);
        assert!("bd09".parse::<Crs>().is_err());
    }
}
