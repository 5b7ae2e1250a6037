"""``luoshi follow`` (a document's directives, or a task's, with their later mentions) and
``luoshi eval-follow`` (link P/R/F1 and label accuracy on a gold directory). Thin over
``luoshi.services.follow``; the services are imported when a command runs."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from luoshi.cli.common import DbOption, open_db
from luoshi.cli.ledger import ProgrammeOption, _fail, console, err
from luoshi.messages import message

if TYPE_CHECKING:
    from luoshi.services.follow import DirectiveFollow, LaterMention

LABEL_STYLE = {"重申": "cyan", "进展": "yellow", "完成": "green", "调整": "magenta"}


def _mention_line(m: LaterMention) -> str:
    style = LABEL_STYLE.get(m.label, "white")
    cue = f" [dim]({message('follow.cue')}: {m.cue})[/]" if m.cue else ""
    return f"  [{style}]{m.label}[/] {m.day or '—'} [bold]{m.document_id}[/] {m.title or m.name}{cue}"


def _print_directive(d: DirectiveFollow) -> None:
    console.print(
        f"[bold]{message('follow.directive', index=d.directive.index)}[/] {d.directive.text}", highlight=False
    )
    if not d.mentions:
        console.print(f"  [dim]{message('follow.none')}[/]")
    for m in d.mentions:
        console.print(_mention_line(m), highlight=False)
        console.print(f"     {m.text}", markup=False, highlight=False)


def follow(
    doc_id: Annotated[int | None, typer.Argument(help="A stored document's id.")] = None,
    task: Annotated[
        str | None, typer.Option("--task", help="A task (id or code) proposed from a directive.")
    ] = None,
    programme: ProgrammeOption = None,
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output.")] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Compute again, not from the stored results.")
    ] = False,
) -> None:
    """Each directive of a document with the later documents that reiterate it (重申), report
    progress (进展), report it completed (完成) or revise it (调整); with --task, the task's
    directive and its later mentions as suggested progress reports."""
    from luoshi.ledger.service import Ledger, LedgerError
    from luoshi.services import follow as service

    if (doc_id is None) == (task is None):
        _fail(ValueError(message("follow.task_needed")))
    store = open_db(db, create=False)
    try:
        if task is not None:
            ledger = Ledger(store, actor="cli")
            with store.engine.connect() as conn:
                task_id = ledger.task_id(conn, task, programme)
            found = service.follow_task(store, ledger, task_id)
            if as_json:
                console.print_json(json.dumps(found.to_json(), ensure_ascii=False))
                return
            console.print(
                message("follow.task_heading", code=found.task["code"], title=found.task["title"]),
                markup=False,
                highlight=False,
            )
            if found.directive is None or found.document is None:
                console.print(message("follow.not_from_directive"))
                return
            console.print(
                message(
                    "follow.source",
                    title=found.document.title or found.document.name,
                    date=found.document.day or "—",
                ),
                markup=False,
                highlight=False,
            )
            _print_directive(found.directive)
            return
        assert doc_id is not None
        result = service.follow_document(store, doc_id, use_cache=not refresh)
    except (LedgerError, service.FollowError) as e:
        _fail(e)
    if as_json:
        console.print_json(json.dumps(result.to_json(), ensure_ascii=False))
        return
    doc = result.document
    console.rule(f"[bold]{doc.id}[/] {doc.title or doc.name} ({doc.day or '—'})")
    if not result.directives:
        console.print(message("follow.no_directives"))
        return
    for d in result.directives:
        _print_directive(d)
    total = sum(len(d.mentions) for d in result.directives)
    console.print(message("follow.counted", directives=len(result.directives), mentions=total))


def evaluate(
    gold_dir: Annotated[
        Path, typer.Argument(help="A gold directory: docs/ and gold.json.", exists=True, file_okay=False)
    ],
    db: Annotated[
        str | None, typer.Option("--db", help="An empty store to use (default: a temporary SQLite file).")
    ] = None,
    background: Annotated[
        list[Path] | None,
        typer.Option(
            "--background",
            help="More documents to hold in the store (not scored): an archive around the set.",
        ),
    ] = None,
    errors: Annotated[bool, typer.Option("--errors", help="List every difference.")] = False,
    min_precision: Annotated[
        float | None, typer.Option(help="Exit 1 when link precision is below this.")
    ] = None,
    min_recall: Annotated[float | None, typer.Option(help="Exit 1 when link recall is below this.")] = None,
) -> None:
    """Ingest a gold directory's documents, follow the directives of its source documents and
    score the links (P/R/F1) and their labels against gold.json."""
    from luoshi.evaluate import load_follow_gold, score_follow

    try:
        gold = load_follow_gold(gold_dir)
    except (OSError, ValueError) as e:
        _fail(ValueError(message("follow.eval.bad_gold", reason=e)))
    with tempfile.TemporaryDirectory(prefix="luoshi-follow-") as tmp:
        result = _score(
            gold, [gold_dir / "docs", *(background or [])], db or str(Path(tmp) / "gold.db"), score_follow
        )
    console.print(result.table(), markup=False, highlight=False)
    for doc, quote in result.not_extracted:
        console.print(message("follow.eval.not_extracted", doc=doc, quote=quote), markup=False)
    if errors:
        for kind, directive, later, detail in result.errors:
            shown = message(f"follow.eval.error.{kind}")
            console.print(f"  {shown} {directive} → {later}: {detail}", markup=False, highlight=False)
    if (min_precision is not None and result.precision < min_precision) or (
        min_recall is not None and result.recall < min_recall
    ):
        raise typer.Exit(1)


def _score(gold: dict[str, Any], docs: list[Path], db: str, score: Any) -> Any:
    from sqlalchemy import select

    from luoshi.pipeline import ingest_paths
    from luoshi.services import follow as service
    from luoshi.store.schema import DocumentRow
    from luoshi.text import to_simplified

    store = open_db(db)
    report = ingest_paths(store, docs)
    for rejection in report.rejected:
        err.print(message("follow.eval.rejected", key=rejection.key, reason=rejection.reason), markup=False)
    with store.engine.connect() as conn:
        ids = {name: int(i) for name, i in conn.execute(select(DocumentRow.name, DocumentRow.id))}
    sources = list(dict.fromkeys(gold.get("sources") or [d["doc"] for d in gold["directives"]]))
    texts: dict[str, str] = {}
    predicted: dict[str, list[tuple[int, int, dict[str, str]]]] = {}
    for name in sources:
        if name not in ids:
            _fail(ValueError(message("follow.eval.missing_doc", doc=name)))
        result = service.follow_document(store, ids[name])
        doc = store.load_document(ids[name])
        texts[name] = to_simplified(doc.text) if doc else ""
        predicted[name] = [
            (d.directive.start, d.directive.end, {m.name: m.label for m in d.mentions})
            for d in result.directives
        ]
    store.engine.dispose()
    return score(gold, texts, predicted)
