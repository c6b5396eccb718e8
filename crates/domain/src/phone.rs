//! Mainland phone numbers: mobile numbers (the identifier residents register with) and fixed
//! lines (the contact of many households, shops and organisations in the registry).
//!
//! Both are personal data, so `Debug` and `Display` show them masked; the full number must be
//! asked for with `digits()`. A refused number gives the stable error code `invalid_phone`.

use std::fmt;

/// A checked mainland mobile number: 11 digits, `1[3-9]…`. `Debug` and `Display` show it masked,
/// so it cannot leak into logs by accident; [`MobilePhone::digits`] gives the full number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MobilePhone(String);

impl MobilePhone {
    /// Accepts spaces and dashes and a `+86`/`86` prefix: `+86 138-0013-8000`.
    pub fn parse(raw: &str) -> Result<MobilePhone, &'static str> {
        let mut d: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if let Some(rest) = d.strip_prefix("+86") {
            d = rest.to_owned();
        } else if d.len() == 13 && d.starts_with("86") {
            d = d[2..].to_owned();
        }
        let b = d.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit)
        {
            Ok(MobilePhone(d))
        } else {
            Err("invalid_phone")
        }
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// `138****8000`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobilePhone({})", self.masked())
    }
}

impl fmt::Display for MobilePhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A checked mainland fixed-line number: area code, subscriber number, optional extension.
///
/// The area code is `010`, `02x` (two digits after the trunk `0`) or `0` + three digits starting
/// with 3–9, as in the national numbering plan; that rule is what makes `01085950000` readable
/// without separators. The subscriber number has 7 or 8 digits and does not start with 0 or 1
/// (those are service and mobile prefixes). A number without an area code is refused: the
/// registry covers more than one city's worth of records and cannot guess it.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Landline {
    /// Area code with its leading `0`, then the subscriber number.
    digits: String,
    area_len: usize,
    extension: Option<String>,
}

/// The longest extension accepted; switchboards use up to 4, some 5–6.
const MAX_EXTENSION: usize = 6;

impl Landline {
    /// Accepts spaces, dashes and (also full-width) parentheses as separators, a `+86` prefix
    /// (then with or without the trunk `0`: `+86 531 8595 0000`, `+86 (0)531-85950000`), and an
    /// extension after `转`, `ext`, `ext.` or `x`: `0531-85950000转123`. A dash before an
    /// extension is refused: `0531-8595000-123` could be a mistyped 8-digit number.
    pub fn parse(raw: &str) -> Result<Landline, &'static str> {
        let (main, extension) = split_extension(raw.trim())?;
        let mut d: String = main
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{3000}' | '-' | '(' | ')' | '（' | '）'))
            .collect();
        if let Some(rest) = d.strip_prefix("+86") {
            d = format!("0{}", rest.strip_prefix('0').unwrap_or(rest));
        }
        let b = d.as_bytes();
        if b.first() != Some(&b'0') || !b.iter().all(u8::is_ascii_digit) {
            return Err(INVALID);
        }
        let area_len = match b.get(1) {
            Some(b'1' | b'2') => 3,
            Some(b'3'..=b'9') => 4,
            _ => return Err(INVALID),
        };
        let subscriber = &b[area_len.min(b.len())..];
        if !(7..=8).contains(&subscriber.len()) || matches!(subscriber.first(), Some(b'0' | b'1')) {
            return Err(INVALID);
        }
        Ok(Landline {
            digits: d,
            area_len,
            extension,
        })
    }

    /// Area code and subscriber number without separators or extension: `053185950000`.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// With the trunk `0`: `0531`.
    pub fn area_code(&self) -> &str {
        &self.digits[..self.area_len]
    }

    pub fn subscriber(&self) -> &str {
        &self.digits[self.area_len..]
    }

    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// The number as written on a form, `0531-85950000转123`; it parses back to the same value.
    pub fn formatted(&self) -> String {
        match &self.extension {
            Some(ext) => format!("{}-{}转{ext}", self.area_code(), self.subscriber()),
            None => format!("{}-{}", self.area_code(), self.subscriber()),
        }
    }

    /// `0531-****0000`: the area code (a city, not a person) and the subscriber number with its
    /// first four digits hidden, so an 8-digit number shows its last 4 and a 7-digit one its last
    /// 3. Four hidden digits is what the mobile mask hides too. The extension is left out.
    pub fn masked(&self) -> String {
        let sub = self.subscriber();
        format!("{}-****{}", self.area_code(), &sub[4.min(sub.len())..])
    }
}

