//! Synthetic networks for trying `network` at scale: realistic member submissions made with a
//! seed, and a stated share of broken ones (truncated, edited, wrong year, duplicated).

use crate::date::Date;
use crate::diag::{Diagnostic, Problems};
use crate::project::{
    HoursSummary, Investment, Organisation, OutcomeLine, OutcomeRows, Partnership, Period, Project,
    Reach, Role, RoleHours, Stories, Story, TimeAs, Volunteering,
};
use crate::submission;
use crate::toolkit::Toolkit;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// What was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Made {
    pub files: usize,
    /// Files made broken on purpose, by kind: truncated, edited, wrong year, duplicate id.
    pub broken: [usize; 4],
}

/// A small seeded generator (xorshift64*): the same seed always makes the same network.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const OUTCOMES: [&str; 6] = [
    "health.ae-attendance",
    "health.excess-bed-day",
    "housing.homelessness-prevented",
    "wellbeing.into-employment",
    "wellbeing.chronic-loneliness",
    "crime.criminal-damage",
];
const ROLES: [&str; 3] = ["befriender", "driver", "lunch club helper"];
const TAGS: [&str; 5] = [
    "less-lonely",
    "avoided-ae",
    "made-friends",
    "kept-home",
    "got-job",
];

/// Five district codes (ONS: Bolton, Manchester, Salford, Trafford, Wigan) that members are
/// spread across in turn, so the summary has places to break down.
pub const DISTRICTS: [&str; 5] = [
    "E08000001",
    "E08000003",
    "E08000006",
    "E08000009",
    "E08000010",
];

/// The proxy of the demo's shared outcomes.
const SHARED: &str = "housing.homelessness-prevented";

/// Two partnerships among the first six members, each sharing one outcome: members 1 to 3 have
/// no agreed split and each claims the whole outcome (the over-claim `network` must catch);
/// members 4 to 6 agreed 50/30/20 and claim just that. Returns the partnership and the
/// member's attribution.
fn partnership_of(i: usize) -> Option<(Partnership, Decimal)> {
    let ids = |r: std::ops::RangeInclusive<usize>| r.map(|k| format!("GB-DEMO-{k:06}")).collect();
    match i {
        1..=3 => Some((
            Partnership {
                id: "demo-unagreed-alliance".into(),
                members: ids(1..=3),
                shares: Default::default(),
            },
            Decimal::ZERO,
        )),
        4..=6 => {
            let shares: std::collections::BTreeMap<String, Decimal> = [(4, 5), (5, 3), (6, 2)]
                .iter()
                .map(|&(k, tenths)| (format!("GB-DEMO-{k:06}"), Decimal::new(tenths, 1)))
                .collect();
            let own = shares[&format!("GB-DEMO-{i:06}")];
            Some((
                Partnership {
                    id: "demo-agreed-alliance".into(),
                    members: ids(4..=6),
                    shares,
                },
                Decimal::ONE - own,
            ))
        }
        _ => None,
    }
}

