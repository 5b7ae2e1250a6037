"""``luoshi people``, ``luoshi person …`` and ``luoshi evaluate people``: thin commands over
``luoshi.services.people`` (imported when a command runs, so ``luoshi --help`` stays quick)."""

from __future__ import annotations

import getpass
import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from luoshi.cli.common import DbOption, open_db
from luoshi.cli.ledger import JsonOption, LangOption
from luoshi.messages import message, set_language

console = Console(soft_wrap=True, highlight=False)
err = Console(stderr=True, soft_wrap=True, highlight=False)

evaluate_app = typer.Typer(
    rich_markup_mode=None, help="Score luoshi against gold sets that we wrote.", no_args_is_help=True
)


def _say(key: str, **params: Any) -> None:
    console.print(message(key, **params), markup=False)


def _fail(key: str, code: int = 1, **params: Any) -> typer.Exit:
    err.print(message(key, **params), markup=False)
    return typer.Exit(code)


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def people(
    db: DbOption = None,
    as_json: JsonOption = False,
    limit: Annotated[int, typer.Option(help="Persons per page.")] = 50,
    offset: Annotated[int, typer.Option(help="Persons to skip (paging).")] = 0,
    query: Annotated[
        str | None, typer.Option("--query", "-q", help="Only names or posts containing this.")
    ] = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Read every document and cluster every name again.")
    ] = False,
    lang: LangOption = None,
) -> None:
    """The index of persons (one name may be several persons), the most documented first."""
    from luoshi.services import people as service

    set_language(lang)
    store = open_db(db, create=False)
    if rebuild:
        report = service.rebuild(store)
        err.print(
            message("people.refreshed", **{**report.to_json(), "seconds": f"{report.seconds:.2f}"}),
            markup=False,
        )
    page = service.index(store, limit=limit, offset=offset, query=query)
    if as_json:
        _print_json(page)
        return
    shown = page["people"]
    _say(
        "people.total",
        total=page["total"],
        start=page["offset"] + 1 if shown else 0,
        end=page["offset"] + len(shown),
    )
    unknown = message("people.unknown_day")
    for p in shown:
        _say(
            "people.index_line",
            id=p["id"],
            name=p["name"],
            label=p["label"] or "—",
            first=p["first_seen"] or unknown,
            last=p["last_seen"] or unknown,
            documents=p["documents"],
        )


