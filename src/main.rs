fn main() -> std::process::ExitCode {
    ssot_guard::cli::run()
}
