"""The house's arrows: the wiring (`aspirasi`) uses the doors, the doors use the services, the
services use the domain (`models`), and never the other way round; the two doors never import
each other. Read from the source, so an import added anywhere in a module counts."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("aspirasi", "public_portal", "aspirasi_admin", "open311", "services", "models")
# What each package may not import.
FORBIDDEN = {
    "models": {"aspirasi", "services", "public_portal", "aspirasi_admin", "open311"},
    "services": {"aspirasi", "public_portal", "aspirasi_admin", "open311"},
    "public_portal": {"aspirasi_admin", "open311"},
    "aspirasi_admin": {"public_portal", "open311"},
    "open311": {"public_portal", "aspirasi_admin"},
}


def imported_packages(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names & set(PACKAGES)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_package_imports_only_the_layers_below_it(package):
    """Does every module of the package import only what its layer may use?"""
    wrong = {str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
             for path in (ROOT / package).rglob("*.py")}
    assert not {path: names for path, names in wrong.items() if names}
