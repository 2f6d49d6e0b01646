//! Screenshots and the visual baseline: each page's PNG is kept under its route, and
//! compared with the baseline's as pixelmatch compares: a pixel differs when its colour
//! distance (YIQ, pixelmatch's measure) is over a threshold, which lets anti-aliasing
//! pass; a page has changed when more than a small share of its pixels differ. The
//! comparison is plain images in, a count and a diff image out.

use std::path::{Path, PathBuf};

use image::{Rgba, RgbaImage};

use super::report::Shot;

/// pixelmatch's default threshold: 0 is exact, 1 lets everything pass.
pub const THRESHOLD: f64 = 0.1;

/// The share of pixels that may differ before a page counts as changed (0.05%: a stray
/// glyph edge, never a changed word).
pub const CHANGED_SHARE: f64 = 0.0005;

/// The file of a route's screenshot under `dir`: `dir/pages/index/index.png`.
pub fn file_of(dir: &Path, route: &str) -> PathBuf {
    dir.join(format!("{route}.png"))
}

/// Keeps a page's screenshot under `dir`; with a baseline, writes it there
/// (`update`) or compares with it, writing `<route>.diff.png` beside the screenshot when
/// the page changed.
pub fn keep(dir: &Path, baseline: Option<&Path>, update: bool, route: &str, png: &[u8]) -> Result<Shot, String> {
    let path = file_of(dir, route);
    write(&path, png)?;
    let mut shot = Shot { path: path.display().to_string(), changed_pixels: None, diff: None };
    let Some(baseline) = baseline else { return Ok(shot) };
    let reference = file_of(baseline, route);
    if update {
        write(&reference, png)?;
        return Ok(shot);
    }
    let Ok(before) = std::fs::read(&reference) else { return Ok(shot) };
    let before = decode(&before).map_err(|err| format!("{}: {err}", reference.display()))?;
    let now = decode(png)?;
    let compared = compare(&before, &now, THRESHOLD);
    shot.changed_pixels = Some(compared.changed);
    if changed(&compared, &now) {
        let diff = dir.join(format!("{route}.diff.png"));
        compared.image.save(&diff).map_err(|err| format!("{}: {err}", diff.display()))?;
        shot.diff = Some(diff.display().to_string());
    }
    Ok(shot)
}

/// Whether a comparison means the page changed.
pub fn changed(compared: &Comparison, now: &RgbaImage) -> bool {
    let pixels = u64::from(now.width()) * u64::from(now.height());
    compared.resized || compared.changed as f64 > (pixels as f64 * CHANGED_SHARE).max(0.0)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|err| format!("{}: {err}", parent.display()))?;
    }
    std::fs::write(path, bytes).map_err(|err| format!("{}: {err}", path.display()))
}

/// A PNG as pixels.
pub fn decode(png: &[u8]) -> Result<RgbaImage, String> {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map(|image| image.to_rgba8())
        .map_err(|err| err.to_string())
}

/// Two screenshots compared.
pub struct Comparison {
    /// Pixels whose colour distance is over the threshold.
    pub changed: u64,
    /// The two are not of one size (every pixel counts as changed).
    pub resized: bool,
    /// pixelmatch's picture of it: changed pixels red, the rest the new image, faded.
    pub image: RgbaImage,
}

/// Compares `before` with `now` pixel by pixel.
pub fn compare(before: &RgbaImage, now: &RgbaImage, threshold: f64) -> Comparison {
    let (width, height) = now.dimensions();
    let resized = before.dimensions() != now.dimensions();
    let limit = MAX_DELTA * threshold * threshold;
    let mut image = RgbaImage::new(width, height);
    let mut changed = 0;
    for (x, y, pixel) in now.enumerate_pixels() {
        let old = if x < before.width() && y < before.height() { Some(before.get_pixel(x, y)) } else { None };
        let differs = old.is_none_or(|old| delta(old, pixel) > limit);
        if differs {
            changed += 1;
            image.put_pixel(x, y, Rgba([255, 0, 0, 255]));
        } else {
            let grey = (255.0 - 0.1 * (255.0 - luma(pixel))) as u8;
            image.put_pixel(x, y, Rgba([grey, grey, grey, 255]));
        }
    }
    Comparison { changed, resized, image }
}

/// The largest YIQ distance (black against white).
const MAX_DELTA: f64 = 35215.0;

