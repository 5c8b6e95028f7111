//! The command line: every subcommand, its arguments and help text with examples.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "social-value",
    version,
    about = "Turn a voluntary organisation's year into a credible, checkable social value case",
    long_about = "Turn a voluntary organisation's year (volunteer hours, costs saved to the public purse, \
and people's own stories) into a social value and value-for-money case that a commissioner can check, \
line by line, back to a published source.",
    after_help = "Start here:\n  social-value init my-project       a ready-to-fill project\n  social-value check my-project      what to fix, before calculating\n  social-value report my-project     the report\n\nExamples:\n  social-value calc examples/oakfield-cvs/project.toml\n  social-value calc project.toml --format json > result.json\n  social-value toolkit list --search lonel\n\nExit status, for every command: 0 done; 1 an input has problems, or the output (or a\nwarning on stderr) could not be written; 2 a usage mistake; 3 a review rated red.\n\nThe user guide: docs/user-guide.md"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Start a new project: a commented project.toml and a template for each table
    #[command(
        after_help = "Makes the folder (if needed) with project.toml (every field explained), volunteer_hours.csv,\noutcomes.csv and stories.csv, each with one example row that values as it is. Never overwrites.\n\nExamples:\n  social-value init my-project\n  social-value init \"Oakfield 2024-25\" --toolkit uk-core\n  social-value init my-project && social-value report my-project"
    )]
    Init(InitArgs),
    /// Check a project's files without calculating: every problem, each with how to fix it
    #[command(
        after_help = "Reads project.toml and every table it names (CSV, .xlsx or .ods) against the toolkit and lists\nevery problem at once, with file, line and column (and the cell, for spreadsheets).\n\nExamples:\n  social-value check my-project\n  social-value check examples/oakfield-cvs/project.toml\n  social-value check my-project --skip-bad-rows   (see what a draft would leave out)\n\nExit status: 0 when ready to value, 1 when there are problems to fix."
    )]
    Check(CheckArgs),
    /// Value a project: total social value, SROI ratio, and every line's audit trail
    #[command(
        after_help = "Examples:\n  social-value calc examples/oakfield-cvs/project.toml\n  social-value calc project.toml --format json\n  social-value calc project.toml --format csv > lines.csv\n  social-value calc project.toml --toolkit ../network/proxies/uk-core.toml\n\nExit status: 0 when valued, 1 when an input has problems (each named with file, line and column), 2 for a usage mistake."
    )]
    Calc(CalcArgs),
    /// How sure the figure is: scenarios, switching values, one-way effects and Monte Carlo ranges
    #[command(
        after_help = "Examples:\n  social-value sensitivity examples/oakfield-cvs/project.toml\n  social-value sensitivity project.toml --format json --runs 50000 --seed 7\n\nThe same seed always gives the same result."
    )]
    Sensitivity(SensitivityArgs),
    /// Write the value-for-money report: HTML, Markdown, CSV tables, charts and the calculation
    #[command(
        after_help = "Writes report.html (one self-contained file that prints to A4), report.md, tables/*.csv,\ncharts/*.svg and *.png, and result.json into the folder.\n\nExamples:\n  social-value report examples/oakfield-cvs/project.toml\n  social-value report project.toml --out reports/out/2024-25\n  social-value report project.toml --format html,md\n  social-value report project.toml --template our-brand/   (copy reports/default to start)"
    )]
    Report(ReportArgs),
    /// Write the submission file a commissioner can check: aggregated inputs, results, fingerprint
    #[command(
        after_help = "Examples:\n  social-value submit examples/oakfield-cvs/project.toml --out oakfield-2024-25.toml\n\nNo volunteer names and no stories without consent are written."
    )]
    Submit(SubmitArgs),
    /// Review a submission: integrity, reproducibility, toolkit, over-claiming, evidence
    #[command(
        after_help = "Examples:\n  social-value review oakfield-2024-25.toml\n  social-value review inbox/oakfield.toml --network inbox/ --out reviews/oakfield\n  social-value review inbox/oakfield.toml --format json\n\nExit status: 0 when the overall rating is green or amber, 3 when it is red, 1 when the review itself could not be made."
    )]
    Review(ReviewArgs),
    /// The network's annual summary over every member's submission
    #[command(
        after_help = "Examples:\n  social-value network inbox/ --year 2024\n  social-value network region-a/ region-b/ --year 2024 --format json > network.json\n  social-value network inbox/ --year 2024 --rank\n\nEvery file found is either included or quarantined with its reason; the counts reconcile."
    )]
    Network(NetworkArgs),
    /// Put two submissions (or two years of one member) side by side on one toolkit
    #[command(
        after_help = "Examples:\n  social-value compare oakfield-2023.toml oakfield-2024.toml\n  social-value compare ours.toml theirs.toml --toolkit proxies/uk-core.toml"
    )]
    Compare(CompareArgs),
    /// Make a synthetic network of submissions, some broken on purpose, to try `network` at scale
    #[command(
        name = "demo-network",
        after_help = "Examples:\n  social-value demo-network --members 10000 --seed 1 --out target/demo-network"
    )]
    DemoNetwork(DemoNetworkArgs),
    /// Keep a shared toolkit honest: check, list, show, diff and import proxies
    #[command(
        subcommand,
        after_help = "Examples:\n  social-value toolkit list --search lonel\n  social-value toolkit show health.ae-attendance\n  social-value toolkit check proxies/uk-core.toml"
    )]
    Toolkit(ToolkitCommand),
    /// Print a shell completion script, so the Tab key completes commands and options
    #[command(
        after_help = "Examples:\n  social-value completions bash > ~/.local/share/bash-completion/completions/social-value\n  social-value completions zsh > ~/.zfunc/_social-value\n  social-value completions fish > ~/.config/fish/completions/social-value.fish\n  social-value completions powershell >> $PROFILE"
    )]
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// The folder to make the project in (made if it does not exist)
    pub dir: PathBuf,
    /// The toolkit the project uses: a bundled one, or a toolkit file in the folder or proxies/
    #[arg(long, default_value = "uk-core")]
    pub toolkit: String,
}

