//! The confidence of a choice, from what is known without training: how much the ranker tells
//! the stored architectures (the training tasks' distinct top architectures) apart on this task,
//! as a percentile among its own training tasks, averaged over an ensemble of rankers fitted with
//! other seeds. In leave-one-task-out this predicts the ranking's realized Spearman; the parts one
//! would try first do not (RESULTS.md) and are reported beside it: how far the task lies from the
//! training tasks ([`Ranker::novelty`]) and how much the ensemble agrees.

use archrank_core::{AnyRanker, Preset, Ranker, TaskEmbedding};
use serde::{Deserialize, Serialize};

use crate::rank_stats::{mean, spearman, std_dev};

/// How much to trust a choice, with its parts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Confidence {
    /// From 0 (the ranker tells the stored architectures apart less here than on any training
    /// task) to 1 (more than on all): [`Self::spread_percentile`].
    pub value: f64,
    /// Mean over the members of [`Ranker::novelty`]: the nearest training task's distance over
    /// the training tasks' typical spacing.
    pub novelty: f64,
    /// Mean Spearman between every two members' scores of the stored architectures; none with
    /// one member.
    pub agreement: Option<f64>,
    /// Mean share of their top 5 stored architectures every two members have in common; none
    /// with one member.
    pub top_agreement: Option<f64>,
    /// Mean over the members of the standard deviation of their scores of the stored
    /// architectures: how much the ranker expects the choice to matter on this task.
    pub score_spread: f64,
    /// Mean over the members of the share of training tasks (at their stored embeddings) whose
    /// score spread is below this task's.
    pub spread_percentile: f64,
    /// The first member's spread percentile alone: the confidence without an ensemble.
    pub first_member: f64,
    /// Rankers in the ensemble.
    pub members: usize,
}

/// One ranker of an ensemble with its embedding of the task.
pub struct Member<'a> {
    /// The ranker.
    pub ranker: AnyRanker<'a>,
    /// The task's embedding by this ranker's encoder.
    pub z: TaskEmbedding,
}

/// The stored architectures whose overlap between members is [`Confidence::top_agreement`].
const TOP_STORED: usize = 5;

fn table_archs<P: Preset>(r: &Ranker<'_, P>) -> Vec<Vec<f32>> {
    let tasks = r.tasks();
    (0..tasks.arch_count())
        .map(|i| {
            let mut u = vec![0.0; P::ARCH_DIM];
            tasks.arch_into(i, P::ARCH_DIM, &mut u);
            u
        })
        .collect()
}

fn scores<P: Preset>(r: &Ranker<'_, P>, z: &TaskEmbedding, archs: &[Vec<f32>]) -> Vec<f64> {
    let scorer = r.network().scorer(z);
    archs.iter().map(|u| f64::from(scorer.score(u))).collect()
}

