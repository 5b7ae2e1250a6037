"""The architecture as a test: imports only go down the layers, and parts use each other's public
names (the package, not its private modules)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "luoshi"

# Lower number = lower layer. A module may import its own part and any lower layer.
LAYERS = {
    "settings": 0,
    "messages": 0,
    "errors": 0,
    "text": 0,
    "model": 1,
    "": 2,  # the package itself: re-exports the model
    "ingest": 2,
    "extract": 2,
    "link": 2,
    "store": 3,
    "ledger": 4,
    "accounts": 4,
    "pipeline": 5,
    "evaluate": 5,
    "services": 5,
    "demo": 5,
    "web": 6,
    "cli": 6,
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _imports() -> list[tuple[str, str, int]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = ("luoshi." + ".".join(path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found.extend((module, t, node.lineno) for t in targets if t.startswith("luoshi."))
    return found


def test_every_part_has_a_layer():
    parts = {p.stem if p.is_file() else p.name for p in SRC.iterdir() if p.name != "__init__.py"}
    parts -= {"__pycache__", "py"}
    assert parts <= LAYERS.keys(), parts - LAYERS.keys()


def test_imports_only_go_down():
    upward = [
        f"{module}:{line} imports {target}"
        for module, target, line in _imports()
        if _part(module) != _part(target) and LAYERS[_part(target)] >= LAYERS[_part(module)]
    ]
    assert not upward, "\n".join(upward)


def test_the_command_line_starts_without_loading_the_services():
    probe = (
        "import sys; from luoshi.cli.main import app; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic', 'opencc', 'openpyxl', 'cn2an', 'argon2', 'dask', 'distributed') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_opening_a_current_store_does_not_load_alembic(tmp_path):
    db = tmp_path / "s.db"
    subprocess.run(
        [sys.executable, "-c", f"from luoshi.store import open_store; open_store({str(db)!r})"], check=True
    )
    probe = f"import sys; from luoshi.store import open_store; open_store({str(db)!r}); print('alembic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_a_search_loads_neither_numpy_nor_the_s2t_dictionaries(tmp_path):
    """Start-up of ``luoshi search`` (issue 11): numpy is for linking reprints at ingest, the
    people and citation indexes for writers, and OpenCC's s2t (45 ms) only for counting a word
    in a traditional text."""
    db = tmp_path / "s.db"
    doc = tmp_path / "a.txt"
    doc.write_text("市委全面深化改革委员会召开会议,研究部署改革任务。", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "ingest", str(doc), "--db", str(db), "-q"], check=True
    )
    probe = (
        "import sys; from luoshi.store import open_store; from luoshi.text import fold; "
        f"hits = open_store({str(db)!r}).search('改革'); "
        "heavy = ('numpy', 'rapidfuzz', 'luoshi.link.people', 'luoshi.store.cited', 'luoshi.store.people'); "
        "print(len(hits), [m for m in heavy if m in sys.modules], fold._s2t.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["1", "[]", "0"]


def test_the_search_command_loads_only_what_a_search_needs(tmp_path):
    """``luoshi search`` (issue 11): the command line builds the one command that runs, not the
    other command modules and their services; typer takes plain arguments without pydantic; the
    store's tables are SQLAlchemy Core, not the ORM; a current store is opened without Alembic."""
    db = tmp_path / "s.db"
    doc = tmp_path / "a.txt"
    doc.write_text("市委全面深化改革委员会召开会议,研究部署改革任务。", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "ingest", str(doc), "--db", str(db), "-q"], check=True
    )
    heavy = (
        "pydantic",
        "sqlalchemy.orm",
        "alembic",
        "numpy",
        "rapidfuzz",
        "openpyxl",
        "luoshi.cli.ledger",
        "luoshi.cli.follow",
        "luoshi.cli.people",
        "luoshi.cli.citations",
        "luoshi.ledger",
        "luoshi.services",
        "luoshi.link.people",
        "luoshi.store.orm",
        "luoshi.store.cited",
        "luoshi.store.people",
        "luoshi.store.follow",
    )
    probe = (
        "import sys; from luoshi.cli.main import app; from luoshi.text import fold\n"
        f"sys.argv = ['luoshi', 'search', '改革', '--db', {str(db)!r}, '--limit', '3']\n"
        "try:\n    app()\nexcept SystemExit as e:\n    code = e.code\n"
        f"print('#', code, [m for m in {heavy!r} if m in sys.modules], fold._s2t.cache_info().currsize)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1].split(" ", 1)[1] == "0 [] 0", out


def test_every_error_luoshi_raises_is_in_the_one_tree():
    """Callers catch ``LuoshiError`` (luoshi/errors.py) and show its sentence; an exception class
    outside the tree would escape them. Private classes (control flow inside a module) and the
    web layer's login redirect are not errors shown to anyone."""
    import importlib
    import inspect
    import pkgutil

    import luoshi
    from luoshi.errors import LuoshiError

    outside = []
    for info in pkgutil.walk_packages(luoshi.__path__, "luoshi."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != info.name or not issubclass(cls, BaseException) or name.startswith("_"):
                continue
            if not issubclass(cls, LuoshiError) and f"{info.name}.{name}" != "luoshi.web.deps.LoginRequired":
                outside.append(f"{info.name}.{name}")
    assert not outside, outside
