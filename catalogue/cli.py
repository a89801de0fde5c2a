"""The `catalogue` command: serve, migrate, manage users and tokens, load the demo."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import DownloadColumn, Progress, TaskID, TextColumn, TransferSpeedColumn
from rich.table import Table
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from catalogue import migrate
from catalogue.accounts import service as accounts
from catalogue.db import make_engine
from catalogue.errors import CatalogueError
from catalogue.jobs.cli import jobs_app
from catalogue.media.ffmpeg import FFmpegUnusable, require_ffmpeg
from catalogue.models import AssetKind, Partner, Role, User
from catalogue.models.accounts import UserCreate, UserUpdate
from catalogue.rights.cli import rights_app
from catalogue.settings import Settings, get_settings
from catalogue.tours.cli import plan_app
from catalogue.worker import runtime, worker

app = typer.Typer(no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
db_app = typer.Typer(no_args_is_help=True, help="Database schema migrations.")
users_app = typer.Typer(no_args_is_help=True, help="Users and their API tokens.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(jobs_app, name="jobs")
app.add_typer(rights_app, name="rights")
app.add_typer(plan_app, name="plan")
app.command()(worker)

console = Console()
err = Console(stderr=True)


class CliError(Exception):
    """A problem the operator can fix; printed as one line."""


def _settings() -> Settings:
    return get_settings()


def _session() -> Session:
    return Session(make_engine(_settings()))


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="default: CATALOGUE_HOST")] = None,
    port: Annotated[int | None, typer.Option(help="default: CATALOGUE_PORT")] = None,
    migrate_first: Annotated[bool, typer.Option("--migrate/--no-migrate")] = True,
    workers: Annotated[
        int | None,
        typer.Option(min=1, max=64, help="API processes; default: CATALOGUE_WEB_WORKERS (1)"),
    ] = None,
) -> None:
    """Serve the HTTP API (and, embedded, the worker pool)."""
    import uvicorn

    from catalogue.app import create_app

    settings = _settings()
    require_ffmpeg(settings)  # one clear line now, rather than a traceback from the lifespan
    engine = make_engine(settings)
    if migrate_first:
        migrate.upgrade(engine)
    processes = workers or settings.web_workers
    url = f"http://{host or settings.host}:{port or settings.port}"
    console.print(
        f"Serving the catalogue at [bold]{url}[/] (API docs at {url}/docs)"
        + (f" with {processes} processes" if processes > 1 else "")
    )
    if processes > 1:
        # uvicorn starts each process from the import string, and each builds its app (and its
        # connections) from the same environment as this one: none of ours is shared.
        engine.dispose()
    uvicorn.run(
        "catalogue.app:create_app" if processes > 1 else create_app(settings, engine),
        factory=processes > 1,
        workers=processes,
        # uvicorn kills a process that has not answered its health ping in 5 s: on a busy
        # machine that is one still importing, restarted forever.
        timeout_worker_healthcheck=60,
        host=host or settings.host,
        port=port or settings.port,
        # The C parser and event loop (dependencies), named so that a missing one is an error
        # at start rather than a silent fall back to h11 and asyncio, which cost more CPU per
        # request (about 10 % on small requests, 30 % on uploads: bench/load.py --run cpu).
        http="httptools",
        loop="uvloop",
        log_level="warning",
        # uvicorn alone would believe X-Forwarded-* from 127.0.0.1; the app factory believes
        # them only from CATALOGUE_TRUSTED_PROXIES.
        proxy_headers=False,
    )


@db_app.command("upgrade")
def db_upgrade(revision: str = "heads") -> None:
    """Apply migrations up to REVISION (default: the latest)."""
    engine = make_engine(_settings())
    migrate.upgrade(engine, revision)
    console.print(f"database at revision {migrate.current_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(revision: str) -> None:
    """Undo migrations down to REVISION ('base' empties the database)."""
    engine = make_engine(_settings())
    migrate.downgrade(engine, revision)
    console.print(f"database at revision {migrate.current_revision(engine) or 'base'}")


@db_app.command("current")
def db_current() -> None:
    """Show the database's revision and whether it is the latest."""
    engine = make_engine(_settings())
    current, head = migrate.current_revision(engine), migrate.head_revision()
    state = (
        "up to date"
        if migrate.is_current(engine)
        else f"behind head {head}: run `catalogue db upgrade`"
    )
    console.print(f"revision {current or 'none'} ({state})")


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="admin, editor, programmer or partner")],
    partner: Annotated[str | None, typer.Option(help="partner slug (partner role only)")] = None,
    full_name: str = "",
    password: Annotated[
        bool, typer.Option("--password", help="prompt for a password (for web sign-in)")
    ] = False,
    token: Annotated[bool, typer.Option("--token/--no-token", help="also issue a token")] = True,
) -> None:
    """Create a user and print its first API token."""
    with _session() as session:
        partner_id = _partner_id(session, partner) if partner else None
        secret = (
            typer.prompt("password", hide_input=True, confirmation_prompt=True)
            if password
            else None
        )
        user = accounts.create_user(
            session,
            UserCreate(
                username=username,
                role=role,
                partner_id=partner_id,
                full_name=full_name,
                password=secret,
            ),
        )
        console.print(f"created user {user.username} ({user.role})")
        if token:
            issued = accounts.issue_token(session, user, "cli", None)
            console.print(f"token (shown once): [bold]{issued.token}[/]")


