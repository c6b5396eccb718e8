//! Resident identity card numbers (公民身份号码, GB 11643-1999).
//!
//! The basic information registry keys people by this number, so it is checked once at the
//! boundary: structure, province, birth date and the ISO 7064 MOD 11-2 check character. Legacy
//! 15-digit numbers (issued before 1999) are converted to their 18-digit form, so one person has
//! one number. The number is personal data: `Debug` and `Display` only ever show the masked form,
//! so it cannot reach a log line by accident; [`IdNumber::digits`] must be asked for explicitly.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Sex as encoded in the 17th digit of an identity card number (odd = male).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Male => "male",
            Self::Female => "female",
        }
    }
}

/// Why an identity card number was refused. The variants carry no part of the input, so an
/// error can be logged without leaking the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("an identity card number has 18 characters (or 15 for a legacy number)")]
    Length,
    #[error("an identity card number has only digits, and X as its last character")]
    Characters,
    #[error("the identity card number does not start with a known province code")]
    Region,
    #[error("the birth date in the identity card number is not a real date between 1900 and today")]
    BirthDate,
    #[error("the check character of the identity card number is wrong")]
    CheckDigit,
}

impl IdError {
    /// The stable machine-readable code used in API errors (the UI translates by code).
    pub fn code(&self) -> &'static str {
        match self {
            Self::Length => "id_length",
            Self::Characters => "id_characters",
            Self::Region => "id_region",
            Self::BirthDate => "id_birth_date",
            Self::CheckDigit => "id_check_digit",
        }
    }
}

/// Weights of the first 17 digits for the MOD 11-2 check (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character for each value of the weighted sum mod 11.
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level codes (the first two digits) in use: the 31 mainland provinces, Taiwan (71),
/// Hong Kong (81), Macao (82), and 83, which the residence permits for Taiwan residents living on
/// the mainland (台湾居民居住证) carry; those residents are registered like anyone else.
fn known_province(code: u32) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83)
}

/// The earliest birth date accepted: older numbers are typing errors, not people.
const EARLIEST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The last date with a four-digit year, the most an 8-digit birth date can hold.
const LATEST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => NaiveDate::MAX,
};

