//! Mainland mobile numbers (the identifier residents register with).

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
}