/// The share of `r`'s training tasks whose score spread over `archs` is below `spread` (ties
/// count half).
fn spread_percentile<P: Preset>(r: &Ranker<'_, P>, archs: &[Vec<f32>], spread: f64) -> f64 {
    let tasks = r.tasks();
    let below: f64 = (0..tasks.len())
        .map(|i| {
            let other = std_dev(&scores(r, &tasks.embedding(i), archs));
            if other < spread {
                1.0
            } else if other == spread {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    below / tasks.len().max(1) as f64
}

/// Indices of the `k` best scores.
fn top(scores: &[f64], k: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    order.truncate(k);
    order
}

/// The architectures every member scores: the first member's distinct stored top architectures.
fn stored_archs(first: &AnyRanker<'_>) -> Vec<Vec<f32>> {
    match first {
        AnyRanker::Tiny(r) => table_archs(r),
        AnyRanker::Paper(r) => table_archs(r),
    }
}

/// What one member says of the task.
struct MemberView {
    /// Its scores of the stored architectures.
    scores: Vec<f64>,
    /// [`Ranker::novelty`].
    novelty: f64,
    /// Its scores' spread as a percentile among its training tasks.
    percentile: f64,
}

fn member_view<P: Preset>(r: &Ranker<'_, P>, z: &TaskEmbedding, archs: &[Vec<f32>]) -> MemberView {
    let scores = scores(r, z, archs);
    let percentile = spread_percentile(r, archs, std_dev(&scores));
    MemberView { scores, novelty: f64::from(r.novelty(z)), percentile }
}

/// The confidence of `members`' choice for one task; `None` without members or when their presets
/// differ.
#[must_use]
pub fn confidence(members: &[Member<'_>]) -> Option<Confidence> {
    let first = members.first()?;
    if members.iter().any(|m| m.ranker.preset() != first.ranker.preset()) {
        return None;
    }
    let archs = stored_archs(&first.ranker);
    let views: Vec<MemberView> = members
        .iter()
        .map(|m| match &m.ranker {
            AnyRanker::Tiny(r) => member_view(r, &m.z, &archs),
            AnyRanker::Paper(r) => member_view(r, &m.z, &archs),
        })
        .collect();
    let scored: Vec<&Vec<f64>> = views.iter().map(|v| &v.scores).collect();
    let novelty = mean(&views.iter().map(|v| v.novelty).collect::<Vec<_>>());
    let mut pairs = Vec::new();
    let mut overlaps = Vec::new();
    for (i, a) in scored.iter().enumerate() {
        for b in &scored[i + 1..] {
            pairs.push(spearman(a, b));
            let (ta, tb) = (top(a, TOP_STORED), top(b, TOP_STORED));
            let common = ta.iter().filter(|x| tb.contains(x)).count();
            overlaps.push(common as f64 / ta.len().max(1) as f64);
        }
    }
    let agreement = (!pairs.is_empty()).then(|| mean(&pairs));
    let top_agreement = (!overlaps.is_empty()).then(|| mean(&overlaps));
    let spreads: Vec<f64> = scored.iter().map(|s| std_dev(s)).collect();
    let percentiles: Vec<f64> = views.iter().map(|v| v.percentile).collect();
    let spread_percentile = mean(&percentiles);
    Some(Confidence {
        value: spread_percentile,
        novelty,
        agreement,
        top_agreement,
        score_spread: mean(&spreads),
        spread_percentile,
        first_member: percentiles.first().copied().unwrap_or(f64::NAN),
        members: members.len(),
    })
}

impl Confidence {
    /// The confidence as one sentence a person reads under a choice.
    #[must_use]
    pub fn sentence(&self) -> String {
        let agreement = self.agreement.map_or(String::from("one ranker, no ensemble"), |a| {
            format!("{} rankers agree at Spearman {a:.2}", self.members)
        });
        format!(
            "confidence {:.2}: the ranker tells the training tasks' top architectures apart better here than on {:.0} % of its training tasks (the better, the more its ranking was worth when tasks were held out); novelty {:.2} (nearest training task over their typical spacing); {agreement}\n",
            self.value,
            100.0 * self.value,
            self.novelty
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use archrank_core::fixture::{pseudo_random, random_weights};
    use archrank_core::{Paper, Tiny};

    fn z(seed: u64) -> TaskEmbedding {
        TaskEmbedding::from_iterator(pseudo_random(seed, 50, 0.8))
    }

    #[test]
    fn one_ranker_alone_has_no_agreement_and_its_own_percentile() {
        let bytes = random_weights::<Tiny>(5, 8);
        let members = [Member { ranker: AnyRanker::load(&bytes).unwrap(), z: z(1) }];
        let c = confidence(&members).unwrap();
        assert_eq!(c.members, 1);
        assert!(c.agreement.is_none() && c.top_agreement.is_none());
        assert!((0.0..=1.0).contains(&c.value), "{c:?}");
        assert_eq!(c.value.to_bits(), c.first_member.to_bits());
        assert!(c.score_spread > 0.0 && c.novelty > 0.0);
    }

    #[test]
    fn identical_members_agree_fully_and_a_wider_spread_ranks_higher() {
        let bytes = random_weights::<Tiny>(5, 8);
        let twin = |zz: TaskEmbedding| {
            [0, 1].map(|_| Member { ranker: AnyRanker::load(&bytes).unwrap(), z: zz })
        };
        let c = confidence(&twin(z(1))).unwrap();
        assert!((c.agreement.unwrap() - 1.0).abs() < 1e-12);
        assert!((c.top_agreement.unwrap() - 1.0).abs() < 1e-12);
        // The percentile is monotone in the spread: among many embeddings, more spread never
        // means a lower percentile.
        let mut seen: Vec<(f64, f64)> = (0..12)
            .map(|s| confidence(&twin(z(s))).unwrap())
            .map(|c| (c.score_spread, c.value))
            .collect();
        seen.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(seen.windows(2).all(|w| w[0].1 <= w[1].1), "{seen:?}");
    }

    #[test]
    fn members_of_different_presets_give_no_confidence() {
        let tiny = random_weights::<Tiny>(5, 8);
        let paper = random_weights::<Paper>(5, 8);
        let members = [
            Member { ranker: AnyRanker::load(&tiny).unwrap(), z: z(1) },
            Member { ranker: AnyRanker::load(&paper).unwrap(), z: z(1) },
        ];
        assert!(confidence(&members).is_none());
        assert!(confidence(&[]).is_none());
    }
}