@users_app.command("list")
def users_list() -> None:
    """List users."""
    with _session() as session:
        table = Table("id", "username", "role", "partner", "active")
        for user in session.exec(select(User).order_by(User.id)):  # type: ignore[arg-type]
            table.add_row(
                str(user.id),
                user.username,
                user.role,
                str(user.partner_id or ""),
                str(user.is_active),
            )
        console.print(table)


@users_app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option(help="what the token is for")] = "cli",
    days: Annotated[int | None, typer.Option(help="expire after this many days")] = None,
) -> None:
    """Issue a new API token for USERNAME (printed once)."""
    with _session() as session:
        issued = accounts.issue_token(session, accounts.find_user(session, username), name, days)
        console.print(f"token {issued.id} for {username} (shown once): [bold]{issued.token}[/]")


@users_app.command("tokens")
def users_tokens(username: str) -> None:
    """List USERNAME's tokens (never their secrets)."""
    with _session() as session:
        table = Table("id", "name", "prefix", "created", "last used", "revoked")
        for t in accounts.tokens_of(session, accounts.find_user(session, username)):
            table.add_row(
                str(t.id),
                t.name,
                t.prefix,
                f"{t.created_at:%Y-%m-%d}",
                f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "",
                f"{t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "",
            )
        console.print(table)


@users_app.command("revoke")
def users_revoke(token_id: int) -> None:
    """Revoke a token by its id."""
    with _session() as session:
        accounts.revoke_token(session, token_id, owner=None)
        console.print(f"token {token_id} revoked")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: all of its tokens stop working and its page sessions end."""
    with _session() as session:
        user = accounts.find_user(session, username)
        assert user.id is not None
        accounts.update_user(session, user.id, UserUpdate(is_active=False))
        console.print(f"user {username} disabled")


@users_app.command("sign-out")
def users_sign_out(username: str) -> None:
    """Sign USERNAME out everywhere: every page session ends (API tokens stay valid)."""
    with _session() as session:
        user = accounts.find_user(session, username)
        assert user.id is not None
        ended = accounts.sign_out_everywhere(session, user.id).sessions_ended
        console.print(f"{ended} page session(s) of {username} ended")


@users_app.command("sessions")
def users_sessions(username: str) -> None:
    """List USERNAME's page sessions (newest first) and where they came from."""
    with _session() as session:
        user = accounts.find_user(session, username)
        assert user.id is not None
        table = Table("id", "created", "last seen", "expires", "ended", "token", "from")
        for row in accounts.sessions_of(session, user.id):
            table.add_row(
                str(row.id),
                f"{row.created_at:%Y-%m-%d %H:%M}",
                f"{row.last_seen_at:%Y-%m-%d %H:%M}",
                f"{row.expires_at:%Y-%m-%d %H:%M}",
                f"{row.revoked_at:%Y-%m-%d %H:%M}" if row.revoked_at else "",
                str(row.api_token_id or ""),
                f"{row.client_address or ''} {row.user_agent or ''}".strip()[:60],
            )
        console.print(table)


