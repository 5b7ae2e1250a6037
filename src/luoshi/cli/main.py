"""The ``luoshi`` command. Thin: each command calls one service and prints its result."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from luoshi.cli.common import QUICK_EXIT, DbOption, leave_quickly, open_db, opened_db
from luoshi.cli.lazy import LazyCommands, builders, built, plain_coercion
from luoshi.messages import message
from luoshi.settings import DEFAULT_MAX_BYTES, default_db_path

if TYPE_CHECKING:
    from luoshi.accounts.service import Accounts
    from luoshi.store import Store

EXIT_REJECTED = 3  # some inputs were rejected (the others were ingested)
EXIT_STORE = 4  # the database cannot be used: missing, not a database, a folder, unreadable, newer schema
EXIT_BUSY = 5  # the database stayed locked by other writers after every bounded wait

console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


# Commands defined in other modules, imported when they run (``luoshi.cli.lazy``): "module:attribute".
ELSEWHERE = {
    "report": "luoshi.cli.ledger:report",
    "follow": "luoshi.cli.follow:follow",
    "eval-follow": "luoshi.cli.follow:evaluate",
    "people": "luoshi.cli.people:people",
    "person": "luoshi.cli.people:person",
    "cited": "luoshi.cli.citations:cited",
    "outcomes": "luoshi.cli.citations:outcomes",
}
ELSEWHERE_GROUPS = {
    "ledger": "luoshi.cli.ledger:app",
    "calendar": "luoshi.cli.ledger:calendar_app",
    "evaluate": "luoshi.cli.people:evaluate_app",
}


class _Commands(TyperGroup):
    """Every command, built when it runs (``luoshi.cli.lazy``); a store that cannot be used is one
    sentence and a documented exit status."""

    quick_exit = False  # set by a command that ran to its end and asked for it (``leave_quickly``)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        found = builders(commands, ELSEWHERE, ELSEWHERE_GROUPS, app)
        for name, command in self.commands.items():  # any registered on ``app`` itself
            found.setdefault(name, built(command))
        self.commands = LazyCommands(found)
        plain_coercion(self)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().main(*args, **kwargs)
        except SystemExit as e:
            if self.quick_exit and isinstance(e.code, int | None) and _luoshi_is_the_program():
                _exit_now(e.code or 0)
            raise

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            done = super().invoke(ctx)
            self.quick_exit = bool(ctx.meta.get(QUICK_EXIT))
            return done
        except typer.Exit:  # a status the command chose after its work (``ingest``'s 3)
            self.quick_exit = bool(ctx.meta.get(QUICK_EXIT))
            raise
        except Exception as e:
            if "luoshi.store" not in sys.modules:
                raise  # no store was opened, so the failure is not the store's
            from sqlalchemy.exc import DBAPIError

            from luoshi.store import display_name
            from luoshi.store.errors import StoreError, translate

            if not isinstance(e, StoreError | DBAPIError):
                raise
            found = translate(e, display_name(opened_db(ctx)))
            if found is None:
                raise
            err.print(str(found), markup=False, highlight=False)
            raise typer.Exit(EXIT_BUSY if found.key == "db_busy" else EXIT_STORE) from None


def _luoshi_is_the_program() -> bool:
    """Run as ``luoshi`` or ``python -m luoshi.cli``, not called by a test or another program."""
    program = sys.modules.get("__main__")
    spec = getattr(program, "__spec__", None)
    if spec is not None and spec.name == "luoshi.cli.__main__":
        return True
    return Path(getattr(program, "__file__", None) or "").name in ("luoshi", "luoshi.exe")


def _exit_now(code: int) -> None:
    """End the process with ``code`` once what was printed is written, skipping the interpreter's
    teardown; when writing fails (a closed pipe) Python's own exit reports it as usual."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return
    util = sys.modules.get("multiprocessing.util")
    if util is not None:  # what multiprocessing leaves to the exit (the temporary directory of
        util._run_finalizers()  # ``--workers``' fork server's socket), done as Python's exit would
    os._exit(code)


app = typer.Typer(
    rich_markup_mode=None,
    cls=_Commands,
    help="luoshi (落实): from meeting readouts to an implementation ledger.",
    epilog=message("exit_statuses"),
    no_args_is_help=True,
    add_completion=False,
)


@app.callback()
def _luoshi() -> None:
    pass  # no options of its own; a callback makes typer build a group (of the commands below)


