"""A throwaway Apache for tests: Debian's apache2 with a config file of its own, on a free
loopback port, serving a folder as a shared host would (.htaccess allowed, CGI through mod_cgid).

Apache never serves as root: started by root (CI) it runs as www-data, so the folder lives
under a world-readable temporary folder and the instance folder belongs to www-data.

With `customer=` it is the usual shared host: suexec (Debian's apache2-suexec-custom) runs
app.cgi as the customer's own account, with the environment stripped to a short list, and
only for scripts under suexec's document root (/var/www) that belong to that account.
"""
from __future__ import annotations

import http.client
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MODULES = Path("/usr/lib/apache2/modules")
# What a shared host has; filter and deflate compress the pages (deploy/.htaccess).
LOAD = ("mpm_event", "authz_core", "mime", "dir", "rewrite", "cgid", "env", "headers", "filter", "deflate")
START_TIMEOUT = 15.0
SUEXEC = Path("/usr/lib/apache2/suexec")
SUEXEC_ROOT = Path("/var/www")  # suexec-custom's document root for www-data (/etc/apache2/suexec/www-data)
REQUEST_TIMEOUT = 120.0  # CGI starts are slow on a loaded 2-core machine (parallel tests)


def apache_binary() -> str | None:
    found = shutil.which("apache2") or "/usr/sbin/apache2"
    return found if os.access(found, os.X_OK) and (MODULES / "mod_cgid.so").is_file() else None


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes


def suexec_available() -> bool:
    return os.geteuid() == 0 and (MODULES / "mod_suexec.so").is_file() and os.access(SUEXEC, os.X_OK) \
        and SUEXEC_ROOT.is_dir()


def customer_account(name: str = "bbklant") -> str:
    """A customer's account on the host (made once; suexec refuses uids and gids under 100)."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                       check=False, capture_output=True)
    return name


def _runs_as(user: str, python: str) -> bool:
    account = pwd.getpwnam(user)
    try:
        done = subprocess.run([python, "-c", "import flask, tinydb"], user=account.pw_uid, group=account.pw_gid,
                              extra_groups=[], cwd="/", env={"PATH": "/usr/bin:/bin"}, capture_output=True,
                              timeout=REQUEST_TIMEOUT)
    except PermissionError:
        return False
    return done.returncode == 0


def python_for(user: str, folder: Path) -> str:
    """A Python with the project's packages that `user` can run.

    A virtualenv under /root (mode 700) is out of www-data's reach: then a virtualenv of the
    system Python of the same version in `folder`, which loads this one's site-packages, stands in.
    """
    if _runs_as(user, sys.executable):
        return sys.executable
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    base = f"/usr/bin/python{version}"
    bridge = folder / "venv"
    if os.access(base, os.X_OK):
        # umask 022: the app sets 077 for its private data, and `user` must read this venv.
        subprocess.run([base, "-m", "venv", "--without-pip", str(bridge)], check=True, timeout=REQUEST_TIMEOUT,
                       preexec_fn=lambda: os.umask(0o022))
        site_dirs = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
        pth = bridge / "lib" / f"python{version}" / "site-packages" / "project.pth"
        pth.write_text("".join(f"import site; site.addsitedir({d!r})\n" for d in sorted(site_dirs)))
        pth.chmod(0o644)
        if _runs_as(user, str(bridge / "bin" / "python")):
            return str(bridge / "bin" / "python")
    raise RuntimeError(f"{user} cannot run {sys.executable}, and no {base} can stand in for it")


class Apache:
    def __init__(self, customer: str | None = None) -> None:
        self.customer = customer
        self.root = Path(tempfile.mkdtemp(prefix="bb-apache-", dir=SUEXEC_ROOT if customer else None))
        self.root.chmod(0o755)
        self.public = self.root / "public"
        self.instance = self.root / "instance"
        self.instance.mkdir(mode=0o700)
        # Every test posts from 127.0.0.1: the per-address form limit would refuse the later ones.
        (self.instance / "config.toml").write_text(f"PUBLIC_DIR = {str(self.public)!r}\nFORM_RATE_LIMIT = 1000\n")
        self.user = self._user()
        owner = customer or self.user  # whoever runs app.cgi owns the data
        if owner:
            account = pwd.getpwnam(owner)
            os.chown(self.instance, account.pw_uid, account.pw_gid)
            os.chown(self.instance / "config.toml", account.pw_uid, account.pw_gid)
        self.python = self._python(owner)
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def _user() -> str | None:
        """The account Apache switches to; None when not started as root (it then stays us)."""
        if os.geteuid() != 0:
            return None
        for name in ("www-data", "nobody"):
            try:
                pwd.getpwnam(name)
                return name
            except KeyError:
                continue
        raise RuntimeError("no www-data or nobody account for Apache to run as")

    def give_to_customer(self, path: Path) -> None:
        """suexec runs only scripts (and folders) owned by the customer and writable by no one else."""
        if not self.customer:
            return
        account = pwd.getpwnam(self.customer)
        for item in [path, *path.rglob("*")]:
            os.chown(item, account.pw_uid, account.pw_gid, follow_symlinks=False)
            if not item.is_symlink():
                item.chmod(item.stat().st_mode & ~0o022)

    def _python(self, user: str | None) -> str:
        return sys.executable if user is None else python_for(user, self.root)

    def config(self) -> str:
        modules = "\n".join(f"LoadModule {name}_module {MODULES}/mod_{name}.so"
                            for name in LOAD + (("suexec",) if self.customer else ()))
        suexec = f"SuexecUserGroup {self.customer} #{pwd.getpwnam(self.customer).pw_gid}\n" if self.customer else ""
        account = pwd.getpwnam(self.user) if self.user else None
        user = f"User {self.user}\nGroup #{account.pw_gid}\n" if account else ""
        return f"""\
