//! `gridgov`: one binary for the server and every operator task.

mod bench;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use gridgov_app::audit::Actor;
use gridgov_app::{App, Config};
use gridgov_domain::access::Scope;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Parser)]
#[command(
    name = "gridgov",
    version,
    about = "Party-building-led grid governance (党建引领网格化治理)"
)]
struct Cli {
    /// Configuration file (TOML); `GRIDGOV_*` environment variables override it.
    #[arg(long, global = true, default_value = "gridgov.toml")]
    config: PathBuf,
    /// Directory for the SQLite file and other state (overrides the configuration).
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Migrate the database and serve the API and web front end.
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply pending database migrations (safe to run again).
    Migrate,
    /// Build the demo district (replacing an earlier demo) and serve it.
    Demo {
        /// Build N copies of the district side by side (100 gives ~115k grids).
        #[arg(long, default_value_t = 1)]
        scale: usize,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long)]
        port: Option<u16>,
        /// Build the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
        /// Cases of generated history over the past year (0 for none).
        #[arg(long, default_value_t = 150_000)]
        cases: usize,
        /// Residents in the registry, spread over the grids (Tianqiao has about 770,000).
        #[arg(long, default_value_t = 20_000)]
        people: usize,
        /// Rebuild the demo database even if the one from an earlier run fits.
        #[arg(long)]
        fresh: bool,
    },
    /// Import data files.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Export data.
    Export {
        #[command(subcommand)]
        what: ExportWhat,
    },
    /// Accounts.
    User {
        #[command(subcommand)]
        what: UserWhat,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// The audit log.
    Audit {
        #[command(subcommand)]
        what: AuditWhat,
    },
    /// The keys that encrypt personal data.
    Keys {
        #[command(subcommand)]
        what: KeysWhat,
    },
    /// Sample files for trying things out and for tests.
    Sample {
        #[command(subcommand)]
        what: SampleWhat,
    },
    /// Benchmarks that print their figures.
    Bench {
        #[command(subcommand)]
        what: bench::BenchWhat,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// Official division codes: CSV with columns code,name,level,parent_code.
    Divisions { file: PathBuf },
    /// Region boundaries: a GeoJSON FeatureCollection with `code` or `adcode` properties.
    Boundaries {
        file: PathBuf,
        /// Coordinate system of the file: wgs84 or gcj02 (Amap-derived data is gcj02).
        #[arg(long, default_value = "wgs84")]
        crs: String,
    },
    /// Holidays and swapped working days: CSV with columns date,kind,note (kind is holiday or
    /// workday), from the State Council's yearly notice.
    Calendar { file: PathBuf },
}

#[derive(Subcommand)]
enum UserWhat {
    /// Create a district administrator (all permissions, whole district). The password is read
    /// from the first line of standard input, so it never appears in the process list or the
    /// shell history.
    CreateAdmin {
        #[arg(long)]
        username: String,
        /// The district (6- or 12-digit code).
        #[arg(long)]
        district: String,
        #[arg(long, default_value = "系统管理员")]
        display_name: String,
    },
}

#[derive(Subcommand)]
enum KeysWhat {
    /// Print a new data key entry (`id:64 hex digits`) to put first in `data_keys` /
    /// GRIDGOV_DATA_KEYS or the key file; keep the old keys after it until `rotate` is done.
    New {
        /// The key's id (1-16 of A-Z a-z 0-9 _ -); stored in front of every value it seals.
        #[arg(long)]
        id: String,
    },
    /// Seal every stored number that is not under the current (first) key again under it,
    /// while servers keep running; prints how many were sealed again.
    Rotate,
}

#[derive(Subcommand)]
enum AuditWhat {
    /// Check every hash chain; exits 1 and names the first bad row if any row was edited,
    /// deleted or cut off.
    Verify,
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Geojson,
    Csv,
}

#[derive(Subcommand)]
enum ExportWhat {
    /// Every grid and sub-grid with its boundary.
    Grids {
        #[arg(long, value_enum, default_value = "geojson")]
        format: ExportFormat,
        /// Only this district (6- or 12-digit code).
        #[arg(long)]
        district: Option<String>,
        /// Output file; standard output when absent.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SampleWhat {
    /// An .xlsx workbook of synthetic residents in the import template's columns, with valid
    /// synthetic ID numbers that name nobody (and, with --bad, some rows with one mistake each).
    People {
        /// A grid the residents live in, as the template's list shows it (名称（代码）) or as a
        /// bare code; repeat for several.
        #[arg(long, required = true)]
        grid: Vec<String>,
        #[arg(long, default_value_t = 100)]
        rows: usize,
        /// Rows with a mistake: a wrong check digit, an impossible birth date, an unknown grid.
        #[arg(long, default_value_t = 0)]
        bad: usize,
        /// The first synthetic person (the demo's residents are 0 up to its --people).
        #[arg(long, default_value_t = 5_000_000)]
        first: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// An .xlsx workbook of synthetic organisations in the import template's columns (valid
    /// synthetic credit codes; with --bad, rows with a wrong check character, an unknown grid
    /// or a bad phone number).
    Organisations {
        /// A grid, as the template's list shows it or as a bare code; repeat for several.
        #[arg(long, required = true)]
        grid: Vec<String>,
        #[arg(long, default_value_t = 100)]
        rows: usize,
        #[arg(long, default_value_t = 0)]
        bad: usize,
        /// The first synthetic organisation (files with different ranges share no codes).
        #[arg(long, default_value_t = 1)]
        first: usize,
        #[arg(long)]
        out: PathBuf,
    },
    /// An .xlsx workbook of synthetic facilities in the import template's columns, in the named
    /// grids (with --bad, rows with a bad code, a longitude that is no number or an unknown grid).
    Facilities {
        /// A grid, as the template's list shows it or as a bare code; repeat for several.
        #[arg(long, required = true)]
        grid: Vec<String>,
        #[arg(long, default_value_t = 100)]
        rows: usize,
        #[arg(long, default_value_t = 0)]
        bad: usize,
        /// The first facility code (`SP-0000001` for 1).
        #[arg(long, default_value_t = 1)]
        first: usize,
        #[arg(long)]
        out: PathBuf,
    },
}

fn load_config(cli: &Cli) -> Result<Config> {
    let mut fig = Figment::from(Serialized::defaults(Config::default()));
    if cli.config.exists() {
        fig = fig.merge(Toml::file(&cli.config));
    }
    let mut config: Config = fig
        .merge(Env::prefixed("GRIDGOV_"))
        .extract()
        .context("reading the configuration")?;
    if let Some(d) = &cli.data_dir {
        config.data_dir = d.clone();
    }
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("GRIDGOV_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let b = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_json {
        b.json().init()
    } else {
        b.init()
    }
}

async fn start(config: Config) -> Result<App> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    App::start(config.resolved())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}

/// Resident memory of this process in MiB (Linux), to report against the memory goal.
fn rss_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

/// What identifies a demo database: the binary that built it and the options.
fn demo_fingerprint(scale: usize, cases: usize, people: usize) -> String {
    let exe = std::env::current_exe()
        .and_then(std::fs::metadata)
        .map(|m| format!("{}:{:?}", m.len(), m.modified().ok()))
        .unwrap_or_default();
    format!("{{\"binary\":{exe:?},\"scale\":{scale},\"cases\":{cases},\"people\":{people}}}\n")
}

async fn serve(app: App, listen: &str, started: Instant) -> Result<()> {
    // Every server process ticks; the ticker's conditional updates keep them from doubling up.
    let every = std::time::Duration::from_secs(app.config.sla_tick_seconds.max(1));
    tokio::spawn(gridgov_app::sla::run(app.clone(), every));
    tokio::spawn(gridgov_app::live::run(
        app.clone(),
        std::time::Duration::from_secs(1),
    ));
    let server = gridgov_http::Server::bind(app, listen)
        .await
        .with_context(|| format!("binding {listen}"))?;
    let addr = server.local_addr()?;
    println!("gridgov ready at http://{addr}/");
    println!(
        "  ready in {:.2} s, resident memory {:.0} MiB",
        started.elapsed().as_secs_f64(),
        rss_mib().unwrap_or(f64::NAN)
    );
    tracing::info!(%addr, "listening");
    server.run(shutdown_signal()).await?;
    Ok(())
}

fn app_err(e: gridgov_app::AppError) -> anyhow::Error {
    let mut msg = format!(
        "{}: {}",
        e.code,
        if e.fields.is_empty() {
            e.message.clone()
        } else {
            String::new()
        }
    );
    for f in &e.fields {
        msg.push_str(&format!("\n  {} [{}] {}", f.field, f.code, f.reason));
    }
    anyhow::anyhow!(msg)
}

#[tokio::main]
async fn main() -> Result<()> {
    let started = Instant::now();
    let cli = Cli::parse();
    let mut config = load_config(&cli)?;
    init_logging(&config);
    match cli.command {
        Command::Serve { listen } => {
            if let Some(l) = listen {
                config.listen = l;
            }
            let listen = config.listen.clone();
            let app = start(config).await?;
            serve(app, &listen, started).await
        }
        Command::Migrate => {
            start(config).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo {
            scale,
            port,
            no_serve,
            cases,
            people,
            fresh,
        } => {
            if scale == 0 || scale > 1000 {
                bail!("--scale must be between 1 and 1000");
            }
            // The demo keeps its own SQLite file so it never touches a real database by accident.
            // Building a year of cases takes seconds, so a database built by this same binary
            // with the same options is reused (and keeps what was done in it); --fresh rebuilds.
            let mut reuse = false;
            let marker = config.data_dir.join("demo.json");
            let wanted = demo_fingerprint(scale, cases, people);
            if config.database_url.is_empty() {
                std::fs::create_dir_all(&config.data_dir)?;
                let db = config.data_dir.join("demo.db");
                reuse = !fresh
                    && db.exists()
                    && std::fs::read_to_string(&marker).ok().as_deref() == Some(&wanted);
                if !reuse {
                    let _ = std::fs::remove_file(&marker);
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
                    }
                }
                config.database_url = format!("sqlite://{}", db.display());
            }
            let listen = format!("127.0.0.1:{}", port.unwrap_or(8080));
            let app = start(config.clone()).await?;
            let logins = if reuse {
                println!(
                    "demo: reusing {} from an earlier run (--fresh rebuilds it)",
                    config.data_dir.join("demo.db").display()
                );
                gridgov_app::demo::logins()
            } else {
                let s = gridgov_app::demo::write(&app, &Actor::cli("demo"), scale)
                    .await
                    .map_err(app_err)?;
                println!(
                    "demo: {} district(s), {} regions, {} grids, {} grid staff, built in {:.2} s",
                    s.districts,
                    s.regions,
                    s.grids,
                    s.staff,
                    started.elapsed().as_secs_f64()
                );
                if cases > 0 {
                    let h = gridgov_app::demo::write_history(&app, "370105000000", cases, 365)
                        .await
                        .map_err(app_err)?;
                    app.db.settle_after_bulk_load().await?;
                    println!(
                        "demo: {} cases over the past year ({} open, {} timeline entries), built in {:.2} s",
                        h.cases,
                        h.open,
                        h.events,
                        started.elapsed().as_secs_f64()
                    );
                }
                if people > 0 {
                    let n = gridgov_app::demo::people::write_people(&app, "370105000000", people)
                        .await
                        .map_err(app_err)?;
                    app.db.settle_after_bulk_load().await?;
                    println!(
                        "demo: {n} residents in the registry, built in {:.2} s",
                        started.elapsed().as_secs_f64()
                    );
                    let p = gridgov_app::demo::places::write_places(&app, "370105000000")
                        .await
                        .map_err(app_err)?;
                    app.db.settle_after_bulk_load().await?;
                    println!(
                        "demo: {} organisations, {} facilities, {} care-group members with {} visits, built in {:.2} s",
                        p.organisations,
                        p.facilities,
                        p.care_members,
                        p.visits,
                        started.elapsed().as_secs_f64()
                    );
                }
                let d = gridgov_app::demo::deliberation::write_deliberation(&app, "370105000000")
                    .await
                    .map_err(app_err)?;
                println!(
                    "demo: {} deliberation topics, {} meetings, {} resolutions (the stairwell story), built in {:.2} s",
                    d.topics,
                    d.meetings,
                    d.resolutions,
                    started.elapsed().as_secs_f64()
                );
                if config.database_url.contains("demo.db") {
                    std::fs::write(&marker, &wanted)?;
                }
                s.logins
            };
            println!("demo logins (password {}):", gridgov_app::demo::DEMO_PASSWORD);
            for l in &logins {
                println!("  {:<12} {:<20} {}", l.username, l.role, l.unit);
            }
            println!("  neighbour1…6 resident             370105001001001 (the resident's neighbours)");
            if no_serve {
                return Ok(());
            }
            serve(app, &listen, started).await
        }
        Command::Import { what } => {
            let app = start(config).await?;
            let summary = match what {
                ImportWhat::Divisions { file } => {
                    let bytes =
                        std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                    gridgov_app::import::divisions(&app, &Actor::cli("import divisions"), &bytes).await
                }
                ImportWhat::Boundaries { file, crs } => {
                    let crs = crs
                        .parse()
                        .map_err(|_| anyhow::anyhow!("--crs is wgs84 or gcj02"))?;
                    let bytes =
                        std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                    gridgov_app::import::boundaries(&app, &Actor::cli("import boundaries"), &bytes, crs).await
                }
                ImportWhat::Calendar { file } => {
                    let bytes =
                        std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
                    gridgov_app::import::calendar(&app, &Actor::cli("import calendar"), &bytes).await
                }
            }
            .map_err(app_err)?;
            println!(
                "imported: {} created, {} updated, {} unchanged",
                summary.created, summary.updated, summary.unchanged
            );
            Ok(())
        }
        Command::Sample {
            what:
                SampleWhat::People {
                    grid,
                    rows,
                    bad,
                    first,
                    out,
                },
        } => {
            let bytes = gridgov_app::demo::people::sample_sheet(&grid, rows, first, bad).map_err(app_err)?;
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("{} with {rows} residents ({bad} with a mistake)", out.display());
            Ok(())
        }
        Command::Sample {
            what:
                SampleWhat::Organisations {
                    grid,
                    rows,
                    bad,
                    first,
                    out,
                },
        } => {
            let bytes = gridgov_app::demo::samples::org_sheet(&grid, rows, first, bad).map_err(app_err)?;
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!(
                "{} with {rows} organisations ({bad} with a mistake)",
                out.display()
            );
            Ok(())
        }
        Command::Sample {
            what:
                SampleWhat::Facilities {
                    grid,
                    rows,
                    bad,
                    first,
                    out,
                },
        } => {
            let bytes =
                gridgov_app::demo::samples::facility_sheet(&grid, rows, first, bad).map_err(app_err)?;
            std::fs::write(&out, bytes).with_context(|| format!("writing {}", out.display()))?;
            println!("{} with {rows} facilities ({bad} with a mistake)", out.display());
            Ok(())
        }
        Command::Export {
            what:
                ExportWhat::Grids {
                    format,
                    district,
                    out,
                },
        } => {
            let app = start(config).await?;
            let district = district
                .map(|d| gridgov_domain::RegionCode::parse(&d))
                .transpose()
                .map_err(|e| anyhow::anyhow!("--district: {e}"))?;
            let format = match format {
                ExportFormat::Geojson => gridgov_app::export::Format::GeoJson,
                ExportFormat::Csv => gridgov_app::export::Format::Csv,
            };
            let n = match out {
                Some(path) => {
                    let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
                    gridgov_app::export::grids(&app, district.as_ref(), &Scope::everything(), format, &mut f)
                        .await
                        .map_err(app_err)?
                }
                None => {
                    let mut f = std::io::BufWriter::new(std::io::stdout().lock());
                    gridgov_app::export::grids(&app, district.as_ref(), &Scope::everything(), format, &mut f)
                        .await
                        .map_err(app_err)?
                }
            };
            eprintln!("exported {n} grids");
            Ok(())
        }
        Command::User {
            what:
                UserWhat::CreateAdmin {
                    username,
                    district,
                    display_name,
                },
        } => {
            let app = start(config).await?;
            eprintln!("password (one line on standard input):");
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let account = gridgov_app::auth::NewAccount {
                district,
                username: username.clone(),
                display_name,
                password: Some(password.trim_end_matches(['\r', '\n']).to_owned()),
                kind: "staff".into(),
                roles: vec![("district_admin".into(), gridgov_domain::access::DataScope::All)],
                ..Default::default()
            };
            let id = gridgov_app::auth::create_user(&app, &Actor::cli("user create-admin"), account)
                .await
                .map_err(app_err)?;
            println!("created district admin {username} (id {id})");
            Ok(())
        }
        Command::Keys {
            what: KeysWhat::New { id },
        } => {
            println!(
                "{}",
                gridgov_app::vault::KeyRing::new_entry(&id).map_err(app_err)?
            );
            Ok(())
        }
        Command::Keys {
            what: KeysWhat::Rotate,
        } => {
            let app = start(config).await?;
            let current = app.vault.keys.current_id().to_owned();
            let r = gridgov_app::registry::rotate_keys(&app).await.map_err(app_err)?;
            println!(
                "{} sealed values checked, {} sealed again under key {current}",
                r.values, r.resealed
            );
            Ok(())
        }
        Command::Audit {
            what: AuditWhat::Verify,
        } => {
            let app = start(config).await?;
            let r = gridgov_app::audit::verify(&app).await.map_err(app_err)?;
            match r.first_break {
                None => {
                    println!("audit log intact: {} rows in {} chain(s)", r.rows, r.districts);
                    Ok(())
                }
                Some(b) => {
                    let row = b.id.map(|i| format!("row id {i}, ")).unwrap_or_default();
                    bail!(
                        "audit log broken in district {} at {row}sequence {}: {}",
                        b.district_code,
                        b.seq,
                        b.reason
                    )
                }
            }
        }
        Command::Openapi => {
            print!("{}", gridgov_http::openapi::json());
            Ok(())
        }
        Command::Bench { what } => bench::run(what).await,
    }
}
