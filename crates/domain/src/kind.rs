//! Closed lists of kinds with a code (what the API and the database carry) and a zh-CN label
//! (what operators see and type, e.g. in spreadsheet drop-down lists). Each kind parses from its
//! code or its label, so an import can take either.

/// A closed list of kinds with a code and a zh-CN label each.
pub trait Kind: Sized + Copy + 'static {
    /// Every kind, in the order forms and drop-down lists show them.
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn label(self) -> &'static str;

    /// From the code or the label, surrounding spaces ignored.
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.code() == s || k.label() == s)
    }

    /// The labels, for a drop-down list.
    fn labels() -> Vec<&'static str> {
        Self::ALL.iter().map(|k| k.label()).collect()
    }
}

/// Declares an enum of kinds with its codes and labels, and its [`Kind`] implementation.
macro_rules! kinds {
    ($(#[$m:meta])* $t:ident { $($(#[$vm:meta])* $v:ident => $code:literal, $label:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $t { $($(#[$vm])* $v),* }

        impl $crate::kind::Kind for $t {
            const ALL: &'static [Self] = &[$(Self::$v),*];
            fn code(self) -> &'static str {
                match self { $(Self::$v => $code),* }
            }
            fn label(self) -> &'static str {
                match self { $(Self::$v => $label),* }
            }
        }
    };
}