fn member(
    i: usize,
    year: i32,
    rng: &mut Rng,
    tk: &Toolkit,
    dir: &Path,
) -> Result<submission::Submission, Problems> {
    let d = |m: u64| Decimal::from(m);
    let start =
        Date::new(year, 4, 1).ok_or_else(|| Problems::one(Diagnostic::error("bad year")))?;
    let end =
        Date::new(year + 1, 3, 31).ok_or_else(|| Problems::one(Diagnostic::error("bad year")))?;
    // Sizes vary over two orders of magnitude, as members of a real network do.
    let scale = 1 + rng.below(40);
    let roles: Vec<&str> = ROLES
        .iter()
        .take(1 + rng.below(3) as usize)
        .copied()
        .collect();
    let by_role: Vec<RoleHours> = roles
        .iter()
        .map(|r| RoleHours {
            role: r.to_string(),
            proxy: "volunteering.nlw-2024".into(),
            hours: d(20 * scale + rng.below(200)),
            rows: 0,
            volunteers: 1 + rng.below(5 * scale),
            by_month: Vec::new(),
        })
        .collect();
    let volunteers = by_role.iter().map(|r| r.volunteers).max().unwrap_or(0);
    let hours = HoursSummary::from_roles(by_role, volunteers)
        .ok_or_else(|| Problems::one(Diagnostic::error("the demo's hours overflow")))?;
    let mut lines = Vec::new();
    for (k, id) in OUTCOMES.iter().enumerate() {
        if rng.below(3) == 0 {
            continue;
        }
        let p = tk
            .proxy(id)
            .ok_or_else(|| Problems::one(Diagnostic::error(format!("{id} is not in {}", tk.id))))?;
        lines.push(OutcomeLine {
            line: k as u64 + 2,
            proxy: id.to_string(),
            quantity: d(1 + rng.below(3 * scale)),
            adjustments: p.defaults,
            overridden: Vec::new(),
            reason: None,
            note: Some("demo".into()),
            partnership: None,
            place: None,
            quantity_range: None,
            overlap_reason: None,
        });
    }
    let partnership = partnership_of(i);
    if let Some((p, attribution)) = &partnership {
        let proxy = tk.proxy(SHARED).ok_or_else(|| {
            Problems::one(Diagnostic::error(format!("{SHARED} is not in {}", tk.id)))
        })?;
        let mut adjustments = proxy.defaults;
        adjustments.attribution = *attribution;
        lines.push(OutcomeLine {
            line: lines.len() as u64 + 2,
            proxy: SHARED.into(),
            quantity: d(12),
            adjustments,
            overridden: if p.shares.is_empty() {
                vec!["attribution"]
            } else {
                Vec::new()
            },
            reason: p
                .shares
                .is_empty()
                .then(|| "we supported every household it counts".into()),
            note: Some("demo: a shared outcome".into()),
            partnership: Some(p.id.clone()),
            place: None,
            quantity_range: None,
            overlap_reason: None,
        });
    }
    let stories = Stories {
        shared: (0..rng.below(4))
            .map(|k| Story {
                line: k + 2,
                id: format!("S{k}"),
                title: "A story".into(),
                text: "Things are better now.".into(),
                tags: vec![TAGS[rng.below(5) as usize].to_string()],
            })
            .collect(),
        withheld: rng.below(2),
        warnings: Problems::new(),
        skipped: Default::default(),
    };
    let investment = vec![Investment {
        source: "Core grant".into(),
        amount: d(7_000 * scale + rng.below(15_000)),
        in_kind: false,
    }];
    let project = Project::from_parts(
        &dir.join(format!("member-{i:06}.toml")),
        &tk.id,
        Organisation {
            name: format!("Member {i}"),
            id: format!("GB-DEMO-{i:06}"),
            place: Some(DISTRICTS[i % DISTRICTS.len()].to_string()),
        },
        Period { start, end },
        investment,
        Some(Volunteering {
            file: PathBuf::new(),
            // Most count volunteer time as input, as the SROI guide does; one in five takes the
            // bolder reading, so a network sees both.
            counted_as: if i % 5 == 0 {
                TimeAs::Value
            } else {
                TimeAs::Input
            },
            roles: roles
                .iter()
                .map(|r| Role::new(r, "volunteering.nlw-2024"))
                .collect(),
        }),
        Some(Reach {
            people: 10 + rng.below(30 * scale),
            note: None,
        }),
    );
    let mut project = project;
    project.partnerships = partnership.into_iter().map(|(p, _)| p).collect();
    let v = crate::value::from_inputs(
        &project,
        tk,
        Some(hours),
        OutcomeRows {
            lines,
            unvalued: Vec::new(),
            warnings: Problems::new(),
            skipped: Default::default(),
        },
        stories,
    )?;
    // Written a month after the year ends; a resubmission a week later.
    let written = format!("{}-05-01T09:00:00Z", year + 1);
    Ok(submission::from_valuation(&v, tk, Some(written)))
}

/// Writes `members` submissions for financial year `year` into `out` (in folders of 1,000), with
/// about 1 in 50 truncated, 1 in 100 edited by hand, 1 in 100 of another year and 1 in 100
/// duplicated under a second name.
pub fn generate(
    out: &Path,
    members: usize,
    seed: u64,
    year: i32,
    tk: &Toolkit,
) -> Result<Made, Problems> {
    let mut rng = Rng(seed.max(1) ^ 0x9E37_79B9_7F4A_7C15);
    let mut made = Made {
        files: 0,
        broken: [0; 4],
    };
    let io = |p: &Path, e: std::io::Error| {
        Problems::one(Diagnostic::error(format!("cannot write {}: {e}", p.display())).in_file(p))
    };
    for i in 1..=members {
        let dir = out.join(format!("batch-{:03}", i / 1000));
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let roll = rng.below(100);
        let the_year = if roll == 3 { year - 1 } else { year };
        let s = member(i, the_year, &mut rng, tk, &dir)?;
        let mut text = submission::to_toml(&s);
        match roll {
            0 | 1 => {
                text.truncate(text.len() / 2);
                made.broken[0] += 1;
            }
            2 => {
                text = text.replacen("amount = \"", "amount = \"9", 1);
                made.broken[1] += 1;
            }
            3 => made.broken[2] += 1,
            _ => {}
        }
        let path = dir.join(format!("member-{i:06}.toml"));
        std::fs::write(&path, &text).map_err(|e| io(&path, e))?;
        made.files += 1;
        if roll == 4 {
            // Sent again a week later, to correct the first: the later one is counted.
            let later = format!("{}-05-08T09:00:00Z", the_year + 1);
            let resent = submission::to_toml(&submission::with_written(s, Some(later)));
            let copy = dir.join(format!("member-{i:06}-resent.toml"));
            std::fs::write(&copy, &resent).map_err(|e| io(&copy, e))?;
            made.files += 1;
            made.broken[3] += 1;
        }
    }
    Ok(made)
}
