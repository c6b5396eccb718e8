//! Sample import workbooks of organisations and facilities, for trying the imports and for
//! tests (`gridgov sample organisations|facilities`), like `people::sample_sheet`: synthetic
//! rows spread over the given grids, and with `bad` > 0 that many rows spread through the file
//! each carrying one mistake, in turn.

use super::names;
use crate::AppError;
use crate::registry::{facilities, orgs};
use gridgov_domain::registry::{FacilityKind, FacilityState, Kind, OrgKind};
use gridgov_domain::rng::SplitMix64;
use gridgov_domain::uscc::Uscc;

/// Whether row `r` of `rows` carries a mistake, and which (0, 1, 2, …) if so.
fn mistake(r: usize, rows: usize, bad: usize) -> Option<usize> {
    let every = rows.checked_div(bad).map_or(usize::MAX, |n| n.max(1));
    (r % every == every / 2 && r / every < bad).then_some(r / every)
}

fn no_grids(grids: &[String]) -> Result<(), AppError> {
    if grids.is_empty() {
        return Err(AppError::bad_request("no_grids", "name at least one grid"));
    }
    Ok(())
}

/// A workbook of `rows` organisations (`first..first + rows`, so two files do not share codes):
/// kinds in turn, a valid synthetic code where the kind needs one. Mistakes, in turn: a wrong
/// check character in the code, a grid that does not exist, a phone number that is none.
pub fn org_sheet(grids: &[String], rows: usize, first: usize, bad: usize) -> Result<Vec<u8>, AppError> {
    no_grids(grids)?;
    const TRADES: [&str; 6] = ["便民超市", "机械厂", "小学", "社区医院", "志愿者协会", "物业公司"];
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let i = first + r;
        let mut rng = SplitMix64::new(i as u64);
        let kind = OrgKind::ALL[i % OrgKind::ALL.len()];
        let mut grid = grids[r % grids.len()].clone();
        let mut uscc = if kind.needs_uscc() {
            Uscc::synthetic("370105", u32::try_from(i).unwrap_or(u32::MAX))
                .as_str()
                .to_owned()
        } else {
            String::new()
        };
        let mut phone = format!("139{:08}", i % 100_000_000);
        match mistake(r, rows, bad).map(|n| n % 3) {
            Some(0) => {
                uscc = Uscc::synthetic("370105", u32::try_from(i).unwrap_or(u32::MAX))
                    .as_str()
                    .to_owned();
                let last = if uscc.ends_with('0') { "1" } else { "0" };
                uscc.replace_range(17.., last);
            }
            Some(1) => grid = "370105999999999".to_owned(),
            Some(_) => phone = "12345".to_owned(),
            None => {}
        }
        out.push(vec![
            format!("{}{}", names::place(rng.below(200)), TRADES[i % TRADES.len()]),
            kind.label().to_owned(),
            grid,
            uscc,
            format!("{}{}号", names::place(rng.below(200)), 1 + rng.below(120)),
            names::person(&mut rng),
            phone,
            (1 + rng.below(300)).to_string(),
            String::new(),
        ]);
    }
    crate::sheet::xlsx("单位组织", &orgs::import::template_columns(Vec::new()), &out, 0)
}

/// A workbook of `rows` facilities (codes `SP-…` from `first`), in the named grids, at points
/// around Tianqiao (WGS84). Mistakes, in turn: a code with a space, a longitude that is not a
/// number, a grid that does not exist.
pub fn facility_sheet(grids: &[String], rows: usize, first: usize, bad: usize) -> Result<Vec<u8>, AppError> {
    no_grids(grids)?;
    let mut out = Vec::with_capacity(rows);
    for r in 0..rows {
        let i = first + r;
        let mut rng = SplitMix64::new(i as u64);
        let kind = FacilityKind::ALL[i % FacilityKind::ALL.len()];
        let state = if i.is_multiple_of(7) {
            FacilityState::Damaged
        } else {
            FacilityState::Normal
        };
        let mut code = format!("SP-{i:07}");
        let mut lon = format!("{:.6}", 116.96 + rng.below(60_000) as f64 / 1_000_000.0);
        let mut grid = grids[r % grids.len()].clone();
        match mistake(r, rows, bad).map(|n| n % 3) {
            Some(0) => code = format!("SP {i}"),
            Some(1) => lon = "东经117度".to_owned(),
            Some(_) => grid = "370105999999999".to_owned(),
            None => {}
        }
        out.push(vec![
            kind.label().to_owned(),
            code,
            lon,
            format!("{:.6}", 36.65 + rng.below(50_000) as f64 / 1_000_000.0),
            "wgs84".to_owned(),
            grid,
            state.label().to_owned(),
            "区城管局".to_owned(),
            String::new(),
        ]);
    }
    crate::sheet::xlsx(
        "城市部件",
        &facilities::import::template_columns(Vec::new()),
        &out,
        0,
    )
}