# The commands of this module, registered here and built by ``_Commands`` when they run.
commands = typer.Typer(rich_markup_mode=None)


def _db(db: str | None) -> str:
    return db or default_db_path()


@commands.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (every file below a folder).")],
    db: DbOption = None,
    max_bytes: Annotated[int, typer.Option(help="Reject files larger than this.")] = DEFAULT_MAX_BYTES,
    facts: Annotated[bool, typer.Option(help="Extract and store facts too.")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only the summary line.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Read and extract on a local Dask cluster of this many worker processes."),
    ] = None,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Read and extract on the workers of the Dask cluster at tcp://HOST:PORT."),
    ] = None,
) -> None:
    """Ingest readouts (txt, html, md with front matter, json, jsonl) into the store.

    Exit status: 0 when every input was ingested (or was already stored), 3 when some inputs
    were rejected (each is listed with its reason and recorded in the database)."""
    from luoshi.collector import fewer_collections

    with fewer_collections(None):  # (what these imports make lives as long as the command: the
        # collector, set off by their allocations about 150 times, finds nothing to free: ≈ 30 ms)
        from luoshi.ingest import iter_paths
        from luoshi.pipeline import WORKER_PRELOAD, ClusterError, dask_client, fork_server, ingest_paths
        from luoshi.services import people, people_parallel

    if workers is not None and scheduler:
        err.print(message("cluster_both"), markup=False)
        raise typer.Exit(2)
    if workers is not None and workers < 1:
        err.print(message("cluster_workers_invalid"), markup=False)
        raise typer.Exit(2)
    preload = (*WORKER_PRELOAD, "luoshi.services.people_parallel", "luoshi.cli.worker")
    with contextlib.ExitStack() as stack:
        if workers:  # the local workers' server imports and warms up while the store is opened
            stack.enter_context(fork_server(preload))
        store = open_db(db)
        total = 0 if quiet else sum(1 for _ in iter_paths(paths))  # (for the bar, not shown when quiet)
        try:
            client = (
                stack.enter_context(dask_client(workers, scheduler, preload))
                if workers or scheduler
                else None
            )
            report = ingest_paths(
                store,
                paths,
                max_bytes=max_bytes,
                with_facts=facts,
                client=client,
                progress=None if quiet or total < 20 else _progress_bar(stack, total),
                # (a first ingest's people are clustered on the workers: each document's
                # sightings built where it is extracted)
                sightings=client is not None and people_parallel.first_ingest(store),
            )
        except ClusterError as e:
            err.print(str(e), markup=False, highlight=False)
            raise typer.Exit(1) from None
        # the new documents' names clustered into people: a first ingest's on the workers of
        # the cluster, still open; any other, or one the workers could not do (the cluster lost),
        # after the cluster closed
        refreshed = None
        if client is not None and report.sightings_complete and report.sightings:
            with contextlib.suppress(Exception):  # (the refresh below says what is wrong, if anything)
                refreshed = people_parallel.refresh(store, client, report.sightings)
        report.sightings = []  # (let go before the refresh below, which reads its own)
    if refreshed is None:
        people.refresh(store)
    if not quiet:
        for key, doc_id in report.duplicates:
            console.print(message("cli.already_stored", key=key, id=doc_id), style="yellow", markup=False)
        for rejection in report.rejected:
            console.print(
                message("cli.rejected_input", key=rejection.key, reason=rejection.reason),
                style="red",
                markup=False,
            )
        for key, warning in report.warnings:
            console.print(
                message("cli.warning_input", key=key, warning=warning), style="yellow", markup=False
            )
    console.print(
        message(
            "cli.ingested",
            files=report.files,
            added=len(report.added),
            duplicates=len(report.duplicates),
            rejected=len(report.rejected),
            db=_db(db),
        ),
        markup=False,
    )
    leave_quickly(store)  # Python's teardown of what an ingest loaded: ≈ 0.2 s of CPU (a cluster
    # of --workers has ended and been waited for when its block above closed)
    if report.rejected:
        raise typer.Exit(EXIT_REJECTED)


