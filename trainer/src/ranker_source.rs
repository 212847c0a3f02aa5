//! Where a command's ranker comes from: a weights file the user names, or the bundled rankers,
//! compiled into the binary so that an installed `archrank` works from any folder.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow, bail};
use archrank_core::AnyRanker;

/// The bundled ranker (`data/default-ranker.postcard` when this binary was built), fitted on
/// every bundled task.
pub static BUNDLED_RANKER: &[u8] = include_bytes!("../../data/default-ranker.postcard");

/// The bundled ranker's ensemble members: the same fit with seeds 1 and 2, for the confidence.
pub static BUNDLED_ENSEMBLE: [&[u8]; 2] = [
    include_bytes!("../../data/default-ranker-seed1.postcard"),
    include_bytes!("../../data/default-ranker-seed2.postcard"),
];

/// What a person reads for the bundled ranker.
pub const BUNDLED_NAME: &str = "the bundled ranker (compiled in)";

/// A ranker's weights and what to call them in messages.
#[derive(Clone, Debug)]
pub struct Weights {
    /// The weights file's bytes.
    pub bytes: Vec<u8>,
    /// Its path as given, or [`BUNDLED_NAME`].
    pub name: String,
    /// Whether it is the bundled ranker.
    pub bundled: bool,
}

impl Weights {
    /// The file at `path`, or the bundled ranker when there is none.
    ///
    /// # Errors
    /// An unreadable file, named.
    pub fn load(path: Option<&Path>) -> Result<Self> {
        match path {
            Some(path) => Ok(Self {
                bytes: std::fs::read(path)
                    .with_context(|| format!("cannot read weights file {}", path.display()))?,
                name: path.display().to_string(),
                bundled: false,
            }),
            None => Ok(Self {
                bytes: BUNDLED_RANKER.to_vec(),
                name: BUNDLED_NAME.into(),
                bundled: true,
            }),
        }
    }

    /// The ensemble for the confidence: the weights files `paths`, else the bundled members
    /// when this is the bundled ranker, else none; each checked to load and to be of this
    /// ranker's preset.
    ///
    /// # Errors
    /// An unreadable or invalid file, or one of another preset, named.
    pub fn ensemble(&self, paths: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
        let members: Vec<Self> = if paths.is_empty() && self.bundled {
            BUNDLED_ENSEMBLE
                .iter()
                .enumerate()
                .map(|(i, b)| Self {
                    bytes: b.to_vec(),
                    name: format!("the bundled ensemble member {}", i + 1),
                    bundled: true,
                })
                .collect()
        } else {
            paths.iter().map(|p| Self::load(Some(p))).collect::<Result<_>>()?
        };
        let preset = AnyRanker::load(&self.bytes).ok().map(|r| r.preset());
        members
            .into_iter()
            .map(|m| {
                let member = AnyRanker::load(&m.bytes).map_err(|e| anyhow!("{}: {e}", m.name))?;
                if let Some(preset) = preset.filter(|&p| p != member.preset()) {
                    bail!(
                        "{}: a {} ranker cannot join an ensemble of {preset} rankers ({})",
                        m.name,
                        member.preset(),
                        self.name
                    );
                }
                Ok(m.bytes)
            })
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_rankers_load_and_share_a_preset() {
        let primary = Weights::load(None).unwrap();
        let preset = AnyRanker::load(&primary.bytes).unwrap().preset();
        let members = primary.ensemble(&[]).unwrap();
        assert_eq!(members.len(), 2);
        for m in &members {
            assert_eq!(AnyRanker::load(m).unwrap().preset(), preset);
        }
        assert!(
            Weights::load(Some(Path::new("no/such/file")))
                .unwrap_err()
                .to_string()
                .contains("no/such/file")
        );
    }
}
