"""The layers of DESIGN.md, checked by reading imports.

kernel (0) < core (1) < features (2) < composition (3): a module imports only from its own layer or
below, and no feature imports another feature. A new top-level module must be given a layer here; the
feature layer is the list of features (``polka.features.FEATURES``). No module imports itself through
others (no import cycles), and every module adding routes to a blueprint is imported where the
blueprint is registered.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

from polka.features import FEATURES
from polka.web import core_routes

PACKAGE = Path(__file__).resolve().parent.parent / "polka"

KERNEL, CORE, FEATURE, COMPOSITION = 0, 1, 2, 3
LAYERS = {
    "config": KERNEL,
    "db": KERNEL,
    "errors": KERNEL,
    "markup": KERNEL,
    "storage": KERNEL,
    "jobs": KERNEL,
    "mail": KERNEL,
    "http": KERNEL,
    "templating": KERNEL,
    "forms": KERNEL,
    "form_catalogue": KERNEL,
    "pagination": KERNEL,
    "search": KERNEL,
    "filetypes": KERNEL,
    "downloads": KERNEL,
    "ids": KERNEL,
    "characters": KERNEL,
    "answers": KERNEL,
    "text": KERNEL,
    "tags": KERNEL,
    "localtime": KERNEL,
    "months": KERNEL,
    "recurrence": KERNEL,
    "assets": KERNEL,
    "compression": KERNEL,
    "locks": KERNEL,
    "logs": KERNEL,
    "spreadsheets": KERNEL,
    "accounts": CORE,
    "organisations": CORE,
    "communities": CORE,
    "permissions": CORE,
    "markings": CORE,
    "activity": CORE,
    "audit": CORE,
    "people": CORE,
    "crossrefs": CORE,
    "drafts": CORE,
    "content": CORE,
    "subscriptions": CORE,
    "feeds": CORE,
    "moderation": CORE,
    "mentions": CORE,
    "notifications": CORE,
    # Features to come (DESIGN.md): their layer is known before their package exists.
    "forum": FEATURE,
    "blog": FEATURE,
    "events": FEATURE,
    "__init__": COMPOSITION,
    "web": COMPOSITION,
    "security": COMPOSITION,
    "cli": COMPOSITION,
    "dbcli": COMPOSITION,
    "demo": COMPOSITION,
    "home": COMPOSITION,
    "admin": COMPOSITION,
    "models": COMPOSITION,
    "site_search": COMPOSITION,
    "help": COMPOSITION,
    "features": COMPOSITION,
    "error_pages": COMPOSITION,
    "operations": COMPOSITION,
    "insights": COMPOSITION,
}
PLANNED = {name for name, layer in LAYERS.items() if layer == FEATURE}
LAYERS.update({feature.name: FEATURE for feature in FEATURES})
NAMES = {KERNEL: "kernel", CORE: "core", FEATURE: "feature", COMPOSITION: "composition"}


def top_level(module: str) -> str:
    """``polka.accounts.views`` -> ``accounts``; ``polka`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def polka_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("polka")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "polka":
                found += [(node.lineno, f"polka.{alias.name}") for alias in node.names]
            elif node.module.startswith("polka."):
                found.append((node.lineno, node.module))
    return found


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_top_level_module_has_a_layer():
    unknown = {top_level(module_name(p)) for p in SOURCES} - set(LAYERS)
    assert not unknown, f"give these modules a layer in {__file__}: {sorted(unknown)}"


def violations(importer: str, imports: list[tuple[int, str]]) -> list[str]:
    """What is wrong with ``importer`` (a top-level module name) importing ``imports``."""
    layer = LAYERS[importer]
    problems = []
    for lineno, imported in imports:
        target = top_level(imported)
        if target not in LAYERS:
            continue  # reported by test_every_top_level_module_has_a_layer
        target_layer = LAYERS[target]
        if target_layer > layer:
            problems.append(f"line {lineno}: {NAMES[layer]} module imports {NAMES[target_layer]} {imported}")
        elif layer == FEATURE and target_layer == FEATURE and target != importer:
            problems.append(f"line {lineno}: feature {importer} imports another feature, {imported}")
    return problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_module_imports_only_its_layer_or_below(path):
    problems = violations(top_level(module_name(path)), polka_imports(path))
    assert not problems, "\n".join(problems)


def test_the_checker_catches_upward_and_sideways_imports(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "from polka.accounts.models import User\nimport polka.forum.models\nfrom polka import db\n"
    )
    imports = polka_imports(source)
    assert imports == [(1, "polka.accounts.models"), (2, "polka.forum.models"), (3, "polka.db")]
    assert violations("db", imports) == [
        "line 1: kernel module imports core polka.accounts.models",
        "line 2: kernel module imports feature polka.forum.models",
    ]
    assert violations("wiki", imports) == ["line 2: feature wiki imports another feature, polka.forum.models"]
    assert violations("web", imports) == []


def _imports_whoosh(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "whoosh" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "whoosh":
            return True
    return False


def test_only_the_whoosh_backend_imports_whoosh():
    """A PostgreSQL backend will sit beside it: nothing else may depend on the engine."""
    outside = [
        str(path.relative_to(PACKAGE.parent))
        for path in SOURCES
        if _imports_whoosh(path) and not (path.parent.name == "search" and path.name.startswith("whoosh_"))
    ]
    assert outside == []
    assert any(_imports_whoosh(path) for path in SOURCES)  # the check does look at real imports


def _packages() -> set[str]:
    return {path.parent.name for path in PACKAGE.glob("*/__init__.py")}


def _declares_a_feature(path: Path) -> bool:
    return any(
        isinstance(node, ast.Assign | ast.AnnAssign)
        and "FEATURE"
        in {
            t.id
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(t, ast.Name)
        }
        for node in ast.parse(path.read_text(encoding="utf-8")).body
    )


def test_every_feature_package_is_in_the_list_of_features():
    """A package with a manifest (``FEATURE`` in its ``feature.py``) left out of FEATURES would be half
    plugged in."""
    with_manifest = {path.parent.name for path in PACKAGE.glob("*/feature.py") if _declares_a_feature(path)}
    listed = [feature.name for feature in FEATURES]
    assert sorted(with_manifest) == sorted(listed)
    assert len(set(listed)) == len(listed)


def test_every_listed_feature_is_a_feature_package_of_the_feature_layer():
    for feature in FEATURES:
        assert feature.name in _packages(), f"{feature.name} is listed in FEATURES but is no package"
        assert feature.routes.blueprint.import_name.startswith(f"polka.{feature.name}.")
        assert all(module.__name__.startswith(f"polka.{feature.name}.") for module in feature.models)
    # a planned feature that exists is a listed one (its layer then comes from the list)
    assert PLANNED & _packages() <= {feature.name for feature in FEATURES}


def _runs_on_import(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports a module makes while it is being imported: at module level, in class bodies and
    under ``if``/``try``/``with``, but not inside functions (they run when called, once every module
    has loaded: ``create_app`` imports ``polka.web`` that way on purpose) nor under
    ``if TYPE_CHECKING:`` (never run: models name each other that way for their relationships)."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            if isinstance(statement, ast.Import | ast.ImportFrom):
                found.append(statement)
            elif isinstance(statement, ast.If):
                if "TYPE_CHECKING" not in ast.unparse(statement.test):
                    visit(statement.body)
                visit(statement.orelse)
            elif isinstance(statement, ast.Try):
                visit(statement.body)
                for handler in statement.handlers:
                    visit(handler.body)
                visit(statement.orelse)
                visit(statement.finalbody)
            elif isinstance(statement, ast.ClassDef | ast.With):
                visit(statement.body)

    visit(tree.body)
    return found


MODULES = {module_name(path): path for path in SOURCES}


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Each module → the modules of ``polka`` it imports while being imported (``from polka.wiki import
    pages`` imports the module ``polka.wiki.pages``; ``from polka.wiki.pages import x`` too)."""
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        imported: set[str] = set()
        for node in _runs_on_import(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif node.module and node.level == 0:
                for alias in node.names:
                    submodule = f"{node.module}.{alias.name}"
                    imported.add(submodule if submodule in modules else node.module)
        graph[name] = {target for target in imported if target in modules}
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of modules that import each other (Tarjan's strongly connected
    components), each as the path that closes it: ``[a, b, a]``."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph[module]):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1 or module in graph[module]:
                groups.append(group)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10 * len(graph)))
    try:
        for module in sorted(graph):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return [_cycle_in(graph, group) for group in groups]


def _cycle_in(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """The shortest path from the group's first module back to itself, within the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for module in frontier:
            for target in sorted(graph[module] & group):
                if target == start:
                    return [*paths[module], start]
                if target not in paths:
                    paths[target] = [*paths[module], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"no cycle in {sorted(group)}")


def test_no_module_imports_itself_through_others():
    cycles = import_cycles(import_graph(MODULES))
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in cycles)


def test_the_cycle_finder_names_the_cycle(tmp_path):
    files = {
        "polka.a": "from polka.b import x\n",
        "polka.b": "from polka import c\n",
        "polka.c": "import polka.a\n\ndef later():\n    from polka.d import y\n",
        "polka.d": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from polka.c import z\n",
    }
    modules = {}
    for name, source in files.items():
        modules[name] = tmp_path / f"{name}.py"
        modules[name].write_text(source)
    graph = import_graph(modules)
    assert graph == {"polka.a": {"polka.b"}, "polka.b": {"polka.c"}, "polka.c": {"polka.a"}, "polka.d": set()}
    assert import_cycles(graph) == [["polka.a", "polka.b", "polka.c", "polka.a"]]


def _adds_routes(path: Path) -> bool:
    """Whether ``path`` decorates a function with a blueprint's ``bp`` (``@bp.get(…)``, say)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                root = decorator.func if isinstance(decorator, ast.Call) else decorator
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id == "bp":
                    return True
    return False


def test_every_module_adding_routes_is_imported_where_its_blueprint_is_registered():
    """A view module nobody imports would lose its routes without a sound: since no view module imports
    another for its side effect, the manifests and ``polka.web.core_routes`` must name each one."""
    every = (*core_routes(), *(feature.routes for feature in FEATURES))
    registered = {module.__name__ for routes in every for module in routes.modules}
    registered |= {routes.blueprint.import_name for routes in every}
    adding_routes = {name for name, path in MODULES.items() if _adds_routes(path)}
    assert adding_routes, "the check does find the view modules"
    assert adding_routes - registered == set()


def test_every_features_stylesheet_partial_is_in_the_stylesheet():
    """A feature's styles are its partial ``assets/_<feature>.scss``, used by ``assets/polka.scss``."""
    assets = PACKAGE.parent / "assets"
    used = set(re.findall(r'^@use "([a-z_]+)";', (assets / "polka.scss").read_text(encoding="utf-8"), re.M))
    partials = {feature.name for feature in FEATURES if (assets / f"_{feature.name}.scss").exists()}
    assert partials, "the check does find the features' partials"
    assert partials - used == set()


# Where the rules and reads live: services (``services.py``, ``service.py``, ``*_services.py``), access
# functions (``access.py``) and what pages show (``reads.py``). They take a session and a user and are
# called alike by views, the CLI, the worker and (later) the API, so they may not reach for a request:
# no Flask, nothing of werkzeug, nothing of ``polka.http`` (the request's session, the app's settings
# and file store). A view passes such values in.
def is_rules_module(path: Path) -> bool:
    name = path.name
    return name in {"services.py", "service.py", "access.py", "reads.py"} or name.endswith("_services.py")


RULES_MODULES = [path for path in SOURCES if is_rules_module(path)]
REQUEST_MODULES = ("flask", "werkzeug", "polka.http")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (absolute imports, at any depth of the file)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def request_imports(path: Path) -> list[str]:
    return [
        f"line {lineno}: {name}"
        for lineno, name in imported_modules(path)
        if any(name == banned or name.startswith(f"{banned}.") for banned in REQUEST_MODULES)
    ]


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_services_access_and_reads_never_reach_for_the_request(path):
    problems = request_imports(path)
    assert not problems, "pass the value in from the view instead:\n" + "\n".join(problems)


def test_the_request_check_sees_every_kind_of_rules_module_and_import(tmp_path):
    names = {path.name for path in RULES_MODULES}
    assert {"services.py", "access.py", "reads.py"} <= names
    assert any(name.endswith("_services.py") or name == "service.py" for name in names)
    source = tmp_path / "services.py"
    source.write_text(
        "from flask import current_app\nimport werkzeug.exceptions\nfrom polka.http import db\n"
        "from polka.db import utcnow\ndef late():\n    from flask import g\n"
    )
    assert request_imports(source) == [
        "line 1: flask.current_app",
        "line 2: werkzeug.exceptions",
        "line 3: polka.http.db",
        "line 6: flask.g",
    ]


# Text checks, slugs and the app's settings are the kernel's (``polka.text``, ``polka.http.settings``):
# a feature that took them from a core feature's services or web module would depend on that feature.
KERNEL_HELPERS = {"check_text": "polka.text", "slugify": "polka.text", "settings": "polka.http"}


def helper_imports(path: Path) -> list[str]:
    found = []
    for lineno, name in imported_modules(path):
        module, _, imported = name.rpartition(".")
        home = KERNEL_HELPERS.get(imported)
        if home is not None and module.startswith("polka.") and module != home:
            found.append(f"line {lineno}: {imported} from {module} (it lives in {home})")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_text_checks_slugs_and_settings_come_from_the_kernel(path):
    problems = helper_imports(path)
    assert not problems, "\n".join(problems)


def test_the_helper_check_catches_a_feature_taking_them_from_communities(tmp_path):
    source = tmp_path / "folders.py"
    source.write_text(
        "from polka.communities.services import check_text, slugify\n"
        "from polka.accounts.web import settings\nfrom polka.text import check_text\n"
    )
    assert helper_imports(source) == [
        "line 1: check_text from polka.communities.services (it lives in polka.text)",
        "line 1: slugify from polka.communities.services (it lives in polka.text)",
        "line 2: settings from polka.accounts.web (it lives in polka.http)",
    ]


# Views parse, call a service and answer: what they show is read by a service or reads module (which
# an API or the CLI can call too). A database read in a view module is a ``select(…)``, a
# ``.scalar(s)``/``.execute`` call, or ``.get(Model, id)``.
def is_view_module(path: Path) -> bool:
    relative = path.relative_to(PACKAGE)
    if relative.parts[0] == "admin":
        return path.name != "reads.py"
    return path.name == "views.py" or path.name.endswith("_views.py") or relative.as_posix() == "home.py"


VIEW_MODULES = [path for path in SOURCES if is_view_module(path)]


def database_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "select":
            found.append(f"line {node.lineno}: select(…)")
        elif isinstance(func, ast.Attribute) and func.attr in {"scalar", "scalars", "execute"}:
            found.append(f"line {node.lineno}: .{func.attr}(…)")
        elif (
            isinstance(func, ast.Attribute)
            and func.attr == "get"
            and node.args
            and isinstance(node.args[0], ast.Name)
            and node.args[0].id[:1].isupper()
            and not node.args[0].id.isupper()  # a model class, not a constant key
        ):
            found.append(f"line {node.lineno}: .get({node.args[0].id}, …)")
    return sorted(found, key=lambda problem: int(problem.split(":")[0].removeprefix("line ")))


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_views_leave_database_reads_to_services(path):
    problems = database_reads(path)
    assert not problems, "move these reads into the feature's services or reads module:\n" + "\n".join(
        problems
    )


def test_the_read_check_sees_views_and_the_reads_in_them(tmp_path):
    names = {path.relative_to(PACKAGE).as_posix() for path in VIEW_MODULES}
    assert {"home.py", "wiki/views.py", "docs/manage_views.py", "admin/views.py"} <= names
    assert "admin/reads.py" not in names
    source = tmp_path / "views.py"
    source.write_text(
        "db().scalars(select(Page))\nsession.get(WikiPage, 3)\nrequest.args.get('q', '')\n"
        "cookie.get(SESSION_KEY)\nsession.execute(q)\n"
    )
    assert database_reads(source) == [
        "line 1: .scalars(…)",
        "line 1: select(…)",
        "line 2: .get(WikiPage, …)",
        "line 5: .execute(…)",
    ]
