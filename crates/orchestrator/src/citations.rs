//! Citations between archived papers: a paper whose bibliography cites papers of the archive
//! lists them (`cites_archived`: 引用了本站收录的…), and each cited paper lists the archived
//! papers citing it (`cited_by_archived`: 被本站收录的…引用). Recomputed over every day's report
//! whenever one is written, so a day added — or backfilled — updates the others.

use std::collections::{BTreeMap, HashMap};

use paperbrief_report::{ArchivedPaper, DailyReport, Entry};

/// Links the citations of `report` and `others` (every other day); for each of `others`,
/// whether its entries changed.
pub(crate) fn link(report: &mut DailyReport, others: &mut [DailyReport]) -> Vec<bool> {
    let archive = archive(report, others);
    let cited_by = cited_by(report, others, &archive);
    relink(report, &archive, &cited_by);
    others
        .iter_mut()
        .map(|other| relink(other, &archive, &cited_by))
        .collect()
}

/// Every archived paper by base id, at the first day that listed it.
fn archive(report: &DailyReport, others: &[DailyReport]) -> HashMap<String, ArchivedPaper> {
    let mut out: HashMap<String, ArchivedPaper> = HashMap::new();
    for r in std::iter::once(report).chain(others) {
        for e in &r.entries {
            let paper = ArchivedPaper {
                id: e.paper.id.base().to_owned(),
                title: e.paper.title.clone(),
                date: r.date,
            };
            out.entry(paper.id.clone())
                .and_modify(|p| {
                    if r.date < p.date {
                        *p = paper.clone();
                    }
                })
                .or_insert(paper);
        }
    }
    out
}

/// For each archived paper, the archived papers citing it, by date then id.
fn cited_by(
    report: &DailyReport,
    others: &[DailyReport],
    archive: &HashMap<String, ArchivedPaper>,
) -> HashMap<String, Vec<ArchivedPaper>> {
    let mut out: HashMap<String, BTreeMap<(paperbrief_core::ReportDate, String), ArchivedPaper>> =
        HashMap::new();
    for e in std::iter::once(report)
        .chain(others)
        .flat_map(|r| &r.entries)
    {
        let Some(citing) = archive.get(e.paper.id.base()) else {
            continue;
        };
        for cited in cites(e) {
            if archive.contains_key(cited) && cited != citing.id {
                out.entry(cited.to_owned())
                    .or_default()
                    .insert((citing.date, citing.id.clone()), citing.clone());
            }
        }
    }
    out.into_iter()
        .map(|(id, by)| (id, by.into_values().collect()))
        .collect()
}

/// Sets the citation lists of every entry of `report`; whether any changed.
fn relink(
    report: &mut DailyReport,
    archive: &HashMap<String, ArchivedPaper>,
    cited_by: &HashMap<String, Vec<ArchivedPaper>>,
) -> bool {
    let mut changed = false;
    for e in &mut report.entries {
        let id = e.paper.id.base().to_owned();
        let cites: Vec<ArchivedPaper> = cites(e)
            .filter(|c| *c != id)
            .filter_map(|c| archive.get(c).cloned())
            .collect();
        let by = cited_by.get(&id).cloned().unwrap_or_default();
        if cites != e.cites_archived || by != e.cited_by_archived {
            e.cites_archived = cites;
            e.cited_by_archived = by;
            changed = true;
        }
    }
    changed
}

/// The base ids `entry`'s page cites.
fn cites(entry: &Entry) -> impl Iterator<Item = &str> {
    entry
        .source
        .iter()
        .flat_map(|s| &s.cites)
        .map(paperbrief_core::ArxivId::base)
}
