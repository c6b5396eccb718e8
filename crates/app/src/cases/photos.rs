//! Photos of a case: checked by their bytes (JPEG, PNG or WebP, not what the client claims),
//! limited in size and number, stored under the data directory by content hash, with a small
//! JPEG thumbnail for phones on slow networks.

use super::{seats, visible_case};
use crate::audit::{Event, record};
use crate::auth::Signed;
use crate::{App, AppError, ErrorKind};
use gridgov_store::cases as repo;
use gridgov_store::entity::case_photo;
use sea_orm::TransactionTrait;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use utoipa::ToSchema;

/// The largest photo accepted.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Photos per case.
pub const MAX_PHOTOS: usize = 9;
/// The longer side of a thumbnail, in pixels.
const THUMB_SIDE: u32 = 320;
/// Decoding limits: a small file that claims to be a huge image is refused before allocating.
const MAX_PIXELS_SIDE: u32 = 12_000;
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PhotoView {
    pub id: i64,
    /// The timeline entry the photo belongs to, once an action cites it.
    pub event_id: Option<i64>,
    pub mime: String,
    pub bytes: i64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<case_photo::Model> for PhotoView {
    fn from(p: case_photo::Model) -> Self {
        PhotoView {
            id: p.id,
            event_id: p.event_id,
            mime: p.mime,
            bytes: p.bytes,
            created_at: p.created_at,
        }
    }
}

/// The image type the bytes start with.
pub fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str, image::ImageFormat)> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg", image::ImageFormat::Jpeg))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png", image::ImageFormat::Png))
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(("image/webp", "webp", image::ImageFormat::WebP))
    } else {
        None
    }
}

/// Decodes within limits and renders a JPEG thumbnail.
fn thumbnail(bytes: &[u8], format: image::ImageFormat) -> Result<Vec<u8>, AppError> {
    let bad = || {
        AppError::new(
            ErrorKind::Unprocessable,
            "invalid_image",
            "the image cannot be read",
        )
    };
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_PIXELS_SIDE);
    limits.max_image_height = Some(MAX_PIXELS_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| bad())?;
    let thumb = img.thumbnail(THUMB_SIDE, THUMB_SIDE).to_rgb8();
    let mut out = std::io::Cursor::new(Vec::new());
    thumb
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .map_err(|_| bad())?;
    Ok(out.into_inner())
}

/// Checks an uploaded image before anything is stored: at most [`MAX_PHOTO_BYTES`] (413
/// `photo_too_large`), a JPEG, PNG or WebP by its bytes and as `Content-Type` claims (415
/// `unsupported_media_type`). Shared by case and topic photos.
pub(crate) fn check_image(
    claimed_type: Option<&str>,
    bytes: &[u8],
) -> Result<(&'static str, &'static str, image::ImageFormat), AppError> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(AppError::new(
            ErrorKind::PayloadTooLarge,
            "photo_too_large",
            format!("photos are limited to {MAX_PHOTO_BYTES} bytes"),
        ));
    }
    let unsupported = || {
        AppError::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_media_type",
            "send a JPEG, PNG or WebP photo",
        )
    };
    let (mime, ext, format) = sniff(bytes).ok_or_else(unsupported)?;
    if claimed_type.is_some_and(|t| t.split(';').next().unwrap_or("").trim() != mime) {
        return Err(unsupported());
    }
    Ok((mime, ext, format))
}

/// Decodes a checked image within limits (422 `invalid_image`) and stores it with its
/// thumbnail in `dir`, named by its SHA-256; answers both paths relative to the data directory.
/// Shared by case and topic photos.
pub(crate) async fn store_image(
    app: &App,
    dir: &Path,
    hash: &str,
    ext: &str,
    format: image::ImageFormat,
    bytes: &[u8],
) -> Result<(String, String), AppError> {
    let thumb = thumbnail(bytes, format)?;
    tokio::fs::create_dir_all(dir).await.map_err(io_error)?;
    let (path, thumb_path) = (
        dir.join(format!("{hash}.{ext}")),
        dir.join(format!("{hash}.thumb.jpg")),
    );
    tokio::fs::write(&path, bytes).await.map_err(io_error)?;
    tokio::fs::write(&thumb_path, &thumb).await.map_err(io_error)?;
    let rel = |p: &Path| {
        p.strip_prefix(&app.config.data_dir)
            .unwrap_or(p)
            .to_string_lossy()
            .into_owned()
    };
    Ok((rel(&path), rel(&thumb_path)))
}