/// The check character for the first 17 digits (ASCII digits assumed).
fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// A checked 18-digit resident identity card number (the check character upper-case).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    /// Parses an 18-digit number, or a legacy 15-digit one (converted to 18 digits). Spaces are
    /// ignored anywhere (numbers are often typed in groups) and a lower-case `x` is accepted.
    /// `today` bounds the birth date: nobody registered is born in the future.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<IdNumber, IdError> {
        let s: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
        let count = s.chars().count();
        if count != 15 && count != 18 {
            return Err(IdError::Length);
        }
        // Full-width digits and other non-ASCII characters are refused before slicing by byte.
        if !s.is_ascii() {
            return Err(IdError::Characters);
        }
        let digits = match count {
            18 => {
                let (body, last) = s.split_at(s.len().saturating_sub(1));
                if !body.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdError::Characters);
                }
                let last = last.to_ascii_uppercase();
                if !(last == "X" || last.bytes().all(|b| b.is_ascii_digit())) {
                    return Err(IdError::Characters);
                }
                format!("{body}{last}")
            }
            15 => {
                if !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(IdError::Characters);
                }
                // Legacy numbers have a two-digit year of the 1900s and no check character.
                let first17 = format!("{}19{}", &s[..6], &s[6..]);
                let check = char::from(check_char(first17.as_bytes()));
                format!("{first17}{check}")
            }
            _ => return Err(IdError::Length),
        };
        let b = digits.as_bytes();
        let province = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
        if !known_province(province) {
            return Err(IdError::Region);
        }
        let birth = birth_from(&digits[6..14]).ok_or(IdError::BirthDate)?;
        if birth < EARLIEST_BIRTH || birth > today {
            return Err(IdError::BirthDate);
        }
        if check_char(&b[..17]) != b[17] {
            return Err(IdError::CheckDigit);
        }
        Ok(IdNumber(digits))
    }

    /// A valid number for demo data. The sequence is taken mod 1000 and its last digit moved by
    /// one where needed so its parity gives `sex`. A `region6` that is not 6 digits starting with
    /// a known province is replaced by Tianqiao District's 370105, and the birth year is clamped
    /// to 1900..=9999, so the result always parses back as long as `birth` is not after the
    /// `today` it is parsed with.
    pub fn synthetic(region6: &str, birth: NaiveDate, seq: u16, sex: Sex) -> IdNumber {
        let region_ok = region6.len() == 6
            && region6.bytes().all(|b| b.is_ascii_digit())
            && region6
                .get(..2)
                .and_then(|p| p.parse::<u32>().ok())
                .is_some_and(known_province);
        let region = if region_ok { region6 } else { "370105" };
        let birth = birth.clamp(EARLIEST_BIRTH, LATEST_BIRTH);
        let seq = seq % 1000;
        let seq = match sex {
            Sex::Male => seq | 1,
            Sex::Female => seq & !1,
        };
        let first17 = format!(
            "{region}{:04}{:02}{:02}{seq:03}",
            birth.year(),
            birth.month(),
            birth.day()
        );
        let check = char::from(check_char(first17.as_bytes()));
        IdNumber(format!("{first17}{check}"))
    }

    /// 17 digits with their check character appended, whether or not they make a valid number
    /// (test data uses it to get a number whose only fault is, say, its birth date).
    pub fn with_check_char(first17: &str) -> String {
        format!("{first17}{}", char::from(check_char(first17.as_bytes())))
    }

    /// The full 18-character number, check character upper-case. Personal data: only for
    /// storage (encrypted) and for the few screens entitled to it.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The 6-digit address code of where the number was first issued.
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Checked at construction; the fallback is unreachable.
        birth_from(&self.0[6..14]).unwrap_or(EARLIEST_BIRTH)
    }

    pub fn sex(&self) -> Sex {
        if self.0.as_bytes()[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Age in completed years on `date`; 0 before the birth date.
    pub fn age_on(&self, date: NaiveDate) -> u32 {
        date.years_since(self.birth_date()).unwrap_or(0)
    }

    /// `370105********1234`: the region and the last four characters, what paper forms show.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// The date in `YYYYMMDD` digits, `None` if it is not a calendar date.
fn birth_from(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd.get(0..4)?.parse().ok()?;
    let m = yyyymmdd.get(4..6)?.parse().ok()?;
    let d = yyyymmdd.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SplitMix64;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn today() -> NaiveDate {
        date(2025, 6, 1)
    }

    fn parse(s: &str) -> Result<IdNumber, IdError> {
        IdNumber::parse(s, today())
    }

    /// Replaces the check character of a 17-digit body with the right one.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", char::from(check_char(first17.as_bytes())))
    }

    #[test]
    fn standard_example_parses() {
        // The example printed in GB 11643-1999 itself.
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.digits(), "11010519491231002X");
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn lower_case_x_and_spaces_accepted() {
        let id = parse(" 110105 19491231 002x ").unwrap();
        assert_eq!(id.digits(), "11010519491231002X");
    }

    #[test]
    fn legacy_fifteen_digits_converted() {
        let id = parse("110105491231002").unwrap();
        assert_eq!(id.digits(), "11010519491231002X");
        assert_eq!(id, parse("11010519491231002X").unwrap());
        assert_eq!(parse("11010549123100a"), Err(IdError::Characters));
        // 1949-02-30 does not exist in the legacy form either.
        assert_eq!(parse("110105490230002"), Err(IdError::BirthDate));
    }

    #[test]
    fn wrong_check_character_rejected() {
        for last in ["0", "1", "9"] {
            let s = format!("11010519491231002{last}");
            assert_eq!(parse(&s), Err(IdError::CheckDigit), "{s}");
        }
        // Swapping two adjacent digits changes the check character (it would be 6 here).
        assert_eq!(parse("11010519491231020X"), Err(IdError::CheckDigit));
        assert_eq!(parse("370105199003070018"), Err(IdError::CheckDigit));
        assert_eq!(IdError::CheckDigit.code(), "id_check_digit");
    }

    #[test]
    fn check_character_values() {
        // All eleven check characters, worked out by hand from the weights and the table.
        let cases = [
            (0, '7'),
            (1, '5'),
            (2, '3'),
            (3, '1'),
            (4, 'X'),
            (5, '8'),
            (6, '6'),
            (7, '4'),
            (8, '2'),
            (9, '0'),
            (18, '9'),
        ];
        for (seq, check) in cases {
            let s = with_check(&format!("37010519900307{seq:03}"));
            assert_eq!(s.chars().last(), Some(check), "{s}");
            assert!(parse(&s).is_ok(), "{s}");
        }
    }

    #[test]
    fn impossible_and_out_of_range_dates_rejected() {
        for body in [
            "37010520230230001", // 30 February
            "37010520231301001", // month 13
            "37010520230000001", // day 0
            "37010519000229001", // 1900 was not a leap year
            "37010518991231001", // before 1900
            "37010520250602001", // the day after `today`
            "37010530000101001", // far future
        ] {
            assert_eq!(parse(&with_check(body)), Err(IdError::BirthDate), "{body}");
        }
        assert!(
            parse(&with_check("37010520000229001")).is_ok(),
            "2000 was a leap year"
        );
        assert!(
            parse(&with_check("37010519000101001")).is_ok(),
            "1900-01-01 is the limit"
        );
        assert!(parse(&with_check("37010520250601001")).is_ok(), "born today");
        assert_eq!(IdError::BirthDate.code(), "id_birth_date");
    }

    #[test]
    fn province_codes() {
        for p in [
            "00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "70", "72", "80",
            "84", "99",
        ] {
            let s = with_check(&format!("{p}010519900101001"));
            assert_eq!(parse(&s), Err(IdError::Region), "{s}");
        }
        for p in [
            "11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83",
        ] {
            let s = with_check(&format!("{p}010519900101001"));
            assert!(parse(&s).is_ok(), "{s}");
        }
        assert_eq!(IdError::Region.code(), "id_region");
    }

    #[test]
    fn length_and_characters() {
        for s in ["", "1101051949123100", "11010519491231002X1", "1101054912310020"] {
            assert_eq!(parse(s), Err(IdError::Length), "{s}");
        }
        for s in [
            "1101051949123100XX",
            "11010519491231002Y",
            "1101051949I231002X",
            "１１０１０５１９４９１２３１００２Ｘ",
        ] {
            // The last is in full-width digits: 18 characters, none of them ASCII digits.
            assert_eq!(parse(s), Err(IdError::Characters), "{s}");
        }
        assert_eq!(IdError::Length.code(), "id_length");
        assert_eq!(IdError::Characters.code(), "id_characters");
    }

    #[test]
    fn sex_and_age() {
        let male = parse(&with_check("37010519900307001")).unwrap();
        assert_eq!(male.sex(), Sex::Male);
        let female = parse(&with_check("37010519900307002")).unwrap();
        assert_eq!(female.sex(), Sex::Female);
        assert_eq!(male.age_on(date(2025, 3, 6)), 34);
        assert_eq!(male.age_on(date(2025, 3, 7)), 35);
        assert_eq!(male.age_on(date(1990, 3, 7)), 0);
        assert_eq!(male.age_on(date(1980, 1, 1)), 0);
        let leap = parse(&with_check("37010520000229001")).unwrap();
        assert_eq!(leap.age_on(date(2001, 2, 28)), 0);
        assert_eq!(leap.age_on(date(2001, 3, 1)), 1);
    }

    #[test]
    fn masked_everywhere() {
        let id = parse("370105199003070015").unwrap();
        assert_eq!(id.masked(), "370105********0015");
        assert_eq!(id.masked().len(), 18);
        assert_eq!(id.to_string(), "370105********0015");
        let debug = format!("{id:?}");
        assert_eq!(debug, "IdNumber(370105********0015)");
        assert!(!debug.contains("19900307"));
        assert!(!format!("{:?}", Some(&id)).contains("19900307"));
        assert!(!format!("{:#?}", vec![id]).contains("19900307"));
    }

    #[test]
    fn errors_do_not_carry_the_input() {
        let e = parse("370105199003070018").unwrap_err();
        assert_eq!(e, IdError::CheckDigit);
        assert!(!format!("{e:?} {e}").contains("19900307"));
    }

    #[test]
    fn synthetic_numbers_parse_back() {
        let mut rng = SplitMix64::new(7);
        let regions = ["370105", "370102", "110105", "440305", "650102", "820000"];
        let first = EARLIEST_BIRTH;
        let span = (today() - first).num_days() as usize + 1;
        for _ in 0..5000 {
            let region = *rng.pick(&regions);
            let birth = first + chrono::Days::new(rng.below(span) as u64);
            let seq = rng.next_u64() as u16;
            let sex = if rng.below(2) == 0 { Sex::Male } else { Sex::Female };
            let id = IdNumber::synthetic(region, birth, seq, sex);
            let back = parse(id.digits()).unwrap();
            assert_eq!(back, id);
            assert_eq!(back.region_code(), region);
            assert_eq!(back.birth_date(), birth);
            assert_eq!(back.sex(), sex);
            let want = match sex {
                Sex::Male => (seq % 1000) | 1,
                Sex::Female => (seq % 1000) & !1,
            };
            assert_eq!(back.digits()[14..17], format!("{want:03}"));
        }
    }

    #[test]
    fn synthetic_exact_and_fallbacks() {
        let id = IdNumber::synthetic("370105", date(1990, 3, 7), 1, Sex::Male);
        assert_eq!(id.digits(), "370105199003070015");
        let id = IdNumber::synthetic("370105", date(1990, 3, 7), 1, Sex::Female);
        assert_eq!(id.digits(), "370105199003070007");
        let id = IdNumber::synthetic("370105", date(1990, 3, 7), 4, Sex::Male);
        assert_eq!(id.digits(), "370105199003070058");
        let id = IdNumber::synthetic("370105", date(1990, 3, 7), 1999, Sex::Male);
        assert_eq!(&id.digits()[14..17], "999");
        // Neither the region nor the birth date can make an invalid number.
        let id = IdNumber::synthetic("99xx", date(1850, 1, 1), 2, Sex::Female);
        assert_eq!(id.digits(), "370105190001010026");
        assert!(parse(id.digits()).is_ok());
        let id = IdNumber::synthetic("990105", date(1990, 3, 7), 1, Sex::Male);
        assert_eq!(id.digits(), "370105199003070015");
    }

    #[test]
    fn sex_serde_is_snake_case() {
        use serde::de::value::{Error, StrDeserializer};
        assert_eq!(Sex::Male.as_str(), "male");
        assert_eq!(Sex::Female.as_str(), "female");
        let de = StrDeserializer::<Error>::new("female");
        assert_eq!(Sex::deserialize(de), Ok(Sex::Female));
        let de = StrDeserializer::<Error>::new("Male");
        assert!(Sex::deserialize(de).is_err());
    }
}
