"""The ``comptoir`` command."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import click

from widget_api import __version__
from widget_api.cli_options import db_option
from widget_api.settings import Settings

DEMO_ADMIN_EMAIL = "admin@nordet.example"
DEMO_ADMIN_PASSWORD = "comptoir-demo"
DEMO_DB = Path("var/demo.duckdb")


def _settings(db_path: Path | None = None) -> Settings:
    settings = Settings()
    if db_path is not None:
        settings.db.path = db_path
    return settings


#: Commands kept in other modules, imported only when run or listed: `comptoir serve` starts
#: without loading what the classifier, the benchmarks or the importers need.
_LAZY_COMMANDS = {
    "assist": "help_center.assist.cli:assist_command",
    "bench": "widget_api.bench:bench_command",
    "rules-bench": "widget_api.rules_bench:rules_bench_command",
    "classify": "widget_api.problem_typing.cli:classify_command",
    "help-center": "help_center.cli:help_center_group",
    "mail": "widget_api.mail.cli:mail_group",
    "secrets": "widget_api.secrets_cli:secrets_group",
    "orders": "widget_api.orders_cli:orders_group",
    "export": "widget_api.export_cli:export_command",
    "import": "widget_api.import_cli:import_group",
}


class _LazyGroup(click.Group):
    """Click's lazily loaded subcommands (its documentation's pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *_LAZY_COMMANDS])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS:
            module, attr = _LAZY_COMMANDS[cmd_name].split(":")
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="comptoir")
def cli() -> None:
    """Comptoir: a self-hosted bilingual helpdesk for e-commerce merchants.

    Start with `comptoir demo` for a ready demo store, or `comptoir init` then `comptoir serve`
    for your own. Settings come from COMPTOIR_* environment variables (see `comptoir config`)
    and from flags, flags winning.
    """


@cli.command()
@db_option
@click.option("--host", default=None, help="Listen address [env COMPTOIR_API__HOST].")
@click.option("--port", type=int, default=None, help="Listen port [env COMPTOIR_API__PORT].")
@click.option(
    "--public-rate-limit",
    type=int,
    default=None,
    help="Public requests per minute per client address; 0 turns it off "
    "[env COMPTOIR_API__PUBLIC_RATE_LIMIT].",
)
@click.option("--public-base-url", default=None, help="URL customers reach this server at.")
@click.option(
    "--widget-origin",
    "widget_origins",
    multiple=True,
    help="Store origin allowed to embed the widget (repeatable).",
)
@click.option("--log-level", default="info", show_default=True, help="Server log level.")
def serve(
    db_path: Path | None,
    host: str | None,
    port: int | None,
    public_rate_limit: int | None,
    public_base_url: str | None,
    widget_origins: tuple[str, ...],
    log_level: str,
) -> None:
    """Run the server (API, widget, help center) on the database. Stop with Ctrl-C."""
    import uvicorn

    from widget_api.app import create_app
    from widget_api.domain.secret_box import KeyProblem
    from widget_api.startup import listen
    from widget_api.storage import Database, DatabaseUnavailable

    settings = _settings(db_path)
    if host:
        settings.api.host = host
    if port is not None:
        settings.api.port = port
    if public_rate_limit is not None:
        settings.api.public_rate_limit = public_rate_limit
    if public_base_url:
        settings.api.public_base_url = public_base_url
    if widget_origins:
        settings.api.widget_origins = list(widget_origins)
    # Opened and bound here, not in the app's start-up, so that a database in use, a read-only
    # directory or a busy port is one line and exit code 1, not a traceback from uvicorn.
    try:
        db = Database(settings.db.path, write_batch=settings.db.write_batch)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    try:
        sock = listen(settings.api.host, settings.api.port, flag="--port", env="COMPTOIR_API__PORT")
    except click.ClickException:
        db.close()
        raise
    try:
        app = create_app(settings, db=db, owns_db=True)  # it checkpoints and closes it on exit
    except KeyProblem as exc:
        sock.close()
        db.close()
        raise click.ClickException(str(exc)) from None
    click.echo(f"Comptoir {__version__} on http://{settings.api.host}:{settings.api.port}")
    config = uvicorn.Config(
        app,
        host=settings.api.host,
        port=settings.api.port,
        log_level=log_level,
        access_log=False,
        proxy_headers=False,  # the app reads X-Forwarded-For, from trusted proxies only
    )
    uvicorn.Server(config).run(sockets=[sock])