#[derive(clap::Args)]
pub struct CheckArgs {
    /// The project file (project.toml), or the folder holding it
    pub project: PathBuf,
    /// Use this toolkit file instead of the one the project names
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Subcommand)]
pub enum ToolkitCommand {
    /// Validate a toolkit file, listing every problem with its line and column
    #[command(
        after_help = "Examples:\n  social-value toolkit check proxies/uk-core.toml\n  social-value toolkit check my-bank.toml --stamp"
    )]
    Check {
        /// The toolkit file
        file: PathBuf,
        /// Write the content fingerprint into the file's [toolkit] table (kept up to date)
        #[arg(long)]
        stamp: bool,
    },
    /// Find proxies by words, kind or theme
    #[command(
        after_help = "Examples:\n  social-value toolkit list\n  social-value toolkit list --search lonel\n  social-value toolkit list --search \"A&E\"\n  social-value toolkit list proxies/uk-core.toml --kind fiscal --theme health"
    )]
    List {
        /// The toolkit file, or the name of a bundled toolkit (default: uk-core)
        file: Option<PathBuf>,
        /// Only proxies of this kind
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Only proxies with this theme
        #[arg(long)]
        theme: Option<String>,
        /// Words that must all appear (any part of a word): in the id, name, source, themes or tags
        #[arg(long, num_args = 1.., value_name = "WORDS")]
        search: Vec<String>,
    },
    /// Show one proxy in full: value rebased to the toolkit's prices, source, defaults
    #[command(
        after_help = "Examples:\n  social-value toolkit show health.ae-attendance\n  social-value toolkit show myorg.loneliness my-bank.toml"
    )]
    Show {
        /// The proxy id
        id: String,
        /// The toolkit file, or the name of a bundled toolkit (default: uk-core)
        file: Option<PathBuf>,
    },
    /// What changed between two versions of a toolkit
    #[command(
        after_help = "Examples:\n  social-value toolkit diff uk-core-2024.toml proxies/uk-core.toml"
    )]
    Diff {
        /// The older version
        old: PathBuf,
        /// The newer version
        new: PathBuf,
    },
    /// Add proxies you hold under your own licence, from a CSV file or spreadsheet
    #[command(
        after_help = "Columns: id,name,kind,unit,value,price_year,source (required) and url, licence, low, high,\nbeneficiary, cashable, method, deadweight, attribution, displacement, drop_off, duration,\nrationale, themes (separated by ;). Missing adjustments default to the medians across\npublished SROI reports, and the imported entry says so.\n\nExamples:\n  social-value toolkit import our-values.csv --into my-bank.toml\n  social-value toolkit import values.xlsx#Sheet2 --into my-bank.toml --licence \"Licensed to Oakfield CVS\" --url https://example.org/values"
    )]
    Import {
        /// The CSV file or spreadsheet (.xlsx, .ods; `file.xlsx#Sheet` for another sheet)
        file: PathBuf,
        /// The toolkit file to add them to (rewritten in place, keeping its comments)
        #[arg(long, value_name = "TOOLKIT")]
        into: PathBuf,
        /// Web address for rows without a url column
        #[arg(long)]
        url: Option<String>,
        /// Licence for rows without a licence column
        #[arg(long)]
        licence: Option<String>,
    },
}

