//! Unified social credit codes (统一社会信用代码, GB 32100-2015) of the organisations in the
//! basic information registry: enterprises, shops, social organisations, institutions.
//!
//! The 18 characters are: the registration authority (1), the organisation type (1), the
//! administrative division code (6 digits), the organisation code of GB 11714 (9, its own check
//! character last) and a MOD 31 check character over the first 17. Both checks are verified, so
//! a typo in either part is caught at the boundary. The code is public (it is printed on every
//! business licence), so unlike a person's number it is shown in full.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The 31 characters a code may use: digits and capitals without I, O, Z, S, V (easily confused
/// with 1, 0, 2, 5, U). A character's value in the check is its index here.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of the first 17 characters (3^i mod 31).
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
/// Weights of the first 8 characters of a GB 11714 organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Why a unified social credit code was refused. Each variant maps to one stable error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a unified social credit code has 18 characters")]
    Length,
    #[error(
        "a unified social credit code uses digits and capital letters other than I, O, Z, S, V, \
         with digits in positions 3 to 8"
    )]
    Characters,
    #[error("the check character of the unified social credit code is wrong")]
    Check,
    #[error("the check character of the organisation code inside the unified social credit code is wrong")]
    OrgCheck,
}

impl UsccError {
    /// The stable machine-readable code used in API errors (the UI translates by code).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length => "uscc_length",
            Self::Characters => "uscc_characters",
            Self::Check => "uscc_check",
            Self::OrgCheck => "uscc_org_check",
        }
    }
}

/// The value of a character in the MOD 31 check, `None` outside the charset.
fn value31(c: u8) -> Option<u32> {
    CHARSET.iter().position(|&x| x == c).map(|i| i as u32)
}

/// The check character over the first 17 characters (all in the charset, else `None`).
fn check31(first17: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in first17.iter().zip(WEIGHTS) {
        sum += value31(c)? * w;
    }
    let v = (31 - sum % 31) % 31;
    CHARSET.get(v as usize).copied()
}

/// The GB 11714 check character over the first 8 characters of an organisation code: digits
/// count as themselves and letters as A = 10 … Z = 35.
fn check11(first8: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&c, w) in first8.iter().zip(ORG_WEIGHTS) {
        sum += char::from(c).to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        v => b'0' + v as u8,
    })
}

/// A checked unified social credit code, upper-case.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Uscc(String);

