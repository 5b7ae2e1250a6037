"""``luoshi ledger …`` and ``luoshi report``: thin commands over luoshi.ledger."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from luoshi.cli.common import DbOption, open_db
from luoshi.errors import LedgerError
from luoshi.ledger.status import PRESETS, StatusRules, status_label
from luoshi.messages import MESSAGES, message, set_language

if TYPE_CHECKING:
    from luoshi.ledger.service import Ledger, StagedFile

# The ledger's services (SQLAlchemy, openpyxl, the calendar…) are imported inside the commands
# that call them: ``luoshi --help`` and argument errors do not wait for them.


app = typer.Typer(
    rich_markup_mode=None,
    help="The implementation ledger (台账): tasks, progress, status.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

ActorOption = Annotated[str, typer.Option("--as", help="Who makes the change (recorded in the audit log).")]
ProgrammeOption = Annotated[str | None, typer.Option("--programme", "-p", help="Programme name.")]
AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default: today).")]
RulesOption = Annotated[str, typer.Option("--rules", help=f"Status rules preset: {', '.join(PRESETS)}.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
AttachOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--attach",
        help="An evidence file (佐证材料), kept beside the database; repeat for more.",
        exists=True,
        dir_okay=False,
    ),
]


LangOption = Annotated[
    str | None, typer.Option("--lang", help="zh or en, for every message (default: $LUOSHI_LANG, else zh).")
]


@app.callback()
def _language(lang: LangOption = None) -> None:
    set_language(lang)


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _ledger(db: str | None, actor: str = "cli", create: bool = True) -> Ledger:
    from luoshi.ledger.service import Ledger

    return Ledger(open_db(db, create), actor=actor)


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError as e:
        raise typer.BadParameter(message("office.bad_date", value=value)) from e


def _rules(name: str) -> StatusRules:
    """A status rules preset by name (a bad argument, in the catalogue's words, when unknown)."""
    if name not in PRESETS:
        raise typer.BadParameter(message("rules.unknown", name=name, presets="、".join(PRESETS)))
    return PRESETS[name]


def _fail(e: Exception) -> NoReturn:
    err.print(f"[red]{message('cli.error')}[/]：{e}", highlight=False)
    raise typer.Exit(1)


def _task(ledger: Ledger, ref: str, programme: str | None) -> int:
    with ledger.store.engine.connect() as conn:
        return ledger.task_id(conn, ref, programme)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="The 台账 workbook (.xlsx).", exists=True, dir_okay=False)],
    programme: ProgrammeOption = None,
    partial: Annotated[bool, typer.Option(help="Import the good rows even when some rows are bad.")] = False,
    sheet: Annotated[
        str | None, typer.Option("--sheet", help="Only this worksheet (default: every ledger sheet).")
    ] = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Import an Excel 台账 (all or nothing unless --partial). Importing an updated sheet into its
    programme again updates the tasks and prints what changed."""
    from luoshi.ledger.excel import SheetImportError, import_sheet

    ledger = _ledger(db, actor)
    try:
        result = import_sheet(ledger, file, programme, partial, sheet)
    except SheetImportError as e:
        for row_error in e.errors:
            err.print(f"[red]{row_error}[/]")
        err.print(f"[red]{e}[/]")
        raise typer.Exit(2) from None
    except LedgerError as e:
        _fail(e)
        return
    for warning in result.warnings:
        err.print(f"[yellow]{message('import.warning')}[/] {warning}", markup=True, highlight=False)
    for row_error in result.errors:
        err.print(f"[yellow]{message('import.skipped')}[/] {row_error}", highlight=False)
    for change in result.changes:
        if change["action"] == "updated":
            what = "; ".join(f"{k}: {v[0]} → {v[1]}" for k, v in change["changes"].items())
            console.print(
                message("import.changed", code=change["code"], title=change["title"][:30], what=what),
                markup=False,
            )
    added = sum(1 for c in result.changes if c["action"] == "added")
    updated = sum(1 for c in result.changes if c["action"] == "updated")
    for name in result.programmes:
        console.print(
            message("import.done", count=len(result.imported), programme=name, added=added, updated=updated),
            markup=False,
        )
    if result.errors:
        raise typer.Exit(3)


@app.command()
def export(
    file: Annotated[Path, typer.Argument(help="Where to write the .xlsx.")],
    programme: ProgrammeOption = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
) -> None:
    """Export the ledger in the conventional 台账 layout (importing it back gives the same ledger)."""
    from luoshi.ledger.excel import export_sheet

    ledger = _ledger(db, create=False)
    views = ledger.tasks(_day(as_of), programme)
    export_sheet(views, file, programme or (views[0].programme if views else "台账"))
    console.print(message("export.done", count=len(views), file=file), markup=False)


@app.command()
def propose(
    document: Annotated[int, typer.Argument(help="Stored document id (see luoshi search).")],
    programme: Annotated[str, typer.Option("--programme", "-p", help="Programme the drafts join.")],
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Turn a document's directives into draft tasks to accept or reject."""
    ledger = _ledger(db, actor)
    try:
        ids = ledger.propose(document, programme)
    except LedgerError as e:
        _fail(e)
        return
    for view in ledger.tasks(date.today(), programme, include_drafts=True):
        if view.id in ids:
            console.print(
                message(
                    "cli.draft",
                    id=view.id,
                    code=view.code,
                    lead=view.lead_unit or "—",
                    deadline=view.deadline_text or "—",
                    title=view.title[:60],
                ),
                markup=False,
            )
    console.print(message("cli.proposed", count=len(ids)), markup=False)


