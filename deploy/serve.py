"""`make serve`: the production stack in the foreground; Ctrl-C (or SIGTERM) stops all of it.

    nginx (127.0.0.1:8080) → gunicorn (127.0.0.1:8081, sync workers) → PostgreSQL + Redis
                           → gunicorn (127.0.0.1:8082, /admin/ only: editors never queue
                                       behind the public)

On start it checks that PostgreSQL and Redis answer (and creates the database if it is
missing), migrates, collects static files (hashed names, for nginx's far-future caching),
seeds, starts gunicorn and nginx, and waits for ``/healthz`` through nginx. Then it watches
its children: if one dies, it stops the rest and exits non-zero, so a process manager
(systemd, a container runtime) sees one failing unit, never half a stack.

nginx runs from the repository's ``deploy/nginx.conf.template``, rendered into a run
directory of its own (pid, temp files, logs), never the system's /etc/nginx or service.

The :class:`Stack` here is also what the stack tests start (tests/stack/), so the tests
run the same processes with the same flags as ``make serve``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/certsite"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# nginx reaches gunicorn over loopback, so this is the proxy Django must believe.
NGINX_ADDRESS = "127.0.0.1"


def default_workers() -> int:
    # gunicorn's rule of thumb for sync workers: one can compute while another waits on
    # PostgreSQL or Redis. nginx buffers slow clients, so workers never wait on the network.
    return 2 * (os.cpu_count() or 1) + 1


def nginx_binary() -> str | None:
    # Debian puts it in /usr/sbin, which is not on every user's PATH.
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.access(path, os.X_OK)), None
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_nginx_conf(
    *,
    run_dir: Path,
    port: int,
    upstream_ports: list[int],
    static_root: Path,
    admin_ports: list[int] | None = None,
    workers: int = 1,
    forwarded_proto: str = "$scheme",
) -> str:
    if forwarded_proto not in {"$scheme", "https"}:
        raise ValueError("SERVE_FORWARDED_PROTO is $scheme (nginx's own) or https")

    def servers(ports: list[int]) -> str:
        return "\n".join(
            # max_fails/fail_timeout: passive health checking (open-source nginx has no
            # active one): a server that fails three times in 5 s is skipped for 5 s.
            f"        server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;"
            for p in ports
        )

    values = {
        "run_dir": str(run_dir),
        "listen": f"127.0.0.1:{port}",
        "upstream_servers": servers(upstream_ports),
        "admin_servers": servers(admin_ports or upstream_ports),
        "static_root": str(static_root),
        "nginx_workers": str(workers),
        "forwarded_proto": forwarded_proto,
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if "{{" in text:
        raise ValueError("nginx.conf.template has a placeholder serve.py does not fill")
    return text


def child_environment(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The app's environment under the stack: defaults from the issue, then the caller's."""
    env = dict(os.environ)
    env.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    env.setdefault("REDIS_URL", DEFAULT_REDIS_URL)
    # Hashed file names, so nginx can serve them with far-future caching.
    env["DJANGO_MANIFEST_STATIC"] = "1"
    env.setdefault("DJANGO_STATIC_ROOT", str(ROOT / "staticfiles"))
    env.update(overrides or {})
    trusted = [p.strip() for p in env.get("DJANGO_TRUSTED_PROXIES", "").split(",") if p.strip()]
    if NGINX_ADDRESS not in trusted:
        trusted.append(NGINX_ADDRESS)
    env["DJANGO_TRUSTED_PROXIES"] = ",".join(trusted)
    return env


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def prepare(env: dict[str, str]) -> None:
    """What `make run` does before serving: migrate, collect static files, seed."""
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")
    manage(env, "seed")


class ServiceDown(Exception):
    pass


def _redacted(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def check_services(env: dict[str, str], *, create_database: bool = True) -> None:
    """PostgreSQL and Redis are services of the machine: say clearly when one is not there.

    Uses the app's own drivers (psycopg, redis-py) from the virtualenv it runs in.
    """
    import psycopg
    import redis
    from psycopg import sql

    database_url = env["DATABASE_URL"]
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres", query=""))
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=3) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists and create_database:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"serve: created database {name!r}", flush=True)
    except psycopg.Error as error:
        raise ServiceDown(
            f"PostgreSQL at {_redacted(database_url)} does not answer ({error}). "
            "Start it (pg_ctlcluster 15 main start) or set DATABASE_URL."
        ) from error

    redis_url = env["REDIS_URL"]
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise ServiceDown(
            f"Redis at {_redacted(redis_url)} does not answer ({error}). "
            "Start it (redis-server) or set REDIS_URL."
        ) from error


def wait_http(url: str, *, timeout: float, status: int = 200) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == status:
                    return True
        except urllib.error.HTTPError as error:
            if error.code == status:
                return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def _die_with_parent() -> None:
    """In the child, before exec: Linux sends it SIGTERM if serve.py dies (even by SIGKILL),
    so no nginx or gunicorn is ever left behind holding the ports."""
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass  # not Linux: Ctrl-C and SIGTERM still stop everything


