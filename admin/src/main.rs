//! The `teachlink` binary: parses the command line and exits with the command's outcome.

use clap::Parser;

fn main() {
    let cli = teachlink_admin::cli::Cli::parse();
    if let Err(e) = teachlink_admin::cli::run(cli) {
        eprintln!("error: {e}");
        std::process::exit(e.exit_code());
    }
}
