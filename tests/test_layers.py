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
    "collector": 0,
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
    found: list[tuple[str, str, int]] = []
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


def _module_name(path: Path) -> str:
    return ("luoshi." + ".".join(path.relative_to(SRC).with_suffix("").parts)).removesuffix(".__init__")


def _declared_all(package: Path) -> list[str] | None:
    """The ``__all__`` list a package's ``__init__.py`` declares (a literal), or None."""
    tree = ast.parse((package / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return list(ast.literal_eval(node.value))
    return None


def _cross_part_imports() -> list[tuple[str, int, str, list[str]]]:
    """(module, line, imported module, names) for every import of one part by another."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imports = [(node.module, [a.name for a in node.names])]
            elif isinstance(node, ast.Import):
                imports = [(a.name, []) for a in node.names]
            else:
                continue
            for target, names in imports:
                if target.split(".")[0] == "luoshi" and _part(target) != _part(module):
                    found.append((module, node.lineno, target, names))
    return found


def test_every_package_curates_its_public_names():
    """Each package part says what other parts may use (``__all__``), and every name it lists
    is there (lazy exports included: a name a module-level ``__getattr__`` loads, or a submodule)."""
    import importlib
    import importlib.util

    missing, broken = [], []
    for package in sorted(p for p in SRC.iterdir() if (p / "__init__.py").is_file()):
        names = _declared_all(package)
        if names is None:
            missing.append(package.name)
            continue
        module = importlib.import_module(f"luoshi.{package.name}")
        for name in names:
            if importlib.util.find_spec(f"luoshi.{package.name}.{name}") is None and not hasattr(
                module, name
            ):
                broken.append(f"luoshi.{package.name}.{name}")
    assert not missing, f"packages without __all__: {missing}"
    assert not broken, f"listed in __all__ but not there: {broken}"


def test_parts_use_each_other_only_through_public_names():
    """A part imports another only through what that part offers: a name in its package's
    ``__all__`` (``from luoshi.store import open_store``), or a public submodule that ``__all__``
    lists (``from luoshi.store.schema import DocumentRow``), and never a private (``_x``) name.
    A one-module part (``luoshi.messages``) offers its names without a leading underscore.
    Within a part, modules import each other freely."""
    offered = {p.name: set(_declared_all(p) or []) for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    offered[""] = set(_declared_all(SRC) or [])
    wrong = []
    for module, line, target, names in _cross_part_imports():
        where = f"{module}:{line} imports {target}"
        path = target.split(".")
        private_names = [n for n in names if n.startswith("_")]
        if private_names:
            wrong.append(f"{where}: private {private_names}")
        part = _part(target)
        if part not in offered:  # a one-module part: its public names are all it has
            continue
        if len(path) == 2 or (part == "" and len(path) == 1):  # the package itself
            hidden = [n for n in names if n not in offered[part] and not n.startswith("_")]
            if hidden:
                wrong.append(f"{where}: not in its __all__ {hidden}")
        elif path[2] not in offered[part]:
            wrong.append(f"{where}: private module luoshi.{part}.{path[2]}")
    assert not wrong, "\n".join(wrong)


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
        "luoshi.text.opencc_sets",
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
