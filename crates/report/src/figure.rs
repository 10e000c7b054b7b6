//! A paper's key figure as the report records it: what the page says (image URL, caption,
//! anchor), and either the safe local copy paperbrief made of it or why there is none.
//!
//! A figure is shown anywhere only when its copy was made: the image passed every check
//! (host, size, format, dimensions) and was re-encoded. A refused figure is a note, never a
//! failed paper and never a link to the refused image.

use std::fmt;

use paperbrief_core::KeyFigure;
use serde::{Deserialize, Serialize};

/// The key figure of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureInfo {
    /// The image URL on arXiv, the caption and the figure's anchor, as the page gave them.
    #[serde(flatten)]
    pub figure: KeyFigure,
    /// The re-encoded copy in the store's `figures/` folder, when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FigureFile>,
    /// Why there is no copy (refused or failed), when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl FigureInfo {
    /// The figure when its safe copy exists: the only figure any output shows.
    pub fn shown(&self) -> Option<(&KeyFigure, &FigureFile)> {
        self.file.as_ref().map(|f| (&self.figure, f))
    }
}

/// A re-encoded figure: its file name and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureFile {
    /// `{hash}.png` or `{hash}.jpg`.
    pub name: FigureName,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// A figure's file name: 16 to 64 lowercase hex digits and `.png` or `.jpg`, so a report
/// file's content can never name a path outside the figures folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FigureName(String);

/// A string that is not a figure file name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a figure file name (hex digits and .png or .jpg)")]
pub struct BadFigureName(String);

impl FigureName {
    /// The name of the figure whose bytes hash to `hex_digest`, with `extension`.
    pub fn parse(name: &str) -> Result<Self, BadFigureName> {
        let bad = || BadFigureName(name.chars().take(80).collect());
        let (stem, ext) = name.rsplit_once('.').ok_or_else(bad)?;
        let hex = stem
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if hex && (16..=64).contains(&stem.len()) && matches!(ext, "png" | "jpg") {
            Ok(Self(name.to_owned()))
        } else {
            Err(bad())
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The MIME type its extension says.
    pub fn mime(&self) -> &'static str {
        if self.0.ends_with(".jpg") {
            "image/jpeg"
        } else {
            "image/png"
        }
    }
}

impl TryFrom<String> for FigureName {
    type Error = BadFigureName;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<FigureName> for String {
    fn from(value: FigureName) -> Self {
        value.0
    }
}

impl fmt::Display for FigureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hash_names_are_figure_names() {
        assert!(FigureName::parse("0123456789abcdef.png").is_ok());
        assert_eq!(
            FigureName::parse("0123456789abcdef0123.jpg")
                .unwrap()
                .mime(),
            "image/jpeg"
        );
        for bad in [
            "../../etc/passwd",
            "0123456789abcdef.svg",
            "0123456789ABCDEF.png",
            "abc.png",
            "0123456789abcdef/x.png",
            "",
        ] {
            assert!(FigureName::parse(bad).is_err(), "{bad}");
        }
        let json = r#"{"name": "../x.png", "width": 1, "height": 1}"#;
        assert!(serde_json::from_str::<FigureFile>(json).is_err());
    }
}