/// How the project's tables are read (calc, report, sensitivity, check).
#[derive(clap::Args)]
pub struct ReadArgs {
    /// Value everything else when some rows have problems, listing the rows left out (in the
    /// report's audit section); for a draft only: the figures are incomplete
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Refuse a table file larger than this (e.g. 500MB, 2GB; a spreadsheet also once unzipped)
    #[arg(long, value_name = "SIZE", default_value = "1GiB", value_parser = parse_size)]
    pub max_file_size: u64,
    /// Refuse a table with more rows than this
    #[arg(long, value_name = "N", default_value_t = social_value::project::Limits::default().max_rows, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_rows: u64,
    /// A file of personal names (one a line) to replace with initials in stories: "Mary Smith"
    /// becomes "M. S." in everything written
    #[arg(long, value_name = "FILE")]
    pub redact: Option<PathBuf>,
}

impl ReadArgs {
    pub fn options(&self) -> social_value::project::ReadOptions {
        social_value::project::ReadOptions {
            skip_bad_rows: self.skip_bad_rows,
            limits: social_value::project::Limits {
                max_file_bytes: self.max_file_size,
                max_rows: self.max_rows,
            },
        }
    }
}

/// A size like `1GiB`, `500MB`, `2 GB`, `1.5GB` or a number of bytes.
fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_lowercase().replace(' ', "");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let scale: u64 = match unit {
        "" | "b" => 1,
        "kb" | "k" => 1_000,
        "mb" | "m" => 1_000_000,
        "gb" | "g" => 1_000_000_000,
        "tb" | "t" => 1_000_000_000_000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        "tib" => 1 << 40,
        _ => return Err(format!("\"{text}\" is not a size: write e.g. 500MB or 2GB")),
    };
    let n: rust_decimal::Decimal = number
        .parse()
        .map_err(|_| format!("\"{text}\" is not a size: write e.g. 500MB or 2GB"))?;
    let bytes = n
        .checked_mul(rust_decimal::Decimal::from(scale))
        .and_then(|b| u64::try_from(b.trunc()).ok())
        .ok_or_else(|| format!("\"{text}\" is too large a size"))?;
    if bytes == 0 {
        return Err("the size must be above 0".into());
    }
    Ok(bytes)
}

/// How the Monte Carlo simulation runs (sensitivity and report).
#[derive(clap::Args)]
pub struct SimulationArgs {
    /// Monte Carlo runs
    #[arg(long, default_value_t = social_value::sensitivity::DEFAULT_RUNS, value_parser = clap::value_parser!(u32).range(100..=1_000_000))]
    pub runs: u32,
    /// Seed for the random draws: the same seed always gives the same result
    #[arg(long, default_value_t = social_value::sensitivity::DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SensitivityFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct SensitivityArgs {
    /// The project file (project.toml), or the folder holding it
    pub project: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    pub format: SensitivityFormat,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Use this toolkit file instead of the one the project names
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Html,
    Md,
    Csv,
    Json,
}

