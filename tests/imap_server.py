"""A real IMAP server for the tests: Debian's Dovecot, run by the test user from a temporary folder.

One Dovecot per test session listens on 127.0.0.1 on two free ports: ``port`` (plain IMAP, which
also offers STARTTLS) and ``tls_port`` (IMAPS), with a throw-away certificate for 127.0.0.1 made
by ``openssl req``. Each test gets its own mailbox user (the ``mailbox`` fixture; it and ``dovecot``
live in tests/conftest.py), so tests never see each other's mail. Messages are delivered with IMAP
APPEND, as a mail server's delivery agent would.

Without ``/usr/sbin/dovecot`` (package ``dovecot-imapd``) or ``openssl`` the tests skip — or fail
when ``SHEETSYNC_REQUIRE_SERVERS=1`` (or ``SHEETSYNC_REQUIRE_LIBREOFFICE=1``, which CI sets and
which asks for every real client and server) demands them.

Run as root (as here and in CI), Dovecot will not run its login process as root: it then uses the
``dovenull``/``dovecot`` users that the package creates, and the mail folders belong to ``dovecot``;
run as anyone else, every process is that user. The server is stopped (and waited for) at the end
of the session, so no process is left behind.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
REQUIRE_ENVS = ("SHEETSYNC_REQUIRE_SERVERS", "SHEETSYNC_REQUIRE_LIBREOFFICE")
PASSWORD = "Imap-s3cret-7f3a9c"  # distinctive, so a test can look for it in every output
STARTUP_WAIT = 60.0  # seconds to wait for the listener on a slow machine (not an assertion)

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {internal_group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    return free_ports(1)[0]


def free_ports(count: int) -> list[int]:
    """``count`` different free ports: the sockets are held together while the system picks them
    (one after another, a port just let go could be handed out twice)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def servers_missing() -> str | None:
    """Why the Dovecot tests cannot run here, or None."""
    if not os.access(DOVECOT, os.X_OK):
        return f"{DOVECOT} not found (install dovecot-imapd)"
    if shutil.which("openssl") is None:
        return "openssl not found (needed for the test certificate)"
    return None


def require_servers() -> None:
    """Skip the calling test, or fail it when the environment demands real servers."""
    reason = servers_missing()
    if reason is None:
        return
    demanded = [name for name in REQUIRE_ENVS if os.environ.get(name) == "1"]
    if demanded:
        pytest.fail(f"{demanded[0]}=1 but the IMAP server is unusable: {reason}", pytrace=False)
    pytest.skip(f"IMAP server unavailable: {reason}")


@dataclass
class Dovecot:
    """A running Dovecot: where it listens, its certificate, and how to add users and deliver mail."""

    root: Path
    port: int
    tls_port: int
    process: subprocess.Popen[bytes]

    @property
    def cafile(self) -> Path:
        """The server's self-signed certificate, to trust in a client."""
        return self.root / "cert.pem"

    def log(self) -> str:
        """Everything Dovecot logged so far."""
        path = self.root / "dovecot.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def add_user(self, name: str, password: str = PASSWORD) -> None:
        """Create a mailbox user: one passwd-file per user, so no cached copy of a shared file
        (re-read only when its modification time changes) can miss a user added a moment ago."""
        (self.root / "users" / name).write_text(f"{name}:{{PLAIN}}{password}\n", encoding="utf-8")

    def client(self, user: str, password: str = PASSWORD) -> imaplib.IMAP4:
        """A logged-in plain IMAP connection (for the tests' own checks)."""
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(user, password)
        return imap