const INVALID: &str = "invalid_phone";

/// Splits off an extension after `转`, `ext`, `ext.` or `x` (case-insensitive).
fn split_extension(s: &str) -> Result<(&str, Option<String>), &'static str> {
    let lower = s.to_ascii_lowercase();
    let found = ["转", "ext", "x"]
        .iter()
        .find_map(|marker| lower.find(marker).map(|at| (at, at + marker.len())));
    let Some((at, after)) = found else {
        return Ok((s, None));
    };
    // ASCII lower-casing keeps byte offsets, so they index `s` too.
    let ext = s[after..].trim_start_matches(['.', ':', ' ']);
    if ext.is_empty() || ext.len() > MAX_EXTENSION || !ext.bytes().all(|b| b.is_ascii_digit()) {
        return Err(INVALID);
    }
    Ok((&s[..at], Some(ext.to_owned())))
}

impl fmt::Debug for Landline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Landline({})", self.masked())
    }
}

impl fmt::Display for Landline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// A contact number of a person, household or organisation: either kind of phone.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum ContactPhone {
    Mobile(MobilePhone),
    Landline(Landline),
}

impl ContactPhone {
    /// Tries a mobile number first, then a fixed line; the two cannot both match (a fixed line
    /// starts with the trunk `0`, a mobile number with `1`).
    pub fn parse(raw: &str) -> Result<ContactPhone, &'static str> {
        MobilePhone::parse(raw)
            .map(ContactPhone::Mobile)
            .or_else(|_| Landline::parse(raw).map(ContactPhone::Landline))
    }

    /// The full number without separators (a fixed line without its extension).
    pub fn digits(&self) -> &str {
        match self {
            Self::Mobile(m) => m.digits(),
            Self::Landline(l) => l.digits(),
        }
    }

    /// `138****8000` or `0531-****0000`.
    pub fn masked(&self) -> String {
        match self {
            Self::Mobile(m) => m.masked(),
            Self::Landline(l) => l.masked(),
        }
    }
}

impl fmt::Debug for ContactPhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Mobile(m) => write!(f, "Mobile({m:?})"),
            Self::Landline(l) => write!(f, "Landline({l:?})"),
        }
    }
}

