"""The wheel carries a copy of the project's files (cjreport/bundle.py says which and why).

They are copied from the repository into the build directory when the wheel is built, so data/ keeps one
home (the repository) and no copy is ever committed. An editable install (`make`) reads the repository itself.
"""

import importlib.util
import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent


def _bundle():
    """cjreport/bundle.py, loaded alone (the list of files has one home, the package; importing the package
    itself would need its dependencies, which an isolated build does not have)."""
    spec = importlib.util.spec_from_file_location("_cjreport_bundle", HERE / "cjreport" / "bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithProject(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "cjreport" / "_project"
        shutil.rmtree(target, ignore_errors=True)
        for rel in _bundle().bundle_files(HERE):
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(HERE / rel, target / rel)


def edition_version() -> str:
    """CITATION.cff's `version` (the edition's one home), read without a YAML parser: an isolated build
    (`pip install .`) has only setuptools."""
    text = (HERE / "CITATION.cff").read_text(encoding="utf-8")
    found = re.search(r'^version:\s*"?([^"\s#]+)"?', text, re.M)
    if not found:
        raise SystemExit("CITATION.cff: no `version:` line (the edition's version, which the wheel takes)")
    return found[1]


setup(version=edition_version(), cmdclass={"build_py": BuildWithProject})