@cli.command()
@db_option
@click.option("--admin-email", required=True, help="E-mail of the first administrator.")
@click.option(
    "--admin-password",
    required=True,
    help="Password of the first administrator (at least 8 characters).",
)
@click.option("--admin-name", default="Admin", show_default=True, help="Display name.")
@click.option("--language", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
def init(
    db_path: Path | None, admin_email: str, admin_password: str, admin_name: str, language: str
) -> None:
    """Create the database (applying migrations) and its first administrator."""
    from widget_api.domain import secret_box, server_secret
    from widget_api.domain.setup import AlreadyThere, create_admin, install_starter_macros
    from widget_api.storage import Database, DatabaseUnavailable

    settings = _settings(db_path)
    if len(admin_password) < 8:
        raise click.BadParameter("at least 8 characters", param_hint="--admin-password")
    try:
        with Database(settings.db.path) as db:
            create_admin(db, admin_email, admin_password, admin_name, language)
            install_starter_macros(db)
            server_secret.ensure(db, settings)  # commands other than serve sign with it too
        box = secret_box.load(settings, settings.db.path)  # the key file, made if absent
    except (DatabaseUnavailable, AlreadyThere, secret_box.KeyProblem) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Database ready at {settings.db.path}; administrator {admin_email} created.")
    click.echo(f"Secrets are encrypted with the key from {box.source}: keep a copy of it apart")
    click.echo("from the backups (a restore elsewhere needs it, or secrets must be re-entered).")


@cli.command("seed-demo")
@db_option
@click.option("--seed", type=int, default=7, show_default=True, help="Random seed.")
@click.option("--days", type=int, default=90, show_default=True, help="Days of history.")
@click.option("--tickets", type=int, default=3000, show_default=True, help="Number of tickets.")
def seed_demo_command(db_path: Path | None, seed: int, days: int, tickets: int) -> None:
    """Fill an empty database with the Nordet demo store (deterministic for a seed)."""
    from data.demo_store import seed_demo
    from data.demo_store.chat_channels import seed_demo_channels
    from data.demo_store.returns import seed_demo_returns
    from data.demo_store.teams import seed_demo_teams
    from widget_api.storage import Database, DatabaseUnavailable

    settings = _settings(db_path)
    started = time.monotonic()
    try:
        with Database(settings.db.path) as db:
            summary = seed_demo(db, seed=seed, days=days, tickets=tickets)
            seed_demo_returns(db, seed=seed, now=summary.end, settings=settings)
            seed_demo_channels(db, now=summary.end)
            seed_demo_teams(db)
    except (DatabaseUnavailable, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        summary.model_dump_json(indent=2) if hasattr(summary, "model_dump_json") else summary
    )
    click.echo(f"Seeded in {time.monotonic() - started:.1f} s.")


@cli.command()
@db_option
@click.argument("out_file", type=click.Path(dir_okay=False, path_type=Path))
def backup(db_path: Path | None, out_file: Path) -> None:
    """Write a backup of the database to OUT_FILE (.tar.gz). The server must be stopped."""
    from widget_api.domain.secret_box import KeyProblem, seal_database
    from widget_api.storage import DatabaseUnavailable
    from widget_api.storage.backup import backup as do_backup

    settings = _settings(db_path)
    try:
        seal_database(settings)  # a database from before sealing must not export clear secrets
        counts = do_backup(settings.db.path, out_file)
    except (DatabaseUnavailable, FileNotFoundError, KeyProblem) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backup written to {out_file}: {json.dumps(counts)}")


@cli.command()
@db_option
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace an existing database file.")
def restore(db_path: Path | None, backup_file: Path, force: bool) -> None:
    """Recreate the database from BACKUP_FILE, checking every table's row count."""
    from widget_api.domain.secret_box import key_file_path
    from widget_api.storage.backup import restore as do_restore

    settings = _settings(db_path)
    try:
        counts = do_restore(backup_file, settings.db.path, force=force)
    except (FileExistsError, RuntimeError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Restored {settings.db.path}: {json.dumps(counts)}")
    key_file = key_file_path(settings, settings.db.path)
    if settings.security.encryption_key is None and not key_file.exists():
        click.echo(
            f"No key file at {key_file}: copy there the key file of the database this backup was"
            " made from (or set COMPTOIR_SECURITY__ENCRYPTION_KEY), else the stored secrets"
            " (mailbox passwords, widget identity secret) must be re-entered.",
            err=True,
        )


@cli.command()
@click.option("--api-url", default=None, help="Agent API URL [env COMPTOIR_DASHBOARD__API_URL].")
@click.option(
    "--host",
    default=None,
    help="Listen address [env COMPTOIR_DASHBOARD__HOST; default: the server's, "
    "COMPTOIR_API__HOST].",
)
@click.option(
    "--port", type=int, default=None, help="Dashboard port [env COMPTOIR_DASHBOARD__PORT]."
)
def dashboard(api_url: str | None, host: str | None, port: int | None) -> None:
    """Run the Streamlit dashboard (a client of the agent API; it never opens the database)."""
    from widget_api.startup import check_port

    settings = Settings()
    check_port(
        _dashboard_host(settings, host),
        port or settings.dashboard.port,
        flag="--port",
        env="COMPTOIR_DASHBOARD__PORT",
    )
    argv = _dashboard_argv(settings, api_url, port, host)
    os.execvpe(sys.executable, argv, _dashboard_env(api_url))


def _dashboard_host(settings: Settings, host: str | None) -> str:
    """The dashboard listens where the server does unless told otherwise: a server kept on
    loopback must not get a dashboard open to the network."""
    return host or settings.dashboard.host or settings.api.host


def _dashboard_argv(
    settings: Settings, api_url: str | None, port: int | None, host: str | None = None
) -> list[str]:
    app_file = Path(__file__).resolve().parent.parent / "dashboard" / "serve.py"
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_file),
        "--server.address",
        _dashboard_host(settings, host),
        "--server.port",
        str(port or settings.dashboard.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def _dashboard_env(api_url: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if api_url:
        env["COMPTOIR_DASHBOARD__API_URL"] = api_url
    return env


class _Terminated(Exception):
    """SIGTERM or SIGHUP reached `comptoir demo`: stop the children as Ctrl-C does."""


def _terminate(signum: int, frame: object) -> None:
    raise _Terminated(signal.Signals(signum).name)


@cli.command()
@db_option
@click.option("--port", type=int, default=8700, show_default=True, help="Server port.")
@click.option("--dashboard-port", type=int, default=8501, show_default=True)
@click.option(
    "--dashboard-host",
    default=None,
    help="Dashboard listen address [env COMPTOIR_DASHBOARD__HOST; default: the server's].",
)
@click.option("--tickets", type=int, default=3000, show_default=True, help="Demo tickets.")
@click.option("--fresh", is_flag=True, help="Delete the demo database and seed it again.")
def demo(
    db_path: Path | None,
    port: int,
    dashboard_port: int,
    dashboard_host: str | None,
    tickets: int,
    fresh: bool,
) -> None:
    """Create (or reuse) the Nordet demo database, start server and dashboard, stop on Ctrl-C
    (or SIGTERM)."""
    from data.demo_store.prepare import prepare_demo
    from widget_api.startup import check_port, reachable, wait_answering
    from widget_api.storage import DatabaseUnavailable
    from widget_api.storage.db import check_free

    settings = Settings()
    path = db_path or DEMO_DB
    api_host, dash_host = settings.api.host, _dashboard_host(settings, dashboard_host)
    # Everything that would stop a child is checked first, each one line (no traceback).
    check_port(api_host, port, flag="--port", env="COMPTOIR_API__PORT")
    check_port(dash_host, dashboard_port, flag="--dashboard-port", env="COMPTOIR_DASHBOARD__PORT")
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        check_free(path)  # before --fresh deletes a file another demo is using
        if fresh:
            for leftover in (path, path.with_name(path.name + ".wal")):
                leftover.unlink(missing_ok=True)
        if not path.exists():
            click.echo(f"Creating the demo store in {path} ({tickets} tickets)…")
        prepare_demo(path, DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, tickets=tickets)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except _Terminated:
        raise click.Abort() from None

    api_url = f"http://{reachable(api_host)}:{port}"
    dash_url = f"http://{reachable(dash_host)}:{dashboard_port}"
    me = [sys.executable, "-m", "widget_api.cli"]
    # Children get their own sessions: Ctrl-C reaches this process only, which then stops the
    # dashboard and the server in order (the server checkpoints the database on its way out).
    server = subprocess.Popen(
        [*me, "serve", "--db", str(path), "--port", str(port), "--log-level", "warning"],
        start_new_session=True,
    )
    children = {"server": server}
    try:
        wait_answering(f"{api_url}/health", server, "server")
        children["dashboard"] = subprocess.Popen(
            _dashboard_argv(settings, api_url, dashboard_port, dash_host),
            env=_dashboard_env(api_url),
            start_new_session=True,
        )
        wait_answering(f"{dash_url}/_stcore/health", children["dashboard"], "dashboard")
        click.echo(
            "\n".join(
                [
                    "",
                    "Comptoir demo — Nordet, vêtements d'hiver",
                    f"  Dashboard : {dash_url}",
                    f"  API       : {api_url}  (OpenAPI: {api_url}/schema)",
                    f"  Login     : {DEMO_ADMIN_EMAIL} / {DEMO_ADMIN_PASSWORD}",
                    "  Agents    : emilie.tremblay@nordet.example … / demo-agent",
                    "Ctrl-C stops both.",
                ]
            )
        )
        while all(child.poll() is None for child in children.values()):
            time.sleep(0.5)
        name, child = next((n, c) for n, c in children.items() if c.poll() is not None)
        raise click.ClickException(f"the {name} stopped (exit code {child.returncode})")
    except (KeyboardInterrupt, _Terminated):
        click.echo("\nStopping…")
    finally:
        _stop(list(children.values()))


def _stop(children: list[subprocess.Popen]) -> None:
    """SIGINT each child (dashboard first), wait, kill what does not stop; a second Ctrl-C
    while waiting does not leave a child behind."""
    for child in reversed(children):
        if child.poll() is None:
            child.send_signal(signal.SIGINT)
    for child in reversed(children):
        deadline = time.monotonic() + 20
        while child.poll() is None and time.monotonic() < deadline:
            try:
                child.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                continue
            except (KeyboardInterrupt, _Terminated):
                break
        if child.poll() is None:
            child.kill()


@cli.command()
def config() -> None:
    """Print the resolved settings (secrets hidden)."""
    click.echo(json.dumps(Settings().redacted(), indent=2))


if __name__ == "__main__":
    cli()