@app.command("titles")
def titles_list(
    q: Annotated[str | None, typer.Option(help="full-text search")] = None,
    limit: int = 20,
) -> None:
    """List titles (optionally searched), as the API would for an admin."""
    from catalogue.titles import service
    from catalogue.titles.filters import TitleFilters, TitleSort

    with _session() as session:
        admin = User(username="cli", role=Role.admin)
        rows, total = service.list_titles(
            session, admin, TitleFilters(q=q, sort=None if q else TitleSort.title), limit
        )
        table = Table("id", "kind", "status", "year", "original title", title=f"{total} titles")
        for t in rows:
            table.add_row(
                str(t.id), t.kind, t.status, str(t.production_year or ""), t.original_title
            )
        console.print(table)


@app.command()
def demo(
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
    media: Annotated[
        bool, typer.Option("--media/--no-media", help="generate, ingest and transcode demo masters")
    ] = True,
    host: Annotated[str | None, typer.Option()] = None,
    port: Annotated[int | None, typer.Option()] = None,
) -> None:
    """Load the demo catalogue (idempotent), ingest and transcode its media, plan its tours, serve."""
    from catalogue import demo as demo_content

    settings = _settings()
    engine = make_engine(settings)
    migrate.upgrade(engine)
    with Session(engine) as session:
        summary = demo_content.load(session)
    console.print(
        f"demo catalogue: {summary.titles} titles, {summary.campaigns} campaigns, "
        f"{summary.partners} partners, {summary.venues} venues"
    )
    if media:
        from catalogue.media.demo import ingest_demo_media

        with Session(engine) as session:
            created = ingest_demo_media(session, settings, limit=100)
        console.print(f"demo media: {len(created)} new masters generated and ingested")
        _run_jobs_with_progress(engine, settings)
    with Session(engine) as session:
        console.print(
            f"demo subtitles: {demo_content.attach_subtitles(session, settings)} new tracks published"
        )
    _run_jobs_with_progress(engine, settings)  # subtitle delivery into the HLS masters
    from catalogue.tours.demo import plan_demo_tours

    with Session(engine) as session:
        for line in plan_demo_tours(session, settings):
            console.print(line)
    with Session(engine) as session:
        tokens = demo_content.issue_demo_tokens(session)
    console.print(
        "[bold]Demo tokens[/] (valid until the next `catalogue demo`; send as `Authorization: Bearer ...`):"
    )
    for username, role, secret in tokens:
        console.print(f"  {username:<16} {role:<11} {secret}", soft_wrap=True)
    if serve_after:
        serve(host=host, port=port, migrate_first=False)


def _run_jobs_with_progress(engine: Engine, settings: Settings) -> None:
    """Run queued jobs on an in-process pool, one progress bar per job, until none is left."""
    from catalogue.jobs.pool import WorkerPool
    from catalogue.models.jobs import Job, JobStatus

    active = (JobStatus.queued, JobStatus.running)
    pool = WorkerPool(runtime(engine, settings))
    pool.start()
    bars: dict[int, TaskID] = {}
    try:
        with Progress(
            *Progress.get_default_columns(), TextColumn("{task.fields[state]}"), console=console
        ) as progress:
            while True:
                with Session(engine) as session:
                    jobs = session.exec(select(Job).order_by(Job.id)).all()  # type: ignore[arg-type]
                for job in jobs:
                    assert job.id is not None
                    label = f"{job.kind.replace('_', ' ')} " + " ".join(
                        f"{k} {v}" for k, v in job.payload.items()
                    )
                    if job.id not in bars:
                        bars[job.id] = progress.add_task(label, total=100, state=job.status)
                    done = job.status not in active
                    progress.update(
                        bars[job.id],
                        completed=100 if done else job.progress,
                        state=job.status if not job.error else f"{job.status}: {job.error[:80]}",
                    )
                if not any(job.status in active for job in jobs):
                    break
                time.sleep(0.5)
    finally:
        pool.stop()


