"""pyproject.toml declares its license the way current setuptools wants, so installing the
app prints no deprecation warning, and asks for a setuptools that reads that form."""

import tomllib
from pathlib import Path

from packaging.requirements import Requirement

PYPROJECT = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())


def test_the_license_is_an_spdx_string_and_the_build_needs_a_setuptools_that_reads_it() -> None:
    # The table form ({ text = "MIT" }) makes setuptools 77+ warn on every install, and
    # setuptools before 77 refuses the string form.
    assert PYPROJECT["project"]["license"] == "MIT"
    setuptools = next(Requirement(r) for r in PYPROJECT["build-system"]["requires"]
                      if Requirement(r).name == "setuptools")
    assert "76.9" not in setuptools.specifier and "77.0.0" in setuptools.specifier
