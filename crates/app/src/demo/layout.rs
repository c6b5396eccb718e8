//! Tessellation of the demo district: a squarified-enough treemap that splits a rectangle into
//! cells with areas proportional to weights. Each level is cut from its parent's cell, so every
//! level nests exactly and siblings never overlap.

use gridgov_geo::BBox;

/// Metres per degree of longitude relative to latitude at the district's latitude, so "longer
/// side" means longer on the ground.
fn width_factor(b: &BBox) -> f64 {
    ((b.min_lat + b.max_lat) / 2.0).to_radians().cos()
}

/// Splits `rect` into `weights.len()` cells, in order, each with area ∝ its weight. Cuts run
/// across the longer side; the first cells take the south/west part.
pub fn treemap(rect: BBox, weights: &[f64]) -> Vec<BBox> {
    let mut out = Vec::with_capacity(weights.len());
    split(rect, weights, &mut out);
    out
}

fn split(rect: BBox, weights: &[f64], out: &mut Vec<BBox>) {
    match weights.len() {
        0 => {}
        1 => out.push(rect),
        n => {
            let total: f64 = weights.iter().sum();
            // The cut that balances the two halves best.
            let mut acc = 0.0;
            let mut k = 1;
            let mut best = f64::INFINITY;
            for (i, w) in weights.iter().enumerate().take(n - 1) {
                acc += w;
                let diff = (acc - total / 2.0).abs();
                if diff < best {
                    best = diff;
                    k = i + 1;
                }
            }
            let left: f64 = weights[..k].iter().sum();
            let f = if total > 0.0 {
                left / total
            } else {
                k as f64 / n as f64
            };
            let wide = (rect.max_lon - rect.min_lon) * width_factor(&rect) > rect.max_lat - rect.min_lat;
            let (a, b) = if wide {
                let x = rect.min_lon + (rect.max_lon - rect.min_lon) * f;
                (BBox { max_lon: x, ..rect }, BBox { min_lon: x, ..rect })
            } else {
                let y = rect.min_lat + (rect.max_lat - rect.min_lat) * f;
                (BBox { max_lat: y, ..rect }, BBox { min_lat: y, ..rect })
            };
            split(a, &weights[..k], out);
            split(b, &weights[k..], out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_tile_the_rectangle_in_proportion() {
        let r = BBox::new(116.93, 36.66, 117.10, 36.86);
        let w = [1.0, 2.0, 3.0, 4.0, 5.0];
        let cells = treemap(r, &w);
        assert_eq!(cells.len(), 5);
        let area = |b: &BBox| (b.max_lon - b.min_lon) * (b.max_lat - b.min_lat);
        let total = area(&r);
        for (c, wi) in cells.iter().zip(w) {
            assert!((area(c) / total - wi / 15.0).abs() < 1e-9);
            assert!(
                c.min_lon >= r.min_lon
                    && c.max_lon <= r.max_lon
                    && c.min_lat >= r.min_lat
                    && c.max_lat <= r.max_lat
            );
        }
        let sum: f64 = cells.iter().map(area).sum();
        assert!((sum - total).abs() < 1e-12);
    }
}
