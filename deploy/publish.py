"""Build the public site for a web host: python deploy/publish.py [--instance DIR] [--passenger]

Does what `python build.py` does, then puts the web server's files in public/: the
buurtbemiddeling block of .htaccess (deploy/.htaccess) and app.cgi. A build replaces public/
as a whole, so on a host run this instead of build.py. Lines of a previous public/.htaccess
outside the block (a control panel's Passenger lines, a redirect to https) are kept.
Run it with the virtualenv's Python: app.cgi will use that Python.
"""
from __future__ import annotations

import argparse
import compileall
import os
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
PROJECT = DEPLOY.parent
BEGIN, END = "# BEGIN buurtbemiddeling", "# END buurtbemiddeling"
SCRIPT = "app.cgi"
PROJECT_LINE = "PROJECT = Path(__file__).resolve().parent.parent"
INSTANCE_LINE = "# SetEnv BUURTBEMIDDELING_INSTANCE "


def htaccess(previous: str, instance: str | None = None, *, passenger: bool = False) -> str:
    """The host's own lines from `previous`, then our block (none with Passenger: it routes)."""
    kept, inside = [], False
    for line in previous.splitlines():
        if line.strip() == BEGIN:
            inside = True
        elif line.strip() == END:
            inside = False
        elif not inside:
            kept.append(line)
    host = "\n".join(kept).strip()
    parts = [host] if host else []
    if not passenger:
        block = (DEPLOY / ".htaccess").read_text()
        if instance:
            # Quoted: a home folder may contain spaces.
            block = _replace_line(block, INSTANCE_LINE, f'SetEnv BUURTBEMIDDELING_INSTANCE "{instance}"')
        parts.append(block.strip())
    return "\n\n".join(parts) + "\n" if parts else ""


def cgi_script(python: str, project: Path) -> str:
    """deploy/app.cgi with this virtualenv's Python and this project folder filled in."""
    text = (DEPLOY / SCRIPT).read_text()
    text = _replace_line(text, "#!", f"#!{python}")
    return _replace_line(text, PROJECT_LINE, f"PROJECT = Path({str(project)!r})")


def _replace_line(text: str, start: str, new: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(start):
            lines[index] = new
            return "\n".join(lines) + "\n"
    raise ValueError(f"no line starting with {start!r}")


def install(public: Path, previous_htaccess: str = "", *, python: str = sys.executable,
            project: Path = PROJECT, instance: str | None = None, passenger: bool = False) -> None:
    """Write .htaccess and (without Passenger) app.cgi into a built public/."""
    # A build starts as a private temporary folder; Apache often reads it as another account.
    public.chmod(0o755)
    text = htaccess(previous_htaccess, instance, passenger=passenger)
    if text:
        (public / ".htaccess").write_text(text)
    if not passenger:
        script = public / SCRIPT
        script.write_text(cgi_script(python, project))
        script.chmod(0o755)  # the owner writes; Apache (often another account) reads and runs it


def compile_project(project: Path = PROJECT) -> None:
    """Compile the project's modules now: a CGI request must not pay for it, nor need write access."""
    compileall.compile_file(project / "app.py", quiet=1)
    for package in sorted(project.iterdir()):
        if (package / "__init__.py").is_file() and package.name != "tests":
            compileall.compile_dir(package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/publish.py", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(PROJECT / "public"), help="document root (default: public/)")
    parser.add_argument("--instance", help="instance folder outside public/ (sets BUURTBEMIDDELING_INSTANCE)")
    parser.add_argument("--passenger", action="store_true", help="the host runs deploy/passenger_wsgi.py: no app.cgi")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    import sitebuilder

    public = Path(args.out).resolve()
    old = public / ".htaccess"
    previous = old.read_text() if old.is_file() else ""
    try:
        sitebuilder.build(sitebuilder.Site(sitebuilder.DEFAULT_ROOT), public)
    except sitebuilder.BuildError as exc:
        print(f"build failed:\n{exc}", file=sys.stderr)
        return 1
    instance = os.path.abspath(os.path.expanduser(args.instance)) if args.instance else None
    install(public, previous, instance=instance, passenger=args.passenger)
    compile_project()
    print(f"published {public}" + ("" if args.passenger else f" with .htaccess and {SCRIPT}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
