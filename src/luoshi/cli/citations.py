"""``luoshi cited`` and ``luoshi outcomes``: thin over ``luoshi.services.citations``."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape

from luoshi.cli.common import DbOption, open_db
from luoshi.cli.ledger import console, err
from luoshi.messages import message

JsonOption = Annotated[bool, typer.Option("--json", help="JSON output.")]


def _print_json(payload: Any) -> None:
    console.print_json(json.dumps(payload, ensure_ascii=False))


def cited(
    title: Annotated[
        str | None, typer.Argument(help="A cited title, in full or by a short form, either script.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="Titles listed (the most cited first).")] = 50,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Index every stored document again first.")
    ] = False,
) -> None:
    """Cited documents: every title with how many documents cite it, or one title's citing
    documents in date order with the citing sentence."""
    from luoshi.services import citations

    store = open_db(db, create=False)
    if rebuild:
        err.print(message("cite.rebuilt", n=citations.rebuild(store)))
    elif done := citations.catch_up(store):
        err.print(message("cite.indexed", n=done))
    if title is None:
        listed = citations.cited_index(store).titles
        if as_json:
            _print_json({"total": len(listed), "titles": [t.to_json() for t in listed[:limit]]})
            return
        if not listed:
            console.print(message("cite.none"), markup=False)
            return
        console.print(message("cite.count", n=len(listed)), markup=False)
        for t in listed[:limit]:
            row = message(
                "cite.row", documents=t.documents, first=t.first or "—", last=t.last or "—", title=t.title
            )
            console.print(f"{t.id:>5} {row}", markup=False, highlight=False)
        return
    found = citations.find_titles(store, title)
    if len(found) != 1:
        if as_json:
            _print_json({"title": title, "found": None, "candidates": [t.to_json() for t in found[:limit]]})
        elif not found:
            err.print(message("cite.not_found", title=title), markup=False)
        else:
            console.print(message("cite.candidates", n=len(found), title=title), markup=False)
            for t in found[:limit]:
                console.print(f"{t.id:>5} 《{t.title}》", markup=False, highlight=False)
        raise typer.Exit(1)
    page = citations.cited_page(store, found[0].id, limit=10**9)
    assert page is not None
    if as_json:
        _print_json(page.to_json())
        return
    console.print(
        message("cite.heading", title=page.title.title, n=page.total), markup=False, highlight=False
    )
    if page.title.aliases:
        console.print(message("cite.aliases", names="、".join(page.title.aliases)), markup=False)
    for e in page.editions:
        console.print(f"  {message('cite.editions')}: 《{e.title}》 ({e.documents})", markup=False)
    for entry in page.entries:
        line = message("cite.entry", date=entry["date"] or "—", title=entry["title"])
        console.print(f"[bold]{entry['document_id']}[/] ", end="")
        console.print(line, markup=False, highlight=False)
        for s in entry["sentences"]:
            a, b = s["mark"]
            text = s["text"]
            console.print(
                f"    {escape(text[:a])}[reverse]{escape(text[a:b])}[/reverse]{escape(text[b:])}",
                highlight=False,
            )
        if entry["copies"]:
            console.print("    [dim]" + message("reprints.more", n=len(entry["copies"])) + "[/]")


def outcomes(
    query: Annotated[str | None, typer.Argument(help="Words of the outcome's title (either script).")] = None,
    zone: Annotated[str | None, typer.Option(help="Zones whose name holds this (前海, 横琴…).")] = None,
    kind: Annotated[
        str | None,
        typer.Option(help="replicable, innovation, pioneering, one_matter, one_policy or one_rule."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="Outcomes listed (the newest first).")] = 100,
    show_all: Annotated[
        bool, typer.Option("--all", help="The outcomes of every copy of a reprinted story.")
    ] = False,
) -> None:
    """Replicable outcomes (可复制可推广 experiences, 制度创新成果, 首创性改革, 一事三地 items):
    title, zone, date and the sentence they come from."""
    from luoshi.services import citations

    if kind and kind not in citations.KINDS:
        err.print(message("outcome.bad_kind", kinds="、".join(citations.KINDS)), markup=False)
        raise typer.Exit(2)
    store = open_db(db, create=False)
    if done := citations.catch_up(store):
        err.print(message("cite.indexed", n=done))
    total, found = citations.outcomes(
        store, zone or "", query or "", kind or "", limit=limit, all_copies=show_all
    )
    if as_json:
        _print_json({"total": total, "outcomes": found})
        return
    if not found:
        console.print(message("outcome.none"), markup=False)
        return
    console.print(message("outcome.count", n=total), markup=False)
    for o in found:
        row = message(
            "outcome.row",
            date=o["date"] or "—",
            zone=o["zone"] or message("outcome.no_zone"),
            kind=message(f"outcome.kind.{o['kind']}"),
            title=o["title_original"],
        )
        console.print(f"[bold]{o['document_id']}[/] ", end="")
        console.print(row, markup=False, highlight=False)
        console.print("    " + o["sentence"], markup=False, highlight=False)
