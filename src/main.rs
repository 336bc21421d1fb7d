// mimalloc: parsing a report allocates many small strings; this allocator makes batch runs
// markedly faster than the system one (see `cargo bench`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