def _progress_bar(stack: contextlib.ExitStack, total: int) -> Callable[[int, int], None]:
    """A bar on stderr of the files read, gone when ``stack`` closes; its ``(files, bytes)``
    callback. (rich.progress, ≈ 15 ms, imported only when a bar is shown.)"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = stack.enter_context(
        Progress(
            TextColumn("[bold]ingest"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        )
    )
    task = progress.add_task("files", total=total)
    return lambda files, _bytes: progress.update(task, completed=files)


@commands.command()
def search(
    query: Annotated[str, typer.Argument(help="Words in simplified or traditional script; all must match.")],
    db: DbOption = None,
    limit: Annotated[int, typer.Option(help="Number of results.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output: the total and the hits.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Every copy of a reprinted story.")] = False,
    year: Annotated[
        str | None, typer.Option("--year", help="Only documents of this year (e.g. 2026).")
    ] = None,
    place: Annotated[
        str | None, typer.Option("--place", help="Only documents about this place (深圳).")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind of meeting (常务会议).")] = None,
    script: Annotated[str | None, typer.Option("--script", help="simplified, traditional or mixed.")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Only documents from this source.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From this day (YYYY-MM-DD).")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Up to this day (YYYY-MM-DD).")] = None,
) -> None:
    """Full-text search over both scripts, ranked, with highlighted snippets, narrowed by the
    same filters as the web's document list; the copies of one story (reprints) are one hit
    unless --all. The total counts the matching documents (up to 10,000 matches; beyond, an
    estimate, labelled so)."""
    from luoshi.store import stories
    from luoshi.store.listing import DocumentFilters

    store = open_db(db, create=False)
    filters = DocumentFilters.of(
        {
            "q": query,
            "year": year,
            "place": place,
            "kind": kind,
            "script": script,
            "source": source,
            "date_from": date_from,
            "date_to": date_to,
        }
    )
    total, exact = store.count_matches(filters)
    found = stories.search(store, query, limit=limit, show_all=show_all, filters=filters)
    leave_quickly(store)
    if as_json:
        body = {
            "total": total,
            "total_exact": exact,
            "filters": filters.params(),
            "hits": [h.to_json() for h in found],
        }
        console.print_json(json.dumps(body, ensure_ascii=False))
        return
    if not found:
        console.print(message("search.no_match", query=query), markup=False)
        return
    console.print(message("cli.search_total" if exact else "search.total_about", total=total), markup=False)
    for item in found:
        hit = item.hit
        date = hit.event_date or hit.published or "—"
        console.print(f"[bold]{hit.document_id}[/] {date} [cyan]{hit.title or hit.name}[/]")
        console.print("   " + hit.snippet.replace("【", "[reverse]").replace("】", "[/reverse]"))
        if item.others and not show_all:
            console.print("   [dim]" + message("reprints.more", n=item.others) + "[/]")


@commands.command()
def duplicates(
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    limit: Annotated[int, typer.Option(help="Number of stories (the largest first).")] = 100,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Compare every stored document again first.")
    ] = False,
) -> None:
    """Stories with reprints: each with its copies, the canonical copy first."""
    from luoshi.store import stories

    store = open_db(db, create=False)
    if rebuild:
        with store.transaction() as conn:
            err.print(message("reprints.rebuilt", n=stories.rebuild_audited(conn)))
    with store.engine.connect() as conn:
        total, listed = stories.list_stories(conn, limit=limit)
    if as_json:
        payload = {"total": total, "stories": [s.to_json() for s in listed]}
        console.print_json(json.dumps(payload, ensure_ascii=False))
        return
    if not listed:
        console.print(message("reprints.none"))
        return
    console.print(message("reprints.total", n=total))
    for story in listed:
        console.print(f"[bold]{message('reprints.story', id=story.id, size=story.size)}[/]")
        for d in story.documents:
            mark = f" [green]({message('reprints.canonical')})[/]" if d["canonical"] else ""
            site = d["source_site"] or message("reprints.site_unknown")
            console.print(f"  {d['id']} {d['published'] or '—'} {site} {d['source_url'] or ''}{mark}")
            console.print(f"     [cyan]{d['title']}[/]")


@commands.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders.")],
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="One JSON object per input (the scored form).")
    ] = False,
) -> None:
    """Extract officials, posts, cited documents, task batches, dates, directives (no database)."""
    from luoshi.extract import extract as run_extract
    from luoshi.ingest import Rejection, read_paths

    rejected = 0
    for item in read_paths(paths):
        if isinstance(item, Rejection):
            rejected += 1
            err.print(message("cli.rejected_input", key=item.key, reason=item.reason), markup=False)
            if jsonl:
                print(json.dumps({"id": Path(item.key).stem, "error": item.reason}, ensure_ascii=False))
            continue
        for warning in item.warnings:
            err.print(message("cli.warning_input", key=item.source_path, warning=warning), markup=False)
        facts = run_extract(item)
        if jsonl:
            print(json.dumps(facts.to_json(), ensure_ascii=False))
            continue
        _print_facts(item, facts)
    if rejected and not jsonl:
        raise typer.Exit(EXIT_REJECTED)


def _print_facts(doc, facts) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    console.rule(f"[bold]{doc.id}[/] {doc.title or ''}")
    console.print(
        message(
            "cli.facts_header",
            event=facts.event_date or "—",
            published=facts.published or "—",
            script=message(f"script.{doc.script}"),
        ),
        markup=False,
    )
    table = Table(show_header=True, header_style="bold", expand=True)
    table.add_column(message("cli.fact"), no_wrap=True)
    table.add_column(message("cli.value"))
    table.add_column(message("cli.context"))
    for p in facts.persons:
        posts = "、".join(r.post for r in facts.roles if r.name == p.name)
        table.add_row(message("cli.fact.person"), f"{p.name} {posts}", doc.snippet(p.span, 12))
    for d in facts.documents:
        table.add_row(message("cli.fact.document"), d.title, doc.snippet(d.span, 8))
    for b in facts.task_batches:
        table.add_row(message("cli.fact.batch"), f"{b.count} {b.what}", doc.snippet(b.span, 12))
    for m in facts.meetings:
        detail = message("cli.meeting_detail", chair=m.chair or "—", place=m.place or "—")
        table.add_row(message("cli.fact.meeting"), f"{m.kind}: {m.name or ''}", detail)
    for d in facts.directives:
        who = d.speaker or "—"
        extra = f" → {d.addressee}" if d.addressee else ""
        extra += message("cli.directive_deadline", deadline=d.deadline) if d.deadline else ""
        table.add_row(message("cli.fact.directive"), f"{who}{extra}", d.text[:80])
    console.print(table)


@commands.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="gold.jsonl")],
    docs: Annotated[list[Path], typer.Argument(help="The documents (files or folders).")],
    errors: Annotated[bool, typer.Option("--errors", help="List every difference.")] = False,
    min_f1: Annotated[float | None, typer.Option(help="Exit 1 when macro F1 is below this.")] = None,
) -> None:
    """Run extraction over DOCS and score it against GOLD (the figures of shared/eval/score.py)."""
    from luoshi.evaluate import load_jsonl, score
    from luoshi.extract import extract as run_extract
    from luoshi.ingest import Rejection, read_paths

    predictions = []
    for item in read_paths(docs):
        if isinstance(item, Rejection):
            err.print(message("cli.rejected_input", key=item.key, reason=item.reason), markup=False)
            continue
        predictions.append(run_extract(item).to_json())
    result = score(load_jsonl(gold), predictions)
    console.print(result.table(), markup=False)
    if errors:
        for doc_id, k, extra, missed in result.errors:
            console.print(
                message("cli.eval_error", id=doc_id, key=k, extra=extra, missed=missed), markup=False
            )
    if min_f1 is not None and result.macro_f1 < min_f1:
        raise typer.Exit(1)


@commands.command()
def summary(db: DbOption = None) -> None:
    """What the store holds: documents, rejections, dates, top cited documents and officials."""
    _print_summary(_db(db))


def _print_summary(db: str) -> None:
    from rich.table import Table

    s = open_db(db, create=False).summary()
    console.print(
        message(
            "cli.summary_counts",
            **{k: s[k] for k in ("documents", "persons", "citations", "task_batches", "directives")},
        ),
        markup=False,
    )
    first, last = s["date_range"]
    console.print(message("cli.summary_dates", first=first or "—", last=last or "—"), markup=False)
    if s["rejected"]:
        console.print(message("cli.summary_rejected", n=len(s["rejected"])), style="red", markup=False)
        for key, reason in s["rejected"]:
            console.print(f"  {key}: {reason}", markup=False)
    for cited, label, rows in (
        (True, message("cli.top_cited"), s["top_cited"]),
        (False, message("cli.top_officials"), s["top_officials"]),
    ):
        table = Table(title=label, show_header=False)
        for name, n in rows:
            table.add_row(f"《{name}》" if cited else name, str(n))
        console.print(table)


@commands.command()
def demo(
    db: Annotated[str, typer.Option("--db", help="Database file for the demo.")] = "demo.db",
) -> None:
    """Ingest the bundled demo corpus, then show a summary and a few searches."""
    from luoshi.demo import corpus_path
    from luoshi.pipeline import ingest_paths

    store = open_db(db)
    report = ingest_paths(store, [corpus_path()])
    console.rule("[bold]luoshi demo")
    console.print(
        message(
            "cli.demo_ingested",
            added=len(report.added),
            duplicates=len(report.duplicates),
            rejected=len(report.rejected),
        ),
        markup=False,
    )
    _print_summary(db)
    for query in ("前海", "橫琴", "年度工作任务", "倒排工期"):
        hits = store.search(query, limit=3)
        console.print("\n" + message("cli.demo_search", query=query, n=len(hits)), markup=False)
        for hit in hits:
            console.print(f"  {hit.document_id} {hit.title or hit.name}: {hit.snippet}", markup=False)
    _demo_ledger(store)


def _demo_ledger(store: Store) -> None:
    """The demo's ledger (``luoshi.demo.walkthrough``), printed."""
    from luoshi.demo.walkthrough import ledger_walkthrough

    console.rule("[bold]ledger (台账)")
    done = ledger_walkthrough(store)
    if done.imported is not None:
        console.print(
            message("cli.demo_imported", count=done.imported, programme=done.programme), markup=False
        )
    for name, day in done.milestones.items():
        console.print(message("cli.demo_milestone", name=name, day=day), markup=False)
    console.print(done.report_md, markup=False)


