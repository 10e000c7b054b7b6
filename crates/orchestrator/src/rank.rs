//! `rank` and `interests check`: a day's papers in a profile's order with the reasons, and what
//! each profile's library holds.

use paperbrief_core::ReportDate;
use paperbrief_interests::VectorCache;
use paperbrief_report::Entry;

use crate::error::OrchestratorError;
use crate::interests::Interests;
use crate::services::Services;

/// A paper of the day as a profile ranks it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Ranked {
    /// arXiv id.
    pub id: String,
    /// Title (the Chinese one when the overview gave one).
    pub title: String,
    /// 0–1.
    pub score: f64,
    /// Among the profile's picks of the day.
    pub for_you: bool,
    /// Keywords and authors it matches.
    pub matched: Vec<String>,
    /// The library item it is most like.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nearest: Option<paperbrief_report::Nearest>,
    /// Why, in a line.
    #[serde(skip)]
    pub reason: String,
}

/// The day of `date` scored for `profile` (the first profile when none is named), best first.
pub async fn rank(
    services: &Services,
    date: ReportDate,
    profile: Option<&str>,
) -> Result<(String, Vec<Ranked>), OrchestratorError> {
    let interests = Interests::setup(services)
        .await?
        .ok_or(OrchestratorError::NoProfiles)?;
    let name = match profile {
        Some(p) => interests
            .loaded()
            .iter()
            .find(|l| l.profile.name == p)
            .map(|l| l.profile.name.clone())
            .ok_or_else(|| OrchestratorError::NoSuchProfile {
                name: p.to_owned(),
                known: interests
                    .loaded()
                    .iter()
                    .map(|l| l.profile.name.clone())
                    .collect(),
            })?,
        None => interests.loaded()[0].profile.name.clone(),
    };
    let mut report = crate::day::read_day(services, date).await?;
    interests.apply(&mut report).await;
    let mut ranked: Vec<Ranked> = report
        .entries
        .iter()
        .filter_map(|e| ranked_entry(e, &name))
        .collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    Ok((name, ranked))
}

fn ranked_entry(e: &Entry, profile: &str) -> Option<Ranked> {
    let r = e.relevance.get(profile)?;
    Some(Ranked {
        id: e.paper.id.base().to_owned(),
        title: e.display_title().to_owned(),
        score: r.score,
        for_you: r.for_you,
        matched: r.matched.clone(),
        nearest: r.nearest.clone(),
        reason: if r.excluded {
            "排除".to_owned()
        } else {
            r.reason()
        },
    })
}

/// What `interests check` says of one profile.
#[derive(Debug, Clone)]
pub struct ProfileState {
    /// Its name.
    pub name: String,
    /// Library items with a title.
    pub items: usize,
    /// Of them, with an abstract.
    pub with_abstract: usize,
    /// Items skipped for having no title.
    pub untitled: usize,
    /// Items whose vectors are in the cache (for the configured model), when there is one.
    pub embedded: Option<usize>,
}

/// Reads every profile's library and counts what it holds and what is embedded already.
pub async fn check_profiles(
    services: &Services,
) -> Result<(Vec<ProfileState>, Option<String>), OrchestratorError> {
    let interests = Interests::setup(services)
        .await?
        .ok_or(OrchestratorError::NoProfiles)?;
    let cache = services
        .embeddings()
        .map(|e| VectorCache::open(&services.state_dir().join("vectors"), e.model()));
    let states = interests
        .loaded()
        .iter()
        .map(|l| ProfileState {
            name: l.profile.name.clone(),
            items: l.library.items.len(),
            with_abstract: l.library.with_abstract(),
            untitled: l.library.untitled,
            embedded: cache.as_ref().map(|c| {
                l.library
                    .items
                    .iter()
                    .filter(|i| c.get(&i.text()).is_some())
                    .count()
            }),
        })
        .collect();
    let endpoint = services
        .embeddings()
        .map(|e| format!("{} at {}", e.model(), e.label()));
    Ok((states, endpoint))
}