ServerRoot "{self.root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile "{self.root}/httpd.pid"
DefaultRuntimeDir "{self.root}"
ErrorLog "{self.root}/error.log"
LogLevel warn
LogFormat "%m %U %>s %R" handlers
CustomLog "{self.root}/access.log" handlers
{modules}
ScriptSock "{self.root}/cgid.sock"
TypesConfig /etc/mime.types
{user}{suexec}Timeout {int(REQUEST_TIMEOUT)}
DocumentRoot "{self.public}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{self.public}">
    AllowOverride All
    Options FollowSymLinks
    Require all granted
</Directory>
<Files ".ht*">
    Require all denied
</Files>
"""

    def start(self, tries: int = 3) -> None:
        conf = self.root / "httpd.conf"
        conf.write_text(self.config())
        with open(self.root / "console.log", "wb") as console:
            self.process = subprocess.Popen([apache_binary(), "-f", str(conf), "-DFOREGROUND"],
                                            stdout=console, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                if tries > 1 and "Address already in use" in self.errors():
                    # Another test process (pytest-xdist) took the free port between probe and bind.
                    self.port = _free_port()
                    return self.start(tries - 1)
                raise RuntimeError(f"apache2 stopped at start:\n{self.errors()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                # mod_cgid's daemon binds its socket after the port listens; a CGI request before
                # that gets "unable to connect to cgi daemon" on a loaded machine.
                if (self.root / f"cgid.sock.{self.process.pid}").exists():  # Apache adds its pid
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"apache2 did not listen within {START_TIMEOUT} s:\n{self.errors()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # the parent stops its children and cgid
            try:
                self.process.wait(timeout=START_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # its own session: only what it started
                self.process.wait(timeout=START_TIMEOUT)
        shutil.rmtree(self.root, ignore_errors=True)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_TIMEOUT)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            answer = connection.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()

    def handlers(self) -> dict[str, str]:
        """Per address asked, the handler that answered it: "-" for Apache's own files."""
        log = self.root / "access.log"
        lines = log.read_text().splitlines() if log.is_file() else []
        return {parts[1]: parts[3] for parts in (line.split() for line in lines) if len(parts) == 4}

    def errors(self) -> str:
        logs = [self.root / "console.log", self.root / "error.log"]
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in logs if p.is_file())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
