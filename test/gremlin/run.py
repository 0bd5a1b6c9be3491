"""Runs the Neptune writer tests against a real Gremlin Server with TinkerGraph (npm run test:gremlin).

Starts Apache TinkerPop Gremlin Server 3.7.1 (installed by tools/toolchain/install-gremlin.sh) on 127.0.0.1, on a
free port, with TLS from a throwaway self-signed certificate (the writer opens wss:// as Neptune requires; the tests
trust the certificate through SSL_CERT_FILE, so neptune_writer.open_graph runs unchanged), waits until it answers,
runs test_*.py in this folder with the venv's gremlinpython (the committed wheels), and stops the server, each step
bounded in time. Prints where the time went. Exit status: the tests'.

Standard library only: run it with any python3.
Usage: python3 test/gremlin/run.py [unittest test names, e.g. test_writer.DirectWriteTest]
"""
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
START_TIMEOUT_SECONDS = 120
TEST_TIMEOUT_SECONDS = 600
STOP_TIMEOUT_SECONDS = 20


def log(message):
    print("[test:gremlin %s] %s" % (time.strftime("%H:%M:%S"), message), flush=True)


def install_dir():
    out = subprocess.run(["bash", os.path.join(REPO, "tools/toolchain/install-gremlin.sh"), "--print-dir"],
                         check=True, capture_output=True, text=True)
    path = out.stdout.strip()
    for marker in ("lib/.complete", "venv/.complete"):
        if not os.path.exists(os.path.join(path, marker)):
            sys.exit("%s is not installed: run bash tools/toolchain/install-gremlin.sh (or npm run test:gremlin)" % os.path.join(path, marker.split("/")[0]))
    return path


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_certificate(work):
    """A self-signed certificate for localhost / 127.0.0.1, valid 2 days, as PEM (for clients) and PKCS12 (server)."""
    key, cert, store = (os.path.join(work, n) for n in ("key.pem", "cert.pem", "server.p12"))
    password = secrets.token_hex(12)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "pkcs12", "-export", "-in", cert, "-inkey", key, "-out", store, "-passout", "pass:" + password],
                   check=True, capture_output=True)
    return cert, store, password


def server_config(work, port, store, password):
    with open(os.path.join(HERE, "gremlin-server.yaml")) as f:
        text = f.read()
    for name, value in (("@PORT@", str(port)), ("@DIR@", HERE), ("@KEYSTORE@", store), ("@KEYSTORE_PASSWORD@", password)):
        text = text.replace(name, value)
    path = os.path.join(work, "gremlin-server.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def wait_until_listening(process, port, log_path):
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("Gremlin Server exited with %s before listening; its log:\n%s" % (process.returncode, tail(log_path)))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.25)
    raise RuntimeError("Gremlin Server did not listen on 127.0.0.1:%d within %d s; its log:\n%s" % (port, START_TIMEOUT_SECONDS, tail(log_path)))


def tail(path, lines=40):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])
    except OSError:
        return "(no log)"


def stop(process):
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


def main(argv):
    started = time.monotonic()
    base = install_dir()
    java = shutil.which("java") or sys.exit("java is not on PATH (Java 17+ is needed)")
    work = tempfile.mkdtemp(prefix="gremlin-server-")
    process = None
    timings = {}
    try:
        t = time.monotonic()
        mapping = subprocess.run([os.path.join(REPO, "node_modules/.bin/tsx"), os.path.join(HERE, "mapping.ts")],
                                 check=True, capture_output=True, text=True, cwd=REPO).stdout
        mapping_path = os.path.join(work, "graph-mapping.json")
        with open(mapping_path, "w") as f:
            f.write(mapping)
        timings["compile mapping (tsx)"] = time.monotonic() - t

        t = time.monotonic()
        cert, store, password = make_certificate(work)
        port = free_port()
        config = server_config(work, port, store, password)
        log_path = os.path.join(work, "server.log")
        with open(log_path, "w") as server_log:
            # C1 only: the server lives for a minute, so the JIT's top tier would cost start time and never pay back.
            process = subprocess.Popen([java, "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", os.path.join(base, "lib", "*"),
                                        "org.apache.tinkerpop.gremlin.server.GremlinServer", config],
                                       cwd=work, stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        log("Gremlin Server 3.7.1 starting on 127.0.0.1:%d (pid %d, log %s)" % (port, process.pid, log_path))
        wait_until_listening(process, port, log_path)
        timings["server start"] = time.monotonic() - t
        log("listening after %.1f s" % timings["server start"])

        t = time.monotonic()
        env = dict(os.environ, GREMLIN_PORT=str(port), SSL_CERT_FILE=cert, GRAPH_MAPPING_FILE=mapping_path,
                   NEPTUNE_TEMPLATES=os.environ.get("NEPTUNE_TEMPLATES", os.path.join(REPO, "templates/glue/neptune")),
                   PYTHONDONTWRITEBYTECODE="1")
        names = ["-v"] + argv if argv else ["discover", "-v", "-s", HERE, "-p", "test_*.py", "-t", HERE]
        # ResourceWarnings come from aiohttp inside gremlinpython (sockets of its connection attempts), not from the code
        # under test; they would bury the test output.
        tests = subprocess.run([os.path.join(base, "venv/bin/python"), "-W", "ignore::ResourceWarning", "-m", "unittest"] + names,
                               cwd=HERE, env=env, timeout=TEST_TIMEOUT_SECONDS)
        timings["tests"] = time.monotonic() - t
        if tests.returncode != 0:
            log("tests failed; the server's log ends:\n" + tail(log_path))
        return tests.returncode
    finally:
        t = time.monotonic()
        if process is not None:
            stop(process)
            timings["server stop"] = time.monotonic() - t
        shutil.rmtree(work, ignore_errors=True)
        timings["total"] = time.monotonic() - started
        log("timings: " + ", ".join("%s %.1f s" % kv for kv in timings.items()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