impl fmt::Display for ContactPhone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_mask() {
        let p = MobilePhone::parse("+86 138-0013-8000").unwrap();
        assert_eq!(p.digits(), "13800138000");
        assert_eq!(p.to_string(), "138****8000");
        assert_eq!(format!("{p:?}"), "MobilePhone(138****8000)");
        assert_eq!(
            MobilePhone::parse("8613800138000").unwrap().digits(),
            "13800138000"
        );
        for bad in [
            "",
            "12800138000",
            "1380013800",
            "138001380001",
            "1380013800a",
            "0531-85950000",
        ] {
            assert!(MobilePhone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn landline_forms() {
        for (raw, area, sub, ext) in [
            ("0531-85950000", "0531", "85950000", None),
            ("053185950000", "0531", "85950000", None),
            ("(0531) 8595 0000", "0531", "85950000", None),
            ("（0531）85950000", "0531", "85950000", None),
            ("0531-8595000", "0531", "8595000", None),
            ("010-65125555", "010", "65125555", None),
            ("01065125555", "010", "65125555", None),
            ("021 6321 5588", "021", "63215588", None),
            ("+86 531 8595 0000", "0531", "85950000", None),
            ("+86 (0)531-85950000", "0531", "85950000", None),
            ("+861065125555", "010", "65125555", None),
            ("0531-85950000转123", "0531", "85950000", Some("123")),
            ("0531-85950000 ext 123", "0531", "85950000", Some("123")),
            ("0531-85950000 EXT.4567", "0531", "85950000", Some("4567")),
            ("0531-85950000x8", "0531", "85950000", Some("8")),
            ("0531-85950000 X 8", "0531", "85950000", Some("8")),
        ] {
            let l = Landline::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert_eq!(l.area_code(), area, "{raw}");
            assert_eq!(l.subscriber(), sub, "{raw}");
            assert_eq!(l.extension(), ext, "{raw}");
            assert_eq!(l.digits(), format!("{area}{sub}"), "{raw}");
            assert_eq!(Landline::parse(&l.formatted()), Ok(l.clone()), "{raw}");
        }
        assert_eq!(
            Landline::parse("0531 8595 0000 转 123").unwrap().formatted(),
            "0531-85950000转123"
        );
    }

    #[test]
    fn landline_refused() {
        for bad in [
            "",
            "85950000",               // no area code
            "531-85950000",           // no trunk 0 without +86
            "0031-85950000",          // no area code starts 00
            "0531-05950000",          // subscriber starts with 0
            "0531-15950000",          // subscriber starts with 1
            "0531-859500",            // 6-digit subscriber
            "0531-859500001",         // 9-digit subscriber
            "010-651255",             // 6-digit subscriber after a 2-digit area code
            "0531-85950000-123",      // dash before an extension is ambiguous
            "0531-85950000转",        // empty extension
            "0531-85950000转1234567", // extension too long
            "0531-85950000转12a",
            "0531/85950000",
            "0531-8595000o",
            "+85 531 85950000",
            "13800138000",
        ] {
            assert_eq!(Landline::parse(bad), Err("invalid_phone"), "{bad}");
        }
        // Seven digits after a two-digit area code is a valid 7-digit subscriber.
        assert!(Landline::parse("010-6512555").is_ok());
    }

    #[test]
    fn landline_masked() {
        let l = Landline::parse("0531-85950000转123").unwrap();
        assert_eq!(l.masked(), "0531-****0000");
        assert_eq!(l.to_string(), "0531-****0000");
        assert_eq!(format!("{l:?}"), "Landline(0531-****0000)");
        assert!(!format!("{l:?}").contains("8595"));
        let seven = Landline::parse("0531-8595000").unwrap();
        assert_eq!(seven.masked(), "0531-****000");
        let beijing = Landline::parse("010-65125555").unwrap();
        assert_eq!(beijing.masked(), "010-****5555");
    }

    #[test]
    fn contact_phone_either_kind() {
        let m = ContactPhone::parse("138-0013-8000").unwrap();
        assert!(matches!(m, ContactPhone::Mobile(_)));
        assert_eq!(m.digits(), "13800138000");
        assert_eq!(m.masked(), "138****8000");
        assert_eq!(m.to_string(), "138****8000");
        assert_eq!(format!("{m:?}"), "Mobile(MobilePhone(138****8000))");

        let l = ContactPhone::parse("+86 531 8595 0000").unwrap();
        assert!(matches!(l, ContactPhone::Landline(_)));
        assert_eq!(l.digits(), "053185950000");
        assert_eq!(l.masked(), "0531-****0000");
        assert_eq!(format!("{l:?}"), "Landline(Landline(0531-****0000))");
        assert!(!format!("{l:?}").contains("8595"));

        for bad in ["", "12345", "0531-0595000", "1380013800", "phone"] {
            assert_eq!(ContactPhone::parse(bad), Err("invalid_phone"), "{bad}");
        }
    }
}
