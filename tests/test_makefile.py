"""The README's commands are the Makefile's: a target it names must exist and set itself up.

CI runs `make test-all` on a fresh clone with no `.venv`; a target that forgets to depend on
the install (or a README that names a target that is gone) fails only there, so it is
checked here with `make -n`, which prints what would run without running it.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def make_dry_run(target: str) -> subprocess.CompletedProcess[str]:
    """What `make TARGET` would run on a clone without `.venv` (VENV points at a new path)."""
    return subprocess.run(
        ["make", "-n", "VENV=.venv-that-does-not-exist", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def readme_targets() -> set[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return set(re.findall(r"`make ([a-z][a-z-]*)", text)) | set(
        re.findall(r"^make ([a-z][a-z-]*)", text, flags=re.MULTILINE)
    )


def test_the_readme_names_make_targets() -> None:
    assert {"forecast", "test-all"} <= readme_targets()


@pytest.mark.parametrize("target", sorted(readme_targets()))
def test_every_target_the_readme_names_exists(target: str) -> None:
    result = make_dry_run(target)
    assert result.returncode == 0, f"make {target}: {result.stderr.strip()}"


@pytest.mark.parametrize("target", ["forecast", "test", "test-all", "check", "backtest"])
def test_a_target_on_a_fresh_clone_installs_first(target: str) -> None:
    planned = make_dry_run(target).stdout
    assert "-m venv .venv-that-does-not-exist" in planned
    install_at = planned.index("pip install")
    work = {"test": "pytest", "test-all": "pytest", "check": "ruff check"}.get(
        target, "/bin/unvote "
    )
    assert work in planned
    assert install_at < planned.index(work)