user_app = typer.Typer(
    rich_markup_mode=None,
    help="Local accounts: admin, supervisor, unit (member of a unit), viewer.",
    no_args_is_help=True,
)
commands.add_typer(user_app, name="user")


@contextmanager
def _accounts(db: str | None) -> Iterator[Accounts]:
    """The account service; an AccountError becomes a message and exit status 1."""
    from luoshi.accounts.service import Accounts
    from luoshi.errors import AccountError

    try:
        yield Accounts(open_db(db))
    except AccountError as e:
        err.print(f"{message('cli.error')}: {e}", style="red", markup=False)
        raise typer.Exit(1) from None


def _password(value: str | None) -> str:
    return value or typer.prompt(message("cli.password_prompt"), hide_input=True, confirmation_prompt=True)


@user_app.command("add")
def user_add(
    name: str,
    role: Annotated[str, typer.Option(help="admin, supervisor, unit or viewer.")],
    unit: Annotated[str | None, typer.Option(help="The unit of a unit member.")] = None,
    password: Annotated[str | None, typer.Option(help="Asked for when not given.")] = None,
    db: DbOption = None,
) -> None:
    """Add a user."""
    with _accounts(db) as accounts:
        user = accounts.add(name, _password(password), role, unit)
    unit_shown = f"，{user.unit}" if user.unit else ""
    console.print(message("cli.user_added", name=user.name, role=user.role, unit=unit_shown), markup=False)