fn photo_dir(app: &App, district: &str, case_id: i64) -> PathBuf {
    app.config
        .data_dir
        .join("photos")
        .join(district)
        .join(case_id.to_string())
}

fn io_error(_: std::io::Error) -> AppError {
    AppError::new(ErrorKind::Internal, "internal", "the photo could not be stored")
}

/// The audit record of a change to a photo of case `c`.
async fn audit(
    txn: &impl sea_orm::ConnectionTrait,
    who: &Signed,
    ip: Option<String>,
    c: &gridgov_store::entity::case::Model,
    action: &'static str,
    photo_id: i64,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    record(
        txn,
        &who.actor(ip),
        Event {
            district: c.district_code.clone(),
            region: Some(c.region_code.clone()),
            action,
            entity_type: "case_photo",
            entity_id: &photo_id.to_string(),
            detail,
            ..Default::default()
        },
    )
    .await
}

/// A stored photo, and whether this request stored it (`false`: a retry of an earlier upload,
/// answered with that one).
pub struct Uploaded {
    pub photo: PhotoView,
    pub created: bool,
}

/// Stores a photo of a case. The caller must be able to see the case and be one of its parties
/// (the reporter, or staff who may act on it). The same bytes uploaded again by the same person
/// while no action cites them yet are the same photo: a phone's retry never attaches it twice.
pub async fn upload(
    app: &App,
    who: &Signed,
    ip: Option<String>,
    case_id: i64,
    claimed_type: Option<&str>,
    bytes: &[u8],
) -> Result<Uploaded, AppError> {
    let conn = app.db.conn();
    let c = visible_case(conn, who, case_id).await?;
    if seats(who, &c).is_empty() && !who.principal.can("case:case:handle") {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "not_your_turn",
            "only the case's parties add photos",
        ));
    }
    let (mime, ext, format) = check_image(claimed_type, bytes)?;
    let hash = hex::encode(Sha256::digest(bytes));
    let earlier = |p: case_photo::Model| Uploaded {
        photo: p.into(),
        created: false,
    };
    if let Some(p) = repo::pending_photo(conn, case_id, who.user.id, &hash).await? {
        return Ok(earlier(p));
    }
    if repo::photos(conn, case_id).await?.len() >= MAX_PHOTOS {
        return Err(AppError::new(
            ErrorKind::Conflict,
            "too_many_photos",
            format!("a case has at most {MAX_PHOTOS} photos"),
        ));
    }
    let dir = photo_dir(app, &c.district_code, case_id);
    let (path, thumb_path) = store_image(app, &dir, &hash, ext, format, bytes).await?;
    let now = app.clock.now();
    let row = case_photo::Model {
        id: 0,
        district_code: c.district_code.clone(),
        case_id,
        event_id: None,
        sha256: hash.clone(),
        mime: mime.into(),
        bytes: bytes.len() as i64,
        path,
        thumb_path: Some(thumb_path),
        uploaded_by: Some(who.user.id),
        created_at: now,
    };
    let txn = conn.begin().await?;
    let id = match repo::insert_photo(&txn, row.clone()).await {
        // A retry that raced the first attempt.
        Err(gridgov_store::StoreError::Duplicate) => {
            txn.rollback().await?;
            return match repo::pending_photo(conn, case_id, who.user.id, &hash).await? {
                Some(p) => Ok(earlier(p)),
                None => Err(AppError::new(
                    ErrorKind::Conflict,
                    "photo_changed",
                    "the photo was changed meanwhile: try again",
                )),
            };
        }
        other => other?,
    };
    let detail = serde_json::json!({ "case": case_id, "sha256": hash, "bytes": bytes.len() });
    audit(&txn, who, ip, &c, "case.photo_upload", id, detail).await?;
    // Files with the same content are shared, so a failed insert leaves at most an orphan
    // file that a later upload of the same photo reuses; the database never points at nothing.
    txn.commit().await?;
    Ok(Uploaded {
        photo: PhotoView::from(case_photo::Model { id, ..row }),
        created: true,
    })
}