#[derive(clap::Args)]
pub struct ReportArgs {
    /// The project file (project.toml), or the folder holding it
    pub project: PathBuf,
    /// Folder to write the report into (default: reports/out/<organisation id>-<period>)
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Which files to write (charts are always written)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "html,md,csv,json"
    )]
    pub format: Vec<ReportFormat>,
    /// A folder with your own report.html, report.md, style.css and logo.svg or logo.png
    #[arg(long, value_name = "DIR")]
    pub template: Option<PathBuf>,
    #[command(flatten)]
    pub simulation: SimulationArgs,
    /// Use this toolkit file instead of the one the project names
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(clap::Args)]
pub struct SubmitArgs {
    /// The project file (project.toml), or the folder holding it
    pub project: PathBuf,
    /// A file of personal names (one a line) to replace with initials in stories
    #[arg(long, value_name = "FILE")]
    pub redact: Option<PathBuf>,
    /// Where to write the submission
    #[arg(long, value_name = "FILE", default_value = "submission.toml")]
    pub out: PathBuf,
    /// Use this toolkit file instead of the one the project names
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ReviewFormat {
    Table,
    Json,
}

#[derive(clap::Args)]
pub struct ReviewArgs {
    /// The submission file
    pub submission: PathBuf,
    /// The commissioner's toolkit (default: the bundled one of the submission's toolkit id)
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    /// A folder of other submissions to compare this one with, read as `network` reads it
    #[arg(long, value_name = "DIR")]
    pub network: Option<PathBuf>,
    /// The financial year the return must be for, by its starting year (with --network the
    /// default is the return's own)
    #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=2200))]
    pub year: Option<i32>,
    /// Also write review.html and review.md into this folder
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReviewFormat,
}

#[derive(clap::Args)]
pub struct NetworkArgs {
    /// Folders of submissions (searched with their subfolders)
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// The financial year to summarise, by its starting year (2024 means 2024/25)
    #[arg(long, value_parser = clap::value_parser!(i32).range(1900..=2200))]
    pub year: i32,
    /// The network's toolkit, to which every submission is rebased (default: the bundled uk-core)
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    /// Threads reading submissions (default: the machine's cores)
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Longest period an annual return may cover, in months (a return covering more is
    /// quarantined)
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub max_months: u32,
    /// Last year's submissions, for the change since then (network and each member)
    #[arg(long, value_name = "DIR")]
    pub previous: Option<PathBuf>,
    /// Also write network.json, network.md, network.html, tables/*.csv and charts into this folder
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Also show members ranked by SROI ratio (by default each member is shown by its quarter
    /// of the network's ratios, with its size and themes, as ratios from different kinds of
    /// work are not a race)
    #[arg(long)]
    pub rank: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReviewFormat,
}

#[derive(clap::Args)]
pub struct CompareArgs {
    pub a: PathBuf,
    pub b: PathBuf,
    /// The toolkit both are recomputed on (default: the bundled uk-core)
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct DemoNetworkArgs {
    /// How many members
    #[arg(long, default_value_t = 100)]
    pub members: usize,
    /// Seed: the same seed makes the same network
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The financial year of the submissions
    #[arg(long, default_value_t = 2024, value_parser = clap::value_parser!(i32).range(1900..=2200))]
    pub year: i32,
    /// Folder to write into (must not exist yet, or be empty)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum KindArg {
    Volunteering,
    Fiscal,
    Economic,
    Wellbeing,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum CalcFormat {
    /// A readable summary
    Table,
    /// The whole calculation, every figure traceable
    Json,
    /// One row per valued line, for spreadsheets
    Csv,
}

#[derive(clap::Args)]
pub struct CalcArgs {
    /// The project file (project.toml), or the folder holding it
    pub project: PathBuf,
    /// Use this toolkit file instead of the one the project names
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
    /// How to print the result
    #[arg(long, value_enum, default_value = "table")]
    pub format: CalcFormat,
    #[command(flatten)]
    pub read: ReadArgs,
}
