//! A new, ready-to-fill project (`social-value init`): project.toml explained field by field,
//! and a template for each table with its header and one example row that values as it is.

use crate::date::Date;
use crate::toolkit::{Kind, Toolkit};

/// The files of a new project, as (file name, contents), for `toolkit`, with the last complete
/// UK financial year before `today` as the period.
///
/// Decision: the example rows use the toolkit's own first volunteering proxy, first other
/// proxy and first story tag, so the project values as created whichever toolkit is chosen;
/// the example story has consent "no", so it can never be published by mistake.
pub fn new_project(
    toolkit: &Toolkit,
    toolkit_name: &str,
    today: Date,
) -> Vec<(&'static str, String)> {
    let fy = if today.month >= 4 {
        today.year - 1
    } else {
        today.year - 2
    };
    let start = format!("{fy}-04-01");
    let end = format!("{}-03-31", fy + 1);
    let hour = toolkit
        .proxies
        .iter()
        .find(|p| p.kind == Kind::Volunteering)
        .map_or("volunteering.nlw-2024", |p| p.id.as_str());
    let outcome = toolkit
        .proxies
        .iter()
        .find(|p| p.kind == Kind::Fiscal && p.value > rust_decimal::Decimal::ZERO)
        .or_else(|| {
            toolkit
                .proxies
                .iter()
                .find(|p| p.kind != Kind::Volunteering)
        })
        .map(|p| (p.id.as_str(), p.name.as_str(), p.unit.as_str()));
    let tag = toolkit.tags.first().map_or("", |t| t.id.as_str());
    let project = format!(
        r#"# A year's return for social-value. Lines starting with # are notes for you; change the
# values after the = signs. Text goes in "double quotes". The full description of every
# field is in docs/project-format.md; the user guide is docs/user-guide.md.

format_version = 1
# The shared toolkit of financial proxies (values with published sources). "{toolkit_name}" is
# built into social-value; see its proxies with: social-value toolkit list
toolkit = "{toolkit_name}"

[organisation]
name = "Example Community Group"     # your organisation's name, as it should appear in reports
id = "GB-CHC-0000000"                # an org-id.guide identifier: GB-CHC- and your charity
                                     # number, or GB-COH- and your company number
# place = "E08000010"                # optional: the local authority district you work in
                                     # (its ONS code), so a network can show value by place

[period]                             # the year this return covers (here a UK financial year)
start = {start}
end = {end}

# Optional: how many different people you supported (remove the # from the three lines).
# [reach]
# people = 120
# note = "each person counted once"

# The money (and donated goods or space) you received for this work. Add a block per source.
[[investment]]
source = "Example grant"             # who gave it
amount = 10000                       # in pounds, no £ sign needed
# in_kind = true                     # add this line for goods, services or space given free

[volunteering]
file = "volunteer_hours.csv"         # or a spreadsheet: "hours.xlsx", or "records.xlsx#Hours"
                                     # for one sheet. Columns: date, volunteer, role, hours.
                                     # Volunteers' names stay on this computer: they are only
                                     # used to count people, never written into a report.
as = "input"                         # How volunteers' time counts. "input": it is a donation
                                     # in kind, added to the investment, because the hours are
                                     # what produce your outcomes (the SROI guide's way, and
                                     # what a commissioner expects). "value": the hours also
                                     # count as value delivered; bolder, as the same hours then
                                     # produce outcomes and are counted again, so the report
                                     # shows the ratio both ways. Either way the report gives
                                     # the value of the time at replacement cost.
[volunteering.roles]                 # each role in the log, and the proxy that values its hour
befriender = "{hour}"

# Optional: outcomes you achieve together with other organisations. A row of outcomes.csv
# that names the partnership (partnership column) claims only your share, so the partners'
# returns added up count the outcome once. Remove the # from the lines to use it.
# [[partnership]]
# id = "our-alliance"
# members = ["GB-CHC-0000000", "GB-CHC-1111111"]           # every member's id, yours too
# shares = {{ "GB-CHC-0000000" = 0.6, "GB-CHC-1111111" = 0.4 }}   # the agreed split, if any

[outcomes]
file = "outcomes.csv"                # what changed, one row per outcome: proxy, quantity and,
                                     # only if you have evidence, your own adjustments + reason;
                                     # optional partnership and place columns; quantity_low and
                                     # quantity_high if you are unsure of a count; an
                                     # overlap_reason when two rows the toolkit says must never
                                     # be added count different people; and evidence_type, where
                                     # each quantity comes from: estimate, own-records,
                                     # participant-survey, third-party-records, comparison-group
                                     # or independent-evaluation (empty = estimate; graded bronze
                                     # to gold+ in the report: docs/evidence-grades.md)

[stories]
file = "stories.csv"                 # people's own words; consent must be "yes" to publish one
"#
    );
    let hours = format!("date,volunteer,role,hours\n{start},Sam Example,befriender,2\n");
    let outcomes = match outcome {
        Some((id, name, unit)) => format!(
            "proxy,quantity,deadweight,attribution,displacement,drop_off,duration,reason,note,partnership,place,quantity_low,quantity_high,overlap_reason,evidence_type\n\
             {id},1,,,,,,,\"Example: 1 {} ({}); replace with your own outcomes\",,,,,,estimate\n",
            unit.replace('"', "\"\""),
            name.replace('"', "\"\"")
        ),
        None => {
            "proxy,quantity,deadweight,attribution,displacement,drop_off,duration,reason,note,partnership,place,quantity_low,quantity_high,overlap_reason,evidence_type\n\
                 ,1,,,,,,,\"Example output, reported but not valued\",,,,,,\n"
                .to_string()
        }
    };
    let stories = format!(
        "id,title,text,tags,consent\n\
         S01,Example story,\"Replace this with a story in the person's own words. Consent is no, so it is never published.\",{tag},no\n"
    );
    vec![
        ("project.toml", project),
        ("volunteer_hours.csv", hours),
        ("outcomes.csv", outcomes),
        ("stories.csv", stories),
    ]
}