impl Uscc {
    /// Trims surrounding whitespace and upper-cases before checking, as codes are often typed
    /// from a licence in lower case.
    pub fn parse(raw: &str) -> Result<Uscc, UsccError> {
        let s = raw.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(UsccError::Length);
        }
        let b = s.as_bytes();
        // Non-ASCII characters make the byte length differ from 18, or fail the charset here.
        if b.len() != 18 || !b.iter().all(|&c| value31(c).is_some()) {
            return Err(UsccError::Characters);
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(UsccError::Characters);
        }
        if check31(&b[..17]) != Some(b[17]) {
            return Err(UsccError::Check);
        }
        if check11(&b[8..16]) != Some(b[16]) {
            return Err(UsccError::OrgCheck);
        }
        Ok(Uscc(s))
    }

    /// A valid code for demo data: an enterprise (`9` 工商 registration, `1` enterprise) in
    /// `region6`, with the 8-digit organisation code body `seq` mod 10^8. A `region6` that is
    /// not 6 digits is replaced by Tianqiao District's 370105, so the result always parses.
    pub fn synthetic(region6: &str, seq: u32) -> Uscc {
        let region = if region6.len() == 6 && region6.bytes().all(|b| b.is_ascii_digit()) {
            region6
        } else {
            "370105"
        };
        let body = format!("{:08}", seq % 100_000_000);
        let org_check = char::from(check11(body.as_bytes()).unwrap_or(b'0'));
        let first17 = format!("91{region}{body}{org_check}");
        let check = char::from(check31(first17.as_bytes()).unwrap_or(b'0'));
        Uscc(format!("{first17}{check}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Position 1: the registration authority (`1` 机构编制, `5` 民政, `9` 工商, `Y` other, …).
    pub fn registration_authority(&self) -> char {
        char::from(self.0.as_bytes()[0])
    }

    /// Position 2: the organisation type within its authority (e.g. `1` enterprise under `9`).
    pub fn organisation_type(&self) -> char {
        char::from(self.0.as_bytes()[1])
    }

    /// Positions 3–8: the administrative division code of the registering authority.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the GB 11714 organisation code, its own check character included.
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Debug for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Uscc({})", self.0)
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl TryFrom<String> for Uscc {
    type Error = UsccError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Uscc::parse(&s)
    }
}

impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    /// The first 17 characters with the right MOD 31 check character appended.
    fn with_check(first17: &str) -> String {
        let c = check31(first17.as_bytes()).unwrap();
        format!("{first17}{}", char::from(c))
    }

    #[test]
    fn published_examples_parse() {
        // The example in GB 32100-2015 (both checks verified with this implementation).
        let u = Uscc::parse("91350100M000100Y43").unwrap();
        assert_eq!(u.as_str(), "91350100M000100Y43");
        assert_eq!(u.registration_authority(), '9');
        assert_eq!(u.organisation_type(), '1');
        assert_eq!(u.division_code(), "350100");
        assert_eq!(u.organisation_code(), "M000100Y4");
        // A real, public code (published as Huawei Technologies Co., Ltd.'s in Shenzhen); both
        // checks verified with this implementation. 91110000100000589B, once suggested for
        // Sinopec, fails the check and is not used.
        let u = Uscc::parse("914403001922038216").unwrap();
        assert_eq!(u.division_code(), "440300");
        assert_eq!(u.organisation_code(), "192203821");
        assert_eq!(Uscc::parse("91110000100000589B"), Err(UsccError::Check));
    }

    #[test]
    fn trims_and_upper_cases() {
        let u = Uscc::parse("  91350100m000100y43\n").unwrap();
        assert_eq!(u.as_str(), "91350100M000100Y43");
        assert_eq!(u.to_string(), "91350100M000100Y43");
        assert_eq!(format!("{u:?}"), "Uscc(91350100M000100Y43)");
        assert_eq!("91350100M000100Y43".parse::<Uscc>(), Ok(u));
    }

    #[test]
    fn check_character() {
        for last in ["0", "2", "4", "Y"] {
            let s = format!("91350100M000100Y4{last}");
            assert_eq!(Uscc::parse(&s), Err(UsccError::Check), "{s}");
        }
        // Two adjacent characters swapped.
        assert_eq!(Uscc::parse("91351000M000100Y43"), Err(UsccError::Check));
        assert_eq!(Uscc::parse("914403001922038261"), Err(UsccError::Check));
        // A sum that is a multiple of 31 gives check value 0, not 31; a sum of 1 gives 30, "Y";
        // a sum of 3 (the second weight) gives 28, "W".
        assert_eq!(with_check("00000000000000000"), "000000000000000000");
        assert_eq!(with_check("10000000000000000"), "10000000000000000Y");
        assert_eq!(with_check("01000000000000000"), "01000000000000000W");
        assert_eq!(UsccError::Check.code(), "uscc_check");
    }

    #[test]
    fn organisation_code_check() {
        // Right MOD 31 check over a wrong organisation code check character.
        for org_check in ["0", "2", "X"] {
            let s = with_check(&format!("9144030019220382{org_check}"));
            assert_eq!(Uscc::parse(&s), Err(UsccError::OrgCheck), "{s}");
        }
        assert_eq!(check11(b"19220382"), Some(b'1'));
        assert_eq!(check11(b"M000100Y"), Some(b'4'));
        // 11 - (sum mod 11) of 10 is X and of 11 is 0.
        assert_eq!(check11(b"00000001"), Some(b'9')); // sum 2
        assert_eq!(check11(b"00000006"), Some(b'X')); // sum 12, 11 - 1 = 10
        assert_eq!(check11(b"00000000"), Some(b'0')); // sum 0, 11 - 0 = 11
        assert_eq!(check11(b"10000000"), Some(b'8')); // sum 3
        assert_eq!(UsccError::OrgCheck.code(), "uscc_org_check");
    }

    #[test]
    fn characters_and_length() {
        for s in [
            "",
            "91350100M000100Y4",
            "91350100M000100Y433",
            "91350100M000100Y4 3 ",
        ] {
            assert_eq!(Uscc::parse(s), Err(UsccError::Length), "{s:?}");
        }
        for s in [
            "91350100I000100Y43", // I
            "91350100O000100Y43", // O
            "91350100Z000100Y43", // Z
            "91350100S000100Y43", // S
            "91350100V000100Y43", // V
            "9135010-M000100Y43",
            "91350100M000100Y4３", // full-width digit
            "913501A0M000100Y43",  // letter in the division code
        ] {
            assert_eq!(Uscc::parse(s), Err(UsccError::Characters), "{s}");
        }
        assert_eq!(UsccError::Length.code(), "uscc_length");
        assert_eq!(UsccError::Characters.code(), "uscc_characters");
    }

    #[test]
    fn synthetic_codes_parse_back() {
        let u = Uscc::synthetic("370105", 1);
        assert_eq!(u.as_str(), "91370105000000019Y");
        assert_eq!(Uscc::synthetic("not a region", 1), u);
        let mut rng = SplitMix64::new(11);
        let regions = ["370105", "370102", "110105", "440305"];
        for _ in 0..5000 {
            let region = *rng.pick(&regions);
            let seq = rng.next_u64() as u32;
            let u = Uscc::synthetic(region, seq);
            let back = Uscc::parse(u.as_str()).unwrap();
            assert_eq!(back, u);
            assert_eq!(back.division_code(), region);
            assert_eq!(
                &back.organisation_code()[..8],
                format!("{:08}", seq % 100_000_000)
            );
        }
    }

    #[test]
    fn serde_checks_on_the_way_in() {
        use serde::de::value::{Error, StrDeserializer};
        let de = StrDeserializer::<Error>::new("91350100m000100y43");
        assert_eq!(
            Uscc::deserialize(de).map(String::from),
            Ok("91350100M000100Y43".to_owned())
        );
        let de = StrDeserializer::<Error>::new("91350100M000100Y44");
        assert!(Uscc::deserialize(de).is_err());
    }
}
