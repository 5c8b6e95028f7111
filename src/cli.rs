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
    after_help = "Examples:\n  social-value calc examples/oakfield-cvs/project.toml\n  social-value calc project.toml --format json > result.json\n  social-value proxies"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Value a project: total social value, SROI ratio, and every line's audit trail
    #[command(
        after_help = "Examples:\n  social-value calc examples/oakfield-cvs/project.toml\n  social-value calc project.toml --format json\n  social-value calc project.toml --format csv > lines.csv\n  social-value calc project.toml --toolkit ../network/proxies/uk-core.toml\n\nExit status: 0 when valued, 1 when an input has problems (each named with file, line and column), 2 for a usage mistake."
    )]
    Calc(CalcArgs),
    /// List the proxies and story tags of a toolkit
    #[command(
        after_help = "Examples:\n  social-value proxies\n  social-value proxies --toolkit proxies/uk-core.toml"
    )]
    Proxies(ProxiesArgs),
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
}

#[derive(clap::Args)]
pub struct ProxiesArgs {
    /// Toolkit file to list (default: the bundled uk-core)
    #[arg(long, value_name = "PATH")]
    pub toolkit: Option<PathBuf>,
}