@user_app.command("passwd")
def user_passwd(
    name: str, password: Annotated[str | None, typer.Option()] = None, db: DbOption = None
) -> None:
    """Set a user's password."""
    with _accounts(db) as accounts:
        accounts.set_password(name, _password(password))
    console.print(message("cli.password_changed", name=name), markup=False)


@user_app.command("role")
def user_role(
    name: str, role: str, unit: Annotated[str | None, typer.Option()] = None, db: DbOption = None
) -> None:
    """Change a user's role (and unit)."""
    with _accounts(db) as accounts:
        accounts.set_role(name, role, unit)
    console.print(message("cli.role_changed", name=name, role=role), markup=False)


@commands.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(help="Proxies (comma-separated addresses) whose X-Forwarded-For is believed."),
    ] = None,
    files: Annotated[
        Path | None,
        typer.Option(
            help="Folder for evidence files (佐证材料); default: beside a SQLite file, $LUOSHI_FILES."
        ),
    ] = None,
) -> None:
    """Run the web application and JSON API (OpenAPI at /docs)."""
    import os

    import uvicorn

    open_db(db).engine.dispose()  # a store that cannot be used: one sentence, before the server starts
    os.environ["LUOSHI_DB"] = _db(db)
    if files is not None:
        os.environ["LUOSHI_FILES"] = str(files.expanduser().resolve())
    # X-Forwarded-For names the client (for login throttling) only when it comes from a named proxy.
    uvicorn.run(
        "luoshi.web.asgi:app",
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips or "",
    )


def main() -> None:  # pragma: no cover
    sys.exit(app())