def _decide_proposal(ids: list[str], accept: bool, db: str | None, actor: str, programme: str | None) -> None:
    ledger = _ledger(db, actor)
    for ref in ids:
        try:
            ledger.decide_proposal(_task(ledger, ref, programme), accept)
        except LedgerError as e:
            _fail(e)
        console.print(message("cli.accepted" if accept else "cli.rejected", ref=ref), markup=False)


@app.command()
def accept(
    ids: list[str], programme: ProgrammeOption = None, db: DbOption = None, actor: ActorOption = "cli"
) -> None:
    """Accept proposed tasks (by id or code)."""
    _decide_proposal(ids, True, db, actor, programme)


@app.command()
def reject(
    ids: list[str], programme: ProgrammeOption = None, db: DbOption = None, actor: ActorOption = "cli"
) -> None:
    """Reject proposed tasks (by id or code); they stay in the audit log."""
    _decide_proposal(ids, False, db, actor, programme)


@app.command()
def progress(
    task: Annotated[str, typer.Argument(help="Task id or code.")],
    text: Annotated[str, typer.Argument(help="What was done.")],
    percent: Annotated[int | None, typer.Option(help="Share done, 0–100.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="Report date (default today).")] = None,
    unit: Annotated[str | None, typer.Option(help="Reporting unit (default the lead unit).")] = None,
    evidence: Annotated[
        str | None, typer.Option(help="A note on the evidence (a link, a reference).")
    ] = None,
    attach: AttachOption = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Report progress on a task (not after today, not before its start). A 100% report makes
    the task await closure (待销号); only an accepted closure request (销号) makes it done."""
    ledger = _ledger(db, actor)
    try:
        with _attached(ledger, attach) as files:
            ledger.report_progress(
                _task(ledger, task, programme), _day(on), text, percent, unit, evidence, files
            )
    except LedgerError as e:
        _fail(e)
    console.print(message("cli.progress", task=task), markup=False)


@app.command()
def extend(
    task: str,
    new_deadline: Annotated[str, typer.Argument(help="Requested deadline YYYY-MM-DD.")],
    reason: Annotated[str, typer.Option(help="Why.")] = "",
    on: Annotated[str | None, typer.Option("--date")] = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Ask for an extension (延期申请), before the deadline."""
    _request(db, actor, task, programme, "extension", _day(on), reason, _day(new_deadline))


@app.command("close")
def close_(
    task: str,
    report: Annotated[str, typer.Option(help="Closing report (办结报告).")],
    on: Annotated[str | None, typer.Option("--date")] = None,
    attach: AttachOption = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Ask to close a task (办结), with its evidence files; the office decides (销号 with a grade)."""
    _request(db, actor, task, programme, "closure", _day(on), report, attach=attach)


@contextmanager
def _attached(ledger: Ledger, paths: list[Path] | None) -> Iterator[list[StagedFile]]:
    """Evidence files from the command line, checked and staged like uploads."""
    with ledger.evidence_upload() as stage:
        files = []
        for path in paths or []:
            try:
                with path.open("rb") as f:
                    files.append(stage(path.name, f))
            except OSError as e:
                raise LedgerError(
                    message("evidence.unreadable", name=str(path), error=e.strerror or e)
                ) from e
        yield files


def _request(
    db: str | None,
    actor: str,
    task: str,
    programme: str | None,
    kind: str,
    on: date,
    text: str,
    new_deadline: date | None = None,
    attach: list[Path] | None = None,
) -> None:
    ledger = _ledger(db, actor)
    try:
        with _attached(ledger, attach) as files:
            rid = ledger.request(_task(ledger, task, programme), kind, on, text, new_deadline, files)
    except LedgerError as e:
        _fail(e)
        return
    console.print(message(f"cli.{kind}_recorded", id=rid), markup=False)


@app.command()
def decide(
    request: Annotated[int, typer.Argument(help="Request id.")],
    approve: Annotated[bool, typer.Option("--approve/--refuse", help="Approve/accept or refuse/return.")],
    grade: Annotated[str | None, typer.Option(help="For closure: 优秀/良好/合格/不合格.")] = None,
    on: Annotated[str | None, typer.Option("--date")] = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """Decide an extension or closure request (销号 with a grade)."""
    try:
        _ledger(db, actor).decide(request, approve, _day(on), grade)
    except LedgerError as e:
        _fail(e)
    console.print(message("cli.decided", id=request), markup=False)


@app.command()
def schedule(
    task: str,
    milestones: Annotated[list[str], typer.Argument(help="NAME=WORKDAYS before the deadline, e.g. 初稿=15.")],
    programme: ProgrammeOption = None,
    db: DbOption = None,
    actor: ActorOption = "cli",
) -> None:
    """倒排工期: milestone dates counted back in working days from the deadline."""
    from luoshi.ledger.workdays import assumption

    offsets = {}
    for item in milestones:
        name, _, days = item.partition("=")
        if not days.strip().isdigit():
            raise typer.BadParameter(message("cli.bad_milestone", item=item))
        offsets[name] = int(days)
    ledger = _ledger(db, actor)
    try:
        dates = ledger.schedule_milestones(_task(ledger, task, programme), offsets)
    except LedgerError as e:
        _fail(e)
        return
    for name, day in dates.items():
        console.print(f"{name}: {day}")
    for year in sorted({d.year for d in dates.values()}):
        if note := assumption(year):
            err.print(f"[yellow]{note}[/]", highlight=False)


@app.command()
def show(
    task: str,
    as_of: AsOfOption = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json/--no-json", help="JSON (the default).")] = True,
) -> None:
    """A task with its status (and the rule behind it), milestones, progress and requests."""
    ledger = _ledger(db, create=False)
    try:
        detail = ledger.task_detail(_task(ledger, task, programme), _day(as_of))
    except LedgerError as e:
        _fail(e)
        return
    console.print_json(json.dumps(detail, ensure_ascii=False, default=str))


def _audit_word(word: str) -> str:
    """An entity or action of the audit log in the catalogue's words (as written when it has none)."""
    return message(f"audit.{word}") if f"audit.{word}" in MESSAGES else word


@app.command()
def history(task: str, programme: ProgrammeOption = None, db: DbOption = None) -> None:
    """The audit trail of a task: who changed what, when, before and after."""
    ledger = _ledger(db, create=False)
    try:
        rows = ledger.history(_task(ledger, task, programme))
    except LedgerError as e:
        _fail(e)
        return
    for row in rows:
        console.print(
            f"{row['at']:%Y-%m-%d %H:%M} {row['actor']} {_audit_word(row['entity'])} {_audit_word(row['action'])} "
            f"{json.dumps(row['before'], ensure_ascii=False)} → {json.dumps(row['after'], ensure_ascii=False)}",
            markup=False,
        )


@app.command("list")
def list_(
    as_of: AsOfOption = None,
    programme: ProgrammeOption = None,
    rules: RulesOption = "supervision-office",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tasks with their status as of a date, beside the status the sheet itself gives."""
    views = _ledger(db, create=False).tasks(_day(as_of), programme, _rules(rules))
    if as_json:
        _print_json([t.to_json() for t in views])
        return
    table = Table(
        *(message(f"col.{k}") for k in ("seq", "task", "lead", "deadline", "sheet_status", "status", "rule"))
    )
    for t in views:
        rule = t.status.rule + (f"（{t.status.flag}）" if t.status.flag else "")
        table.add_row(
            t.code,
            t.title[:30],
            t.lead_unit or "—",
            t.deadline_text or "—",
            t.status_text or "—",
            status_label(t.status.status),
            rule,
        )
    console.print(table)


@app.command()
def reminders(
    as_of: AsOfOption = None,
    rules: RulesOption = "supervision-office",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Per unit: what is overdue, due soon, or awaits a report (催办)."""
    found = _ledger(db, create=False).reminders(_day(as_of), _rules(rules))
    if as_json:
        _print_json({u: {k: [t.to_json() for t in v] for k, v in b.items()} for u, b in found.items()})
        return
    if not found:
        console.print(message("cli.nothing_to_remind"))
    for unit, buckets in found.items():
        console.print(f"[bold]{unit}[/]")
        for key in ("overdue", "at_risk", "due_soon", "awaiting_report"):
            for t in buckets[key]:
                console.print(
                    "  "
                    + message(
                        "cli.reminder",
                        label=message(f"cli.{key}"),
                        code=t.code,
                        title=t.title[:40],
                        deadline=t.deadline_text or "—",
                    ),
                    markup=False,
                )


@app.command()
def diff(
    since: Annotated[str, typer.Argument(help="Earlier date YYYY-MM-DD.")],
    until: Annotated[str | None, typer.Argument(help="Later date (default today).")] = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What changed between two dates: status, deadline and progress, task by task."""
    changes = _ledger(db, create=False).changes(_day(since), _day(until), programme)
    if as_json:
        _print_json(changes)
        return
    if not changes:
        console.print(message("cli.no_changes"))
    for c in changes:
        what = "；".join(f"{message('field.' + k)} {v[0]} → {v[1]}" for k, v in c["changes"].items())
        console.print(f"{c['task']} {c['title'][:40]}: {what}", markup=False)


@app.command()
def alias(unit: str, names: list[str], db: DbOption = None, actor: ActorOption = "cli") -> None:
    """Declare other names of a unit ("市发改委" for "深圳市发展和改革委员会")."""
    ledger = _ledger(db, actor)
    for name in names:
        try:
            ledger.add_alias(unit, name)
        except LedgerError as e:
            _fail(e)
    console.print(message("cli.aliases", unit=unit, count=len(names)), markup=False)


def report(
    as_of: AsOfOption = None,
    fmt: Annotated[str, typer.Option("--format", help="md, html, xlsx or json.")] = "md",
    programme: ProgrammeOption = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    rules: RulesOption = "supervision-office",
    snapshot: Annotated[
        bool,
        typer.Option(
            help="Issue this report: number it 第N期 and keep its figures as the next one's baseline."
        ),
    ] = False,
    office: Annotated[str | None, typer.Option(help="The issuing office (default 督查室).")] = None,
    db: DbOption = None,
) -> None:
    """The periodic supervision report (督查通报); changes are counted from the last issued one."""
    from luoshi.ledger.report import build_report, render

    r = build_report(
        _ledger(db, create=False), _day(as_of), programme, _rules(rules), snapshot=snapshot, office=office
    )
    try:
        text = render(r, fmt, output)
    except ValueError as e:
        raise typer.BadParameter(str(e)) from e
    if text is None:
        console.print(message("report.written", file=output), markup=False)
    elif output:
        output.write_text(text, encoding="utf-8")
        console.print(message("report.written", file=output), markup=False)
    else:
        print(text)


calendar_app = typer.Typer(
    rich_markup_mode=None,
    help="Working-day calendar: holidays and 调休 working days by year.",
    no_args_is_help=True,
)


calendar_app.callback()(_language)


@calendar_app.command("load")
def calendar_load(
    file: Annotated[
        Path, typer.Argument(help="CSV lines YYYY-MM-DD,休 or YYYY-MM-DD,班.", exists=True, dir_okay=False)
    ],
) -> None:
    """Add a year's holidays when the State Council publishes them (kept for later runs)."""
    from luoshi.ledger.workdays import CalendarOutOfRange, load_calendar

    try:
        years = load_calendar(file)
    except CalendarOutOfRange as e:
        _fail(e)
        return
    console.print(message("calendar.loaded", years="、".join(map(str, years))), markup=False)
