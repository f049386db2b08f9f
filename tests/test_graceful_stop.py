"""gunicorn.conf.py's stop drains (docs/deploy.md, "Stopping an instance"):
on SIGTERM the port refuses new connections at once, so nginx sends them to
another instance, while the request a worker is serving is answered; a
reload (SIGHUP) keeps the port open. Run against a WSGI application of a few
lines whose /long lasts until the test releases it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")

APPLICATION = """
import time
from pathlib import Path

def application(environ, start_response):
    # A long request: one waiting (on the database, here on a file) or
    # computing. Behind nginx, which reads a request's body before passing
    # it on, none waits on its client.
    release = Path(__file__).with_name("release")
    if environ["PATH_INFO"] == "/long":
        while not release.exists():
            time.sleep(0.05)
    answer = b"answered " + environ["PATH_INFO"].encode()
    start_response(
        "200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(answer)))]
    )
    return [answer]
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    (tmp_path / "held_app.py").write_text(APPLICATION)
    port = free_port()
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GUNICORN_", "BRIEFING_", "WEB_", "BIND", "PORT"))
        },
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "off",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            *(GUNICORN, "--config", "gunicorn.conf.py"),
            *("--pythonpath", str(tmp_path), "held_app:application"),
        ],
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    process.port = port
    process.log = tmp_path / "gunicorn.log"
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert process.poll() is None, process.log.read_text()
            assert time.monotonic() < deadline, process.log.read_text()
            time.sleep(0.1)
    time.sleep(1)  # both workers up
    yield process
    if process.poll() is None:
        process.kill()
    process.wait()
    log.close()


def send(port: int, path: str) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=20)
    connection.sendall(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
    )
    return connection


def answer(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    connection.close()
    return received


def get(port: int, path: str = "/") -> bytes:
    return answer(send(port, path))


def test_a_stop_refuses_new_connections_at_once_and_answers_the_request_served(
    server, tmp_path
):
    long = send(server.port, "/long")
    time.sleep(0.5)  # a worker has it, inside the application

    server.send_signal(signal.SIGTERM)
    time.sleep(0.5)

    # Were the worker to keep its copy of the socket until it exits, the
    # kernel would queue this connection until the long request ended, then
    # reset it: nginx would have waited for nothing.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2)
    (tmp_path / "release").touch()
    assert answer(long).endswith(b"answered /long"), server.log.read_text()
    assert server.wait(20) == 0
    assert "Traceback" not in server.log.read_text()


def test_a_reload_keeps_the_port_open_while_an_old_worker_finishes(server, tmp_path):
    long = send(server.port, "/long")
    time.sleep(0.5)

    server.send_signal(signal.SIGHUP)
    time.sleep(2)  # new workers started, the old ones told to stop

    assert get(server.port).endswith(b"answered /"), server.log.read_text()
    (tmp_path / "release").touch()
    assert answer(long).endswith(b"answered /long")
    assert get(server.port).endswith(b"answered /")
    assert "Traceback" not in server.log.read_text()