@app.command()
def ingest(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    title: Annotated[int, typer.Option("--title", help="title or episode id the file belongs to")],
    kind: Annotated[AssetKind, typer.Option(help="what the file is")] = AssetKind.main,
    server: Annotated[
        str | None, typer.Option(help="default: http://CATALOGUE_HOST:CATALOGUE_PORT")
    ] = None,
    token: Annotated[
        str | None, typer.Option(envvar="CATALOGUE_TOKEN", help="an editor's API token")
    ] = None,
    wait: Annotated[float, typer.Option(help="seconds to wait for probing (0: do not wait)")] = 600,
) -> None:
    """Upload a master (resumable: run again after an interruption), then show what probing found."""
    from catalogue.ingest import client

    settings = _settings()
    if not token:
        raise CliError(
            "an API token is needed: --token or CATALOGUE_TOKEN (`catalogue users token NAME`)"
        )
    target = client.Target(server or f"http://{settings.host}:{settings.port}", token)
    store = settings.data_dir / "ingest-uploads.json"
    with Progress(
        *Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(), console=console
    ) as bar:
        task = bar.add_task(f"uploading {path.name}", total=path.stat().st_size)
        asset_id = client.upload(
            target, path, title, kind, store, lambda done, _: bar.update(task, completed=done)
        )
    console.print(f"uploaded as asset {asset_id}")
    if wait <= 0:
        return
    with console.status("probing..."):
        asset = client.wait_for_probe(target, asset_id, timeout_s=wait)
    if asset["state"] == "rejected":
        raise CliError(f"asset {asset_id} rejected: {'; '.join(asset['rejection_reasons'])}")
    table = Table("asset", "state", "size", "sha256", "container", "duration", "streams")
    tech = asset["technical"] or {}
    streams = ", ".join(f"{s['kind']}:{s['codec']}" for s in tech.get("streams", []))
    table.add_row(
        str(asset_id),
        asset["state"],
        str(asset["size"]),
        asset["sha256"],
        str(tech.get("format_name")),
        f"{tech.get('duration') or 0:.2f} s",
        streams,
    )
    console.print(table)


@app.command("config")
def show_config() -> None:
    """Print the effective settings (secrets masked)."""
    settings = _settings()
    table = Table("setting", "value")
    for name, value in settings.model_dump().items():
        table.add_row(
            f"CATALOGUE_{name.upper()}", str(value) if "secret" not in name else "********"
        )
    table.add_row("(database)", settings.sqlalchemy_url.split("@")[-1])
    for name, value in _ffmpeg_rows(settings):
        table.add_row(name, value)
    console.print(table)


def _ffmpeg_rows(settings: Settings) -> list[tuple[str, str]]:
    """The FFmpeg build in use, or why there is none (the command still prints the rest)."""
    try:
        build = require_ffmpeg(settings)
    except FFmpegUnusable as error:
        return [("(ffmpeg)", f"UNUSABLE: {error.message}")]
    report = build.report(with_configuration=True)
    libraries = ", ".join(f"{name} {'yes' if on else 'no'}" for name, on in build.libraries.items())
    return [
        ("(ffmpeg)", f"{report['version']} ({report['path']})"),
        ("(ffprobe)", report["ffprobe"]),
        ("(ffmpeg licence)", report["licence"]),
        ("(ffmpeg libraries)", libraries),
        ("(ffmpeg configuration)", report["configuration"]),
    ]


def _partner_id(session: Session, slug: str) -> int:
    partner = session.exec(select(Partner).where(Partner.slug == slug)).first()
    if partner is None:
        raise CliError(f"no partner with slug {slug!r}; see `catalogue partners`")
    assert partner.id is not None
    return partner.id


def _one_line(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "input"
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def main() -> None:
    """Entry point: every expected failure is one clear line on stderr and exit status 1."""
    try:
        app(standalone_mode=False)
    except (CliError, CatalogueError) as error:
        err.print(f"[red]error:[/] {error}")
        sys.exit(1)
    except ValidationError as error:
        err.print(f"[red]error:[/] {_one_line(error)}")
        sys.exit(1)
    except OperationalError as error:
        err.print(f"[red]error:[/] database unavailable: {str(error.orig).splitlines()[0]}")
        sys.exit(1)
    except (typer.Abort, KeyboardInterrupt):
        err.print("aborted")
        sys.exit(130)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.TyperException as error:  # usage errors: bad option values, missing arguments
        show = getattr(error, "show", None)
        if show is None:
            raise
        show()
        sys.exit(getattr(error, "exit_code", 2))


if __name__ == "__main__":
    main()