class Stack:
    """gunicorn instances and an nginx in front, started and stopped together."""

    def __init__(self, run_dir: Path, env: dict[str, str]):
        self.run_dir = Path(run_dir)
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.env = env
        self.processes: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        # A session of its own: Ctrl-C reaches serve.py only, which then stops the children
        # in order (nginx first, so nothing new reaches a gunicorn that is going away).
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 -- the child owns it
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        log.close()
        self.processes[name] = process
        return process

    def start_gunicorn(
        self, name: str, *, port: int, workers: int, env: dict[str, str] | None = None
    ) -> subprocess.Popen:
        env = env or self.env
        command = [
            sys.executable, "-m", "gunicorn", "certsite.wsgi",
            "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            "--worker-class", "sync",
            # nginx holds slow clients, so a request reaches a worker whole: 30 s is for
            # the app itself, and a worker stuck longer is killed and replaced.
            "--timeout", "30",
            "--graceful-timeout", "10",
            # gunicorn's own reading of X-Forwarded-Proto: only from nginx, like Django's.
            "--forwarded-allow-ips", env["DJANGO_TRUSTED_PROXIES"],
            "--no-control-socket",
            "--worker-tmp-dir", "/dev/shm" if os.path.isdir("/dev/shm") else str(self.run_dir),
        ]  # fmt: skip
        return self._spawn(name, command, env)

    def start_nginx(
        self,
        *,
        port: int,
        upstream_ports: list[int],
        static_root: Path,
        admin_ports: list[int] | None = None,
    ):
        binary = nginx_binary()
        if binary is None:
            raise ServiceDown("nginx is not installed: apt-get install -y nginx (make nginx-deps)")
        conf = self.run_dir / "nginx.conf"
        conf.write_text(
            render_nginx_conf(
                run_dir=self.run_dir,
                port=port,
                upstream_ports=upstream_ports,
                static_root=static_root,
                admin_ports=admin_ports,
                # Behind a load balancer that terminates TLS and alone reaches nginx.
                forwarded_proto=self.env.get("SERVE_FORWARDED_PROTO") or "$scheme",
            )
        )
        for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.run_dir / temp).mkdir(exist_ok=True)
        # -e: before reading the config nginx opens its compiled-in error log, /var/log/...
        command = [binary, "-c", str(conf), "-p", str(self.run_dir), "-e", "stderr"]
        return self._spawn("nginx", command, self.env)

    def dead(self) -> list[str]:
        return [name for name, p in self.processes.items() if p.poll() is not None]

    def stop(self, timeout: float = 15) -> None:
        # nginx: SIGQUIT finishes the requests in progress; gunicorn: SIGTERM likewise.
        order = sorted(self.processes.items(), key=lambda item: item[0] != "nginx")
        for name, process in order:
            if process.poll() is None:
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--app-port", type=int, default=int(os.environ.get("APP_PORT", "8081")))
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", default_workers()))
    )
    parser.add_argument("--admin-port", type=int, default=int(os.environ.get("ADMIN_PORT", "8082")))
    parser.add_argument(
        "--admin-workers",
        type=int,
        default=int(os.environ.get("ADMIN_WORKERS", "2")),
        help="workers of the editors' own pool (/admin/); 0: the public pool serves it",
    )
    parser.add_argument("--run-dir", type=Path, default=ROOT / "var" / "run")
    args = parser.parse_args(argv)

    env = child_environment()
    try:
        check_services(env)
    except ServiceDown as error:
        print(f"serve: {error}", file=sys.stderr)
        return 2
    prepare(env)

    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)

    with Stack(args.run_dir, env) as stack:
        stack.start_gunicorn("gunicorn", port=args.app_port, workers=args.workers)
        admin_ports = []
        if args.admin_workers > 0:
            # Editors' saves wait for one of these, never behind the public's queue.
            stack.start_gunicorn("gunicorn-admin", port=args.admin_port, workers=args.admin_workers)
            admin_ports = [args.admin_port]
        stack.start_nginx(
            port=args.port,
            upstream_ports=[args.app_port],
            static_root=Path(env["DJANGO_STATIC_ROOT"]),
            admin_ports=admin_ports,
        )
        url = f"http://127.0.0.1:{args.port}"
        checks = [url] + [f"http://127.0.0.1:{p}" for p in admin_ports]
        if not all(wait_http(f"{u}/healthz", timeout=30) for u in checks):
            print(f"serve: /healthz did not answer 200; logs in {args.run_dir}", file=sys.stderr)
            return 1
        admin = f"127.0.0.1:{args.admin_port}" if admin_ports else "the same"
        print(
            f"serve: {url} (nginx) → gunicorn 127.0.0.1:{args.app_port} with {args.workers} "
            f"workers, /admin/ on {admin}; database {_redacted(env['DATABASE_URL'])}, cache "
            f"{_redacted(env['REDIS_URL'])}; logs in {args.run_dir}. Ctrl-C stops it all.",
            flush=True,
        )
        while not stopping:
            dead = stack.dead()
            if dead:
                print(f"serve: {', '.join(dead)} exited; stopping", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print("serve: stopping", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
