"""Build the public site for a web host: python deploy/publish.py [--instance DIR] [--passenger]

Does what `python build.py` does (with the instance's lists, figures and local site.toml) and
puts the web server's files in the new build: the buurtbemiddeling block of .htaccess
(deploy/.htaccess) and app.cgi. The new public/ is finished beside the old one and swapped in
at once, so visitors never meet a half-published site. Lines of a previous public/.htaccess
outside the block (a control panel's Passenger lines, a redirect to https) are kept.
`--instance` records the instance folder for every entry point (common/instance.py).
Run it with the virtualenv's Python: app.cgi will use that Python.
"""
from __future__ import annotations

import argparse
import compileall
import sys
import tomllib
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
PROJECT = DEPLOY.parent
BEGIN, END = "# BEGIN buurtbemiddeling", "# END buurtbemiddeling"
SCRIPT = "app.cgi"
PROJECT_LINE = "PROJECT = Path(__file__).resolve().parent.parent"
INSTANCE_LINE = "INSTANCE = None"
ROUTING_START = "RewriteEngine On"


def htaccess(previous: str, *, passenger: bool = False, options: bool = True) -> str:
    """The host's own lines from `previous`, then our block (without the routing with Passenger).

    options=False leaves out the `Options` line, for hosts that answer it with "Option ExecCGI
    not allowed here" (HTACCESS_OPTIONS = false in the instance's config.toml).
    """
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
    block = (DEPLOY / ".htaccess").read_text()
    if passenger:
        # Passenger routes by itself; the static pages keep the headers and no folder listings.
        block = block[:block.index(ROUTING_START)].rstrip() + "\n" + END
        block = block.replace("Options -Indexes +ExecCGI", "Options -Indexes").replace(
            "AddHandler cgi-script .cgi\n", "")
    if not options:
        block = "\n".join(line for line in block.splitlines() if not line.startswith("Options "))
    parts.append(block.strip())
    return "\n\n".join(parts) + "\n"


def cgi_script(python: str, project: Path, instance: str | None = None) -> str:
    """deploy/app.cgi with this virtualenv's Python, this project and instance folder filled in."""
    text = (DEPLOY / SCRIPT).read_text()
    text = _replace_line(text, "#!", f"#!{python}")
    text = _replace_line(text, PROJECT_LINE, f"PROJECT = Path({str(project)!r})")
    return _replace_line(text, INSTANCE_LINE, f"INSTANCE = {instance!r}") if instance else text


def _replace_line(text: str, start: str, new: str) -> str:
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith(start):
            lines[index] = new
            return "\n".join(lines) + "\n"
    raise ValueError(f"no line starting with {start!r}")


def install(public: Path, previous_htaccess: str = "", *, python: str = sys.executable,
            project: Path = PROJECT, instance: str | None = None, passenger: bool = False,
            options: bool = True) -> None:
    """Write .htaccess and (without Passenger) app.cgi into a built public/."""
    # A build starts as a private temporary folder; Apache often reads it as another account.
    public.chmod(0o755)
    (public / ".htaccess").write_text(htaccess(previous_htaccess, passenger=passenger, options=options))
    (public / ".htaccess").chmod(0o644)  # Apache reads it, whatever umask this runs under
    publish_admin_assets(public)
    if not passenger:
        script = public / SCRIPT
        script.write_text(cgi_script(python, project, instance))
        script.chmod(0o755)  # the owner writes; Apache (often another account) reads and runs it


def publish_admin_assets(public: Path) -> None:
    """The admin's style sheet and htmx as files at the addresses the admin links to (/beheer/assets/),
    so Apache serves them with its own caching instead of starting the app for each."""
    from buurtbemiddeling.admin.views import HTMX_DIR, STATIC_DIR

    assets = public / "beheer" / "assets"
    assets.mkdir(parents=True, exist_ok=True)  # a rebuild carried the earlier ones over
    for source in [*STATIC_DIR.iterdir(), HTMX_DIR / "htmx.min.js"]:
        if source.is_file():
            (assets / source.name).write_bytes(source.read_bytes())
            (assets / source.name).chmod(0o644)
    for folder in (public / "beheer", assets):
        folder.chmod(0o755)


def _local_setting(instance: Path, key: str, default):
    """A setting of this host from the instance's config.toml, so no tracked file needs editing."""
    path = instance / "config.toml"
    if not path.is_file():
        return default
    with path.open("rb") as handle:
        return tomllib.load(handle).get(key, default)


def compile_project(project: Path = PROJECT) -> None:
    """Compile the project's modules now: a CGI request must not pay for it, nor need write access."""
    compileall.compile_file(project / "app.py", quiet=1)
    for package in sorted(project.iterdir()):
        if (package / "__init__.py").is_file() and package.name != "tests":
            compileall.compile_dir(package, quiet=1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="deploy/publish.py", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(PROJECT / "public"), help="document root (default: public/)")
    parser.add_argument("--instance", help="instance folder outside public/, recorded for app.cgi, Passenger and "
                                           "the flask commands (created if missing)")
    parser.add_argument("--passenger", action="store_true", help="the host runs deploy/passenger_wsgi.py: no app.cgi")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(PROJECT))
    import sitebuilder
    from common import instance as instances

    public = Path(args.out).resolve()
    old = public / ".htaccess"
    previous = old.read_text() if old.is_file() else ""
    try:
        if args.instance:
            instances.remember(Path(args.instance))
        chosen = instances.locate()
    except (OSError, instances.InstanceMissing) as exc:
        print(exc, file=sys.stderr)
        return 1
    data = chosen.path / "data"
    options = _local_setting(chosen.path, "HTACCESS_OPTIONS", True)
    try:
        # The thank-you pages promise a confirmation mail only when this host sends mail.
        mail_on = bool(_local_setting(chosen.path, "MAIL_SERVER", ""))
        site = sitebuilder.Site(sitebuilder.DEFAULT_ROOT, data_dir=data if data.is_dir() else None, mail=mail_on)
        sitebuilder.build(site, public, prepare=lambda new: install(
            new, previous, instance=str(chosen.path), passenger=args.passenger, options=options))
    except sitebuilder.BuildError as exc:
        print(f"build failed:\n{exc}", file=sys.stderr)
        return 1
    compile_project()
    print(chosen.describe())
    print(f"published {public}" + ("" if args.passenger else f" with .htaccess and {SCRIPT}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