/// pixelmatch's colour distance of two pixels, each blended over white first.
fn delta(a: &Rgba<u8>, b: &Rgba<u8>) -> f64 {
    if a == b {
        return 0.0;
    }
    let (r1, g1, b1) = over_white(a);
    let (r2, g2, b2) = over_white(b);
    let y = rgb2y(r1, g1, b1) - rgb2y(r2, g2, b2);
    let i = rgb2i(r1, g1, b1) - rgb2i(r2, g2, b2);
    let q = rgb2q(r1, g1, b1) - rgb2q(r2, g2, b2);
    0.5053 * y * y + 0.299 * i * i + 0.1957 * q * q
}

fn over_white(p: &Rgba<u8>) -> (f64, f64, f64) {
    let alpha = f64::from(p[3]) / 255.0;
    let blend = |c: u8| 255.0 + (f64::from(c) - 255.0) * alpha;
    (blend(p[0]), blend(p[1]), blend(p[2]))
}

fn rgb2y(r: f64, g: f64, b: f64) -> f64 {
    r * 0.298_895_31 + g * 0.586_622_47 + b * 0.114_482_23
}

fn rgb2i(r: f64, g: f64, b: f64) -> f64 {
    r * 0.595_977_99 - g * 0.274_176_47 - b * 0.321_801_52
}

fn rgb2q(r: f64, g: f64, b: f64) -> f64 {
    r * 0.211_470_19 - g * 0.522_617_55 + b * 0.311_147_36
}

fn luma(p: &Rgba<u8>) -> f64 {
    let (r, g, b) = over_white(p);
    rgb2y(r, g, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled(width: u32, height: u32, colour: [u8; 4]) -> RgbaImage {
        RgbaImage::from_pixel(width, height, Rgba(colour))
    }

    #[test]
    fn the_same_picture_has_no_change() {
        let a = filled(40, 30, [20, 120, 220, 255]);
        let compared = compare(&a, &a.clone(), THRESHOLD);
        assert_eq!((compared.changed, compared.resized), (0, false));
        assert!(!changed(&compared, &a));
    }

    #[test]
    fn a_faint_shade_passes_and_a_new_mark_does_not() {
        let before = filled(100, 100, [255, 255, 255, 255]);
        // anti-aliasing: a pixel a shade off white
        let mut shade = before.clone();
        shade.put_pixel(5, 5, Rgba([250, 250, 250, 255]));
        assert_eq!(compare(&before, &shade, THRESHOLD).changed, 0);
        // a word: a block of dark pixels
        let mut word = before.clone();
        for x in 10..30 {
            for y in 10..16 {
                word.put_pixel(x, y, Rgba([30, 30, 30, 255]));
            }
        }
        let compared = compare(&before, &word, THRESHOLD);
        assert_eq!(compared.changed, 120);
        assert!(changed(&compared, &word));
        assert_eq!(*compared.image.get_pixel(12, 12), Rgba([255, 0, 0, 255]));
        assert_ne!(*compared.image.get_pixel(50, 50), Rgba([255, 0, 0, 255]));
        // A threshold of 1 lets everything pass.
        assert_eq!(compare(&before, &word, 1.0).changed, 0);
    }

    #[test]
    fn another_size_is_a_change() {
        let compared = compare(&filled(10, 10, [0, 0, 0, 255]), &filled(10, 12, [0, 0, 0, 255]), THRESHOLD);
        assert!(compared.resized);
        assert_eq!(compared.changed, 20, "the rows the baseline lacks");
    }

    #[test]
    fn screenshots_are_kept_by_route_and_compared_with_the_baseline() {
        let tmp = tempfile::tempdir().unwrap();
        let (shots, baseline) = (tmp.path().join("shots"), tmp.path().join("baseline"));
        let png = |image: &RgbaImage| {
            let mut bytes = std::io::Cursor::new(Vec::new());
            image.write_to(&mut bytes, image::ImageFormat::Png).unwrap();
            bytes.into_inner()
        };
        let white = png(&filled(20, 20, [255, 255, 255, 255]));
        let shot = keep(&shots, Some(&baseline), true, "pages/a/a", &white).unwrap();
        assert!(shots.join("pages/a/a.png").exists() && baseline.join("pages/a/a.png").exists());
        assert_eq!(shot.changed_pixels, None);
        let same = keep(&shots, Some(&baseline), false, "pages/a/a", &white).unwrap();
        assert_eq!((same.changed_pixels, same.diff), (Some(0), None));
        let black = png(&filled(20, 20, [0, 0, 0, 255]));
        let other = keep(&shots, Some(&baseline), false, "pages/a/a", &black).unwrap();
        assert_eq!(other.changed_pixels, Some(400));
        assert!(shots.join("pages/a/a.diff.png").exists(), "{other:?}");
        // A page the baseline does not have yet is not compared.
        let new = keep(&shots, Some(&baseline), false, "pages/b/b", &black).unwrap();
        assert_eq!(new.changed_pixels, None);
    }
}
