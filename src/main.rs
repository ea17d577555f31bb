//! The `factdesk` binary: everything lives in the library's [`factdesk::cli`].

fn main() -> std::process::ExitCode {
    factdesk::cli::main()
}