/// Deletes a photo uploaded by mistake: only its uploader, and only while no action cites it
/// (a cited photo is part of the record). The file goes too unless another photo row shares it.
pub async fn delete(app: &App, who: &Signed, ip: Option<String>, id: i64) -> Result<(), AppError> {
    let conn = app.db.conn();
    let not_found = || AppError::not_found("photo_not_found", format!("no photo {id}"));
    let p = repo::photo(conn, id).await?.ok_or_else(not_found)?;
    let c = visible_case(conn, who, p.case_id)
        .await
        .map_err(|_| not_found())?;
    if p.uploaded_by != Some(who.user.id) {
        return Err(AppError::new(
            ErrorKind::Forbidden,
            "not_your_photo",
            "only the person who uploaded a photo deletes it",
        ));
    }
    let cited = || {
        AppError::new(
            ErrorKind::Conflict,
            "photo_cited",
            "the photo belongs to the case's record now",
        )
    };
    if p.event_id.is_some() {
        return Err(cited());
    }
    let txn = conn.begin().await?;
    match repo::delete_pending_photo(&txn, id).await {
        Err(gridgov_store::StoreError::Conflict) => return Err(cited()),
        other => other?,
    }
    let detail = serde_json::json!({ "case": p.case_id, "sha256": p.sha256 });
    audit(&txn, who, ip, &c, "case.photo_delete", id, detail).await?;
    txn.commit().await?;
    // After the commit: a failure here leaves an orphan file, never a row without its file.
    if repo::photos_at_path(conn, &p.path).await? == 0 {
        let dir = &app.config.data_dir;
        let _ = tokio::fs::remove_file(dir.join(&p.path)).await;
        if let Some(t) = &p.thumb_path {
            let _ = tokio::fs::remove_file(dir.join(t)).await;
        }
    }
    Ok(())
}

/// A photo's bytes (or its thumbnail) and type, if the caller may see its case.
pub async fn read(app: &App, who: &Signed, id: i64, thumb: bool) -> Result<(Vec<u8>, String), AppError> {
    let conn = app.db.conn();
    let not_found = || AppError::not_found("photo_not_found", format!("no photo {id}"));
    let p = repo::photo(conn, id).await?.ok_or_else(not_found)?;
    visible_case(conn, who, p.case_id)
        .await
        .map_err(|_| not_found())?;
    let (rel, mime) = match (thumb, &p.thumb_path) {
        (true, Some(t)) => (t.clone(), "image/jpeg".to_owned()),
        _ => (p.path.clone(), p.mime.clone()),
    };
    let bytes = tokio::fs::read(app.config.data_dir.join(rel))
        .await
        .map_err(|_| not_found())?;
    Ok((bytes, mime))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn types_are_told_by_their_bytes() {
        assert_eq!(sniff(&png(2, 2)).map(|s| s.0), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).map(|s| s.0), Some("image/jpeg"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|s| s.0), Some("image/webp"));
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"<svg xmlns="), None);
    }

    #[test]
    fn thumbnails_are_small_jpegs() {
        let t = thumbnail(&png(1200, 800), image::ImageFormat::Png).unwrap();
        assert_eq!(sniff(&t).map(|s| s.0), Some("image/jpeg"));
        let img = image::load_from_memory(&t).unwrap();
        assert_eq!((img.width(), img.height()), (320, 213));
    }

    #[test]
    fn a_broken_or_oversized_image_is_refused() {
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert!(thumbnail(&truncated, image::ImageFormat::Png).is_err());
        // A PNG header claiming 50,000 × 50,000 pixels.
        let mut huge = png(1, 1);
        huge[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        huge[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        assert!(thumbnail(&huge, image::ImageFormat::Png).is_err());
    }
}