@dataclass
class Mailbox:
    """One user's mailbox on the shared server: deliver mail, look at it, change its flags."""

    server: Dovecot
    user: str
    password: str = PASSWORD

    def deliver(self, message: bytes, folder: str = "INBOX", received: str | None = None) -> None:
        """Put ``message`` into ``folder`` (IMAP APPEND), creating the folder if needed.

        :param received: the server's arrival time, e.g. ``'"01-Jan-2020 10:00:00 +0700"'``.
        """
        imap = self.server.client(self.user, self.password)
        try:
            if folder != "INBOX":
                imap.create(folder)
            status, data = imap.append(folder, None, received, message)
            assert status == "OK", data
        finally:
            imap.logout()

    def flags(self, folder: str = "INBOX") -> list[set[str]]:
        """The flags of every message in ``folder``, in order."""
        imap = self.server.client(self.user, self.password)
        try:
            status, data = imap.select(folder, readonly=True)
            assert status == "OK", data
            if int(data[0] or 0) == 0:
                return []
            status, items = imap.fetch("1:*", "(FLAGS)")
            found = []
            for item in items:
                text = item.decode() if isinstance(item, bytes) else ""
                inner = text[text.index("FLAGS (") + 7:text.index(")", text.index("FLAGS ("))]
                found.append(set(inner.split()))
            return found
        finally:
            imap.logout()

    def count(self, folder: str = "INBOX") -> int:
        """How many messages ``folder`` holds (0 when it does not exist)."""
        return len(self.flags(folder)) if folder == "INBOX" or self.exists(folder) else 0

    def exists(self, folder: str) -> bool:
        """Whether ``folder`` exists."""
        imap = self.server.client(self.user, self.password)
        try:
            status, data = imap.list('""', folder)
            return status == "OK" and data != [None]
        finally:
            imap.logout()

    def add_flag(self, flag: str, folder: str = "INBOX") -> None:
        """Put ``flag`` on every message of ``folder`` (the clerk read them: ``\\Seen``)."""
        self._store_flag("+FLAGS", flag, folder)

    def remove_flag(self, flag: str, folder: str = "INBOX") -> None:
        """Take ``flag`` off every message of ``folder`` (a lost flag, another client's doing)."""
        self._store_flag("-FLAGS", flag, folder)

    def _store_flag(self, how: str, flag: str, folder: str) -> None:
        imap = self.server.client(self.user, self.password)
        try:
            imap.select(folder)
            imap.store("1:*", how, f"({flag})")
        finally:
            imap.logout()


def _accounts() -> dict[str, str]:
    """Who runs what: as root, Dovecot's own users; otherwise the test user for everything."""
    me = pwd.getpwuid(os.getuid())
    if os.getuid() != 0:
        return {"internal": me.pw_name, "internal_group": me.pw_name, "login": me.pw_name,
                "mail_uid": str(me.pw_uid), "mail_gid": str(me.pw_gid)}
    mail = pwd.getpwnam("dovecot")
    return {"internal": "dovecot", "internal_group": "dovecot", "login": "dovenull",
            "mail_uid": str(mail.pw_uid), "mail_gid": str(mail.pw_gid)}


def start_dovecot() -> Dovecot:
    """Start a Dovecot in a new temporary folder and wait until it accepts connections."""
    # Not under pytest's tmp_path: that folder is private to the test user (0700), and as root
    # Dovecot's login and mail processes run as other users who must reach their sockets and mail.
    root = Path(tempfile.mkdtemp(prefix="sheetsync-dovecot-"))
    root.chmod(0o755)
    accounts = _accounts()
    for sub in ("run", "state", "mail", "users"):
        (root / sub).mkdir()
    os.chown(root / "mail", int(accounts["mail_uid"]), int(accounts["mail_gid"]))
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(root / "key.pem"),
                    "-out", str(root / "cert.pem")], check=True, capture_output=True)
    port, tls_port = free_ports(2)
    (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=port, tls_port=tls_port, **accounts),
                                       encoding="utf-8")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    server = Dovecot(root, port, tls_port, process)
    deadline = time.monotonic() + STARTUP_WAIT
    while not _listening(port) or not _listening(tls_port):
        if process.poll() is not None or time.monotonic() > deadline:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            stop_dovecot(server)
            raise RuntimeError(f"dovecot did not start: {output.strip()} {server.log().strip()}")
        time.sleep(0.05)
    return server


def stop_dovecot(server: Dovecot) -> None:
    """Stop the server, wait for it (and its children) to exit, remove its folder."""
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()
    if server.process.stdout:
        server.process.stdout.close()
    shutil.rmtree(server.root, ignore_errors=True)


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