def person(
    words: Annotated[
        list[str], typer.Argument(help="NAME, or: merge ID ID, or: split ID.", show_default=False)
    ],
    db: DbOption = None,
    as_json: JsonOption = False,
    post: Annotated[
        list[str] | None, typer.Option("--post", help="split: the mentions showing this post.")
    ] = None,
    document: Annotated[
        list[int] | None, typer.Option("--document", help="split: the mentions in this document.")
    ] = None,
    actor: Annotated[
        str | None, typer.Option("--as", help="Who decides (recorded; default: your login).")
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (recorded with the decision).")] = None,
    lang: LangOption = None,
) -> None:
    """Every person of a name with their posts in date order; ``merge ID ID`` and ``split ID``
    record the office's decision (kept through every later clustering, with who and when)."""
    from luoshi.services import people as service

    set_language(lang)
    if (
        not words
        or (words[0] in ("merge", "split") and len(words) != (3 if words[0] == "merge" else 2))
        or (words[0] not in ("merge", "split") and len(words) != 1)
    ):
        raise _fail("people.usage", 2)
    who = actor or getpass.getuser()
    if words[0] in ("merge", "split"):
        ids = [_person_id(w) for w in words[1:]]
        store = open_db(db)
        try:
            if words[0] == "merge":
                merged = service.merge(store, ids[0], ids[1], who, note)
                result: dict[str, Any] = {"merged": merged}
                text = message("people.merged", id=merged, actor=who)
            else:
                part, rest = service.split(store, ids[0], post or [], document or [], who, note)
                result = {"split": [part, rest]}
                text = message("people.split_done", part=part, rest=rest, actor=who)
        except service.PeopleError as e:
            raise _fail(e.key, 1, **e.params) from None
        if as_json:
            _print_json(result)
        else:
            console.print(text, markup=False)
        return
    found = service.person(open_db(db, create=False), words[0])
    if as_json:
        _print_json(found)
        return
    if not found["people"]:
        raise _fail("people.none_named", 1, name=found["name"])
    _print_timelines(found)


def _person_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise _fail("people.bad_id", 2, value=value) from None


def _print_timelines(found: dict[str, Any]) -> None:
    unknown = message("people.unknown_day")
    _say("people.count_named", name=found["name"], n=len(found["people"]))
    for p in found["people"]:
        console.print()
        console.print(
            message(
                "people.person_line",
                id=p["id"],
                label=p["label"] or "—",
                first=p["first_seen"] or unknown,
                last=p["last_seen"] or unknown,
                documents=p["documents"],
            ),
            markup=False,
            style="bold",
        )
        if not p["posts"]:
            console.print("  " + message("people.no_posts"), markup=False)
        for r in p["posts"]:
            console.print(
                "  "
                + message(
                    "people.post_line",
                    first=r["first_seen"] or unknown,
                    last=r["last_seen"] or unknown,
                    post=r["post"],
                ),
                markup=False,
            )
            for change, day in (("start", r["began"]), ("end", r["ended"])):
                if day:
                    word = next(
                        (e["word"] for e in r["evidence"] if e["change"] == change and e["date"] == day), ""
                    )
                    console.print(
                        "      "
                        + message(
                            "people.post_change",
                            change=message(f"people.change_{change}"),
                            day=day,
                            word=word or "—",
                        ),
                        markup=False,
                    )
            first, last = r["first_document"], r["last_document"]
            console.print(
                "      "
                + message(
                    "people.post_documents",
                    n=len({e["document_id"] for e in r["evidence"]}),
                    first=(first or {}).get("title") or "—",
                    last=(last or {}).get("title") or "—",
                ),
                markup=False,
            )


@evaluate_app.command("people")
def evaluate_people(
    gold: Annotated[Path, typer.Argument(help="A folder with gold.json and docs/ (tests/link/people_set).")],
    as_json: JsonOption = False,
    errors: Annotated[
        bool, typer.Option("--errors", help="List the persons that join several gold people.")
    ] = False,
    min_f1: Annotated[float | None, typer.Option(help="Exit 1 when B-cubed F1 is below this.")] = None,
    lang: LangOption = None,
) -> None:
    """Ingest the gold set's documents into a new store, cluster their people and score the
    persons against the gold (B-cubed precision, recall, F1; merges of incompatible people).
    Exit 1 when F1 is below --min-f1 or any incompatible people were merged."""
    from luoshi.evaluate import load_people_gold, score_people
    from luoshi.pipeline import ingest_paths
    from luoshi.services import people as service

    set_language(lang)
    try:
        truth = load_people_gold(gold)
    except (OSError, ValueError, KeyError) as e:
        raise _fail("people.eval_bad_gold", 2, error=str(e)) from None
    with tempfile.TemporaryDirectory(prefix="luoshi-people-") as tmp:
        store = open_db(str(Path(tmp) / "gold.db"))
        ingest_paths(store, [gold / "docs"])
        service.refresh(store)
        result = score_people(truth, service.assignments(store))
        store.engine.dispose()
    if as_json:
        _print_json(result.to_json())
    else:
        _say("people.eval_scores", p=result.precision, r=result.recall, f=result.f1)
        _say(
            "people.eval_counts",
            mentions=result.mentions,
            people=result.people,
            predicted=result.predicted,
            missed=result.missed,
        )
        _say("people.eval_incompatible", n=len(result.incompatible_merges))
        if errors:
            for person_id, members in result.wrong:
                _say("people.eval_wrong", person=person_id, gold="、".join(members))
    if min_f1 is not None and result.f1 < min_f1:
        raise _fail("people.eval_below", 1, f=result.f1, min=min_f1)
    if result.incompatible_merges:
        raise typer.Exit(1)
