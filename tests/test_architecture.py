"""The package's layout shows its architecture: modules grouped by capability, imports only downwards
(lazy ones included) and no import cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import PROJECT

PACKAGE = PROJECT / "src" / "pressexport"
# lowest first: a module imports from its own layer or a lower one, never from a layer above
LAYERS = [
    # shared values (root modules of one layer may import one another; packages of one layer may not)
    {"errors", "version", "diagnostics", "model", "xhtml", "options", "names", "resources", "eco",
     "settings"},
    {"safety"},  # paths, atomic writes, fetches, worker limits
    {"language"},  # detection, tags, punctuation, hyphenation, own words, dates
    {"sources"},  # an article's file and front matter, licences, issues, discovery
    {"images", "mdext"},
    {"core"},  # Markdown → one XHTML document, and the pages every edition carries
    {"backends"},  # one engine each
    {"build", "scaffold"},  # the orchestrator; a new publication's folder
    {"archive", "importers"},  # batch (local or Dask), import
    {"cli", "cli_options", "__main__", "__init__"},  # the faces
]
ROOT_FOLDERS_ALLOWED = {"archive", "backends", "core", "data", "images", "importers", "language", "mdext", "safety",
                        "sources", "styles"}


def unit(module: str) -> str:
    """The layer unit of a module: its package under pressexport, or the root module's own name."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer(name: str) -> int:
    return next(index for index, members in enumerate(LAYERS) if name in members)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, top_level_only: bool = False) -> set[str]:
    """The pressexport modules (or packages) a file imports, resolved to absolute names."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    found = set()
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "pressexport":
                found |= {f"{target}.{alias.name}" if (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")
                                                        ).with_suffix(".py").exists() else target
                          for alias in node.names}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "pressexport"}
    return found - {module}


def test_the_root_holds_only_the_faces_and_the_shared_values():
    loose = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert set(loose) <= set().union(LAYERS[0], LAYERS[7], LAYERS[9]), loose
    folders = {path.name for path in PACKAGE.iterdir() if path.is_dir() and not path.name.startswith("__")}
    assert folders <= ROOT_FOLDERS_ALLOWED, folders


def test_imports_go_only_downwards():
    upward = []
    for path in PACKAGE.rglob("*.py"):
        here = unit(module_name(path))
        for target in imports(path):
            there = unit(target)
            lateral = layer(there) == layer(here) and there != here and {here, there} <= ROOT_FOLDERS_ALLOWED
            if target != "pressexport" and (layer(there) > layer(here) or lateral):
                upward.append(f"{module_name(path)} imports {target}")
    assert not upward, "\n".join(sorted(upward))


def test_no_import_cycle_among_modules():
    graph = {module_name(path): imports(path, top_level_only=True) for path in PACKAGE.rglob("*.py")}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*trail, module, target]
            if target in graph and not state.get(target):
                cycle = visit(target, [*trail, module])
                if cycle:
                    return cycle
        state[module] = 2
        return None

    for module in sorted(graph):
        if not state.get(module):
            cycle = visit(module, [])
            assert cycle is None, " -> ".join(cycle)
