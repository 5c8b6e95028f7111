//! The evidence scale, in one place: where a line's quantity comes from (`evidence_type`) and the
//! grade that gives it, bronze to gold+, for reading, valuing, reporting and review alike.
//!
//! Why this scale: it follows the Nesta Standards of Evidence (Puttick and Ludlow, "Standards of
//! Evidence: an approach that balances the need for evidence with innovation", Nesta, 2013), as
//! assurance schemes grade evidence. Nesta's level 1 is a described logic of change, level 2
//! data showing that change happened, level 3 a comparison that shows causality, and levels 4
//! and 5 independent evaluation and replication. Here a guess is bronze (level 1); the
//! organisation's own records and what participants report are silver (level 2); records kept
//! by someone else (the NHS, the council) are gold, as the organisation cannot shape them; a
//! comparison group or an independent evaluation is gold+ (levels 3 to 5).

use std::collections::BTreeMap;
use std::fmt;

/// Where a quantity comes from. A row that does not say is an [`EvidenceType::Estimate`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EvidenceType {
    /// A judgement or a guess, with no count behind it.
    #[default]
    Estimate,
    /// The organisation's own records: sign-in sheets, case files, logs.
    OwnRecords,
    /// What participants say when asked: follow-up calls, questionnaires.
    ParticipantSurvey,
    /// Records kept by another body: NHS or council referrals, DWP data.
    ThirdPartyRecords,
    /// The change compared with a similar group that was not supported.
    ComparisonGroup,
    /// An evaluation by someone independent of the organisation.
    IndependentEvaluation,
}

/// How far a line's quantity can be trusted, from bronze (a guess) to gold+ (a comparison or
/// an independent evaluation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Grade {
    Bronze,
    Silver,
    Gold,
    GoldPlus,
}

impl EvidenceType {
    pub const ALL: [EvidenceType; 6] = [
        EvidenceType::Estimate,
        EvidenceType::OwnRecords,
        EvidenceType::ParticipantSurvey,
        EvidenceType::ThirdPartyRecords,
        EvidenceType::ComparisonGroup,
        EvidenceType::IndependentEvaluation,
    ];

    /// Volunteer time: its hours come from the volunteer log, the organisation's own record.
    pub const VOLUNTEER_TIME: EvidenceType = EvidenceType::OwnRecords;

    /// WELLBYs: valued from people's own before-and-after answers, a participant survey.
    pub const MEASURED_CHANGE: EvidenceType = EvidenceType::ParticipantSurvey;

    /// Lines valued from consented stories: what participants told the organisation.
    pub const STORIES: EvidenceType = EvidenceType::ParticipantSurvey;

    /// As written in files: `own-records`.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceType::Estimate => "estimate",
            EvidenceType::OwnRecords => "own-records",
            EvidenceType::ParticipantSurvey => "participant-survey",
            EvidenceType::ThirdPartyRecords => "third-party-records",
            EvidenceType::ComparisonGroup => "comparison-group",
            EvidenceType::IndependentEvaluation => "independent-evaluation",
        }
    }

    /// The grade this kind of evidence gives.
    pub fn grade(self) -> Grade {
        match self {
            EvidenceType::Estimate => Grade::Bronze,
            EvidenceType::OwnRecords | EvidenceType::ParticipantSurvey => Grade::Silver,
            EvidenceType::ThirdPartyRecords => Grade::Gold,
            EvidenceType::ComparisonGroup | EvidenceType::IndependentEvaluation => Grade::GoldPlus,
        }
    }

    /// Reads a cell as people write it: any case, spaces around ignored, `_` for `-`
    /// (`Own_Records`); empty is an estimate. `None` for anything else.
    pub fn parse(text: &str) -> Option<EvidenceType> {
        let plain = text.trim().to_lowercase().replace('_', "-");
        if plain.is_empty() {
            return Some(EvidenceType::Estimate);
        }
        EvidenceType::ALL.into_iter().find(|e| e.as_str() == plain)
    }

    /// Every value allowed, for a message: `estimate, own-records, ...`.
    pub fn allowed() -> String {
        EvidenceType::ALL.map(EvidenceType::as_str).join(", ")
    }
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Bronze, Grade::Silver, Grade::Gold, Grade::GoldPlus];

    /// As shown and written: `bronze`, `silver`, `gold`, `gold+`.
    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Bronze => "bronze",
            Grade::Silver => "silver",
            Grade::Gold => "gold",
            Grade::GoldPlus => "gold+",
        }
    }
}

impl fmt::Display for EvidenceType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Grade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The evidence type of each valued outcome row, by the row's line (a line not listed is an
/// estimate): kept beside the rows, as the rows themselves are also built in code elsewhere.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceByLine(BTreeMap<u64, EvidenceType>);

impl EvidenceByLine {
    pub fn insert(&mut self, line: u64, evidence: EvidenceType) {
        self.0.insert(line, evidence);
    }

    pub fn remove(&mut self, line: u64) {
        self.0.remove(&line);
    }

    /// The row's evidence type; an estimate when it is not listed.
    pub fn of(&self, line: u64) -> EvidenceType {
        self.0.get(&line).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_type_has_its_grade() {
        use EvidenceType::*;
        let grades: Vec<(&str, &str)> = EvidenceType::ALL
            .iter()
            .map(|e| (e.as_str(), e.grade().as_str()))
            .collect();
        assert_eq!(
            grades,
            [
                ("estimate", "bronze"),
                ("own-records", "silver"),
                ("participant-survey", "silver"),
                ("third-party-records", "gold"),
                ("comparison-group", "gold+"),
                ("independent-evaluation", "gold+"),
            ]
        );
        assert_eq!(EvidenceType::VOLUNTEER_TIME, OwnRecords);
        assert_eq!(EvidenceType::MEASURED_CHANGE, ParticipantSurvey);
        assert_eq!(EvidenceType::STORIES, ParticipantSurvey);
        assert!(Grade::Bronze < Grade::Silver && Grade::Gold < Grade::GoldPlus);
    }

    #[test]
    fn cells_are_read_as_people_write_them() {
        use EvidenceType::*;
        for (text, want) in [
            ("", Some(Estimate)),
            ("   ", Some(Estimate)),
            ("estimate", Some(Estimate)),
            (" Own-Records ", Some(OwnRecords)),
            ("THIRD_PARTY_RECORDS", Some(ThirdPartyRecords)),
            ("participant_survey", Some(ParticipantSurvey)),
            ("comparison-group", Some(ComparisonGroup)),
            ("Independent-Evaluation", Some(IndependentEvaluation)),
            ("survey", None),
            ("own records", None),
            ("gold", None),
        ] {
            assert_eq!(EvidenceType::parse(text), want, "{text:?}");
        }
    }

    #[test]
    fn a_line_not_listed_is_an_estimate() {
        let mut e = EvidenceByLine::default();
        e.insert(3, EvidenceType::OwnRecords);
        assert_eq!(e.of(3), EvidenceType::OwnRecords);
        assert_eq!(e.of(4), EvidenceType::Estimate);
        e.remove(3);
        assert_eq!(e.of(3), EvidenceType::Estimate);
    }
}
