"""The local Glue harness: throwaway engines and a job runner that starts a real Glue script the way Glue would.

- MariaDB (source) and PostgreSQL (target) from Debian's packages, each a private instance on a free loopback port
  with its own data folder and a throwaway TLS certificate (the scripts require TLS on every JDBC session);
- moto_server as S3 and Secrets Manager: boto3 in etl_common reaches it through AWS_ENDPOINT_URL, Spark through S3A
  (the `s3` scheme mapped to S3AFileSystem, path-style, plain HTTP);
- run_job(): synthesized job -> `spark-submit --master local[2]` of the real script from templates/glue, with the job's
  DefaultArguments (Terraform references filled in) overridden by the run's arguments, as Glue builds sys.argv.

The installs come from tools/toolchain/install-glue.sh; GLUE_HOME points at its folder.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).resolve().parent
TEMPLATES = REPO / "templates" / "glue"
REGION = "us-east-1"
AWS_ENV = {"AWS_ACCESS_KEY_ID": "harness", "AWS_SECRET_ACCESS_KEY": "harness", "AWS_DEFAULT_REGION": REGION,
           "AWS_REGION": REGION}


def glue_home():
    home = os.environ.get("GLUE_HOME")
    if not home:
        home = subprocess.run(["bash", str(REPO / "tools/toolchain/install-glue.sh"), "--print-dir"], check=True,
                              capture_output=True, text=True).stdout.strip()
    return Path(home)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, what, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode} before listening on {port}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not listen on {port} within {timeout} s")


def run(cmd, **kwargs):
    done = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited with {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done


class Services:
    """Starts MariaDB, PostgreSQL and moto_server under one scratch folder; stop() ends exactly those processes."""

    def __init__(self, password="harness-Pa55", postgres=True):
        self.home = glue_home()
        self.with_postgres = postgres
        self.password = password
        # World-traversable, so the postgres user can reach its data folder.
        self.dir = Path(tempfile.mkdtemp(prefix="glue-harness-", dir=os.environ.get("KIT_GLUE_SCRATCH", "/tmp")))
        os.chmod(self.dir, 0o755)
        self.processes = []
        self.timings = {}

    # ---- lifecycle ----
    def start(self):
        started = time.time()
        try:
            self._certificate()
            self._start_moto()
            self._start_mariadb()
            if self.with_postgres:
                self._start_postgres()
        except BaseException:
            self.stop()
            raise
        self.timings["servicesSeconds"] = round(time.time() - started, 1)
        return self

    def stop(self):
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        self.processes = []
        if not os.environ.get("KIT_GLUE_KEEP"):
            shutil.rmtree(self.dir, ignore_errors=True)

    def _spawn(self, name, cmd, **kwargs):
        log = open(self.dir / f"{name}.log", "w")
        process = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, **kwargs)
        self.processes.append((name, process))
        return process

    def _certificate(self):
        self.cert = self.dir / "server.crt"
        self.key = self.dir / "server.key"
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-keyout", str(self.key), "-out", str(self.cert)])

    # ---- moto (S3 + Secrets Manager) ----
    def _start_moto(self):
        self.moto_port = free_port()
        process = self._spawn("moto", [str(self.home / "venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(self.moto_port)])
        wait_for_port(self.moto_port, "moto_server", process)
        self.endpoint = f"http://127.0.0.1:{self.moto_port}"

    def aws_env(self):
        return {**AWS_ENV, "AWS_ENDPOINT_URL": self.endpoint}

    def boto(self, service):
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION,
                            aws_access_key_id="harness", aws_secret_access_key="harness")

    # ---- MariaDB (source) ----
    def _start_mariadb(self):
        datadir = self.dir / "mariadb"
        datadir.mkdir()
        self.mysql_socket = str(self.dir / "mariadb.sock")
        run(["mariadb-install-db", "--no-defaults", f"--datadir={datadir}", "--user=root",
             "--auth-root-authentication-method=socket", "--skip-test-db"])
        self.mysql_port = free_port()
        process = self._spawn("mariadb", [
            "/usr/sbin/mariadbd", "--no-defaults", f"--datadir={datadir}", f"--socket={self.mysql_socket}",
            f"--port={self.mysql_port}", "--bind-address=127.0.0.1", "--user=root", "--skip-name-resolve",
            f"--ssl-cert={self.cert}", f"--ssl-key={self.key}",
            # MySQL 8 / RDS defaults: utf8mb4 everywhere. sql_mode without NO_ZERO_DATE/NO_ZERO_IN_DATE, so zero dates
            # can exist in the source (as in long-lived MySQL databases), and UTC sessions.
            "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci",
            "--sql-mode=ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO",
            "--default-time-zone=+00:00", "--innodb-buffer-pool-size=64M", "--max-connections=50",
        ])
        wait_for_port(self.mysql_port, "mariadbd", process)
        self.mysql_root(f"CREATE USER 'etl'@'%' IDENTIFIED BY '{self.password}' REQUIRE SSL; "
                        "GRANT ALL ON *.* TO 'etl'@'%';")

    def mysql_root(self, sql, database=None):
        """Runs SQL as root over the socket (seeding and schema changes)."""
        cmd = ["mariadb", "--no-defaults", "-uroot", f"--socket={self.mysql_socket}", "--batch", "--raw",
               "--default-character-set=utf8mb4"]
        if database:
            cmd.append(database)
        return run(cmd, input=sql).stdout

    def mysql_connect(self, database):
        import pymysql

        return pymysql.connect(unix_socket=self.mysql_socket, user="root", database=database, charset="utf8mb4",
                               autocommit=True)

    # ---- PostgreSQL (target) ----
    def _start_postgres(self):
        bindir = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
        datadir = self.dir / "postgres"
        datadir.mkdir(mode=0o700)
        self.pg_socket_dir = self.dir / "pg-socket"
        self.pg_socket_dir.mkdir()
        shutil.chown(self.pg_socket_dir, "postgres", "postgres")
        pwfile = self.dir / "pgpass"
        pwfile.write_text(self.password)
        key = self.dir / "pg.key"
        shutil.copy(self.key, key)
        for p in (datadir, pwfile, key):
            shutil.chown(p, "postgres", "postgres")
        os.chmod(key, 0o600)
        run([str(bindir / "initdb"), "-D", str(datadir), "-U", "etl", f"--pwfile={pwfile}", "-A", "scram-sha-256",
             "-E", "UTF8", "--locale=C.UTF-8"], user="postgres")
        pwfile.unlink()
        self.pg_port = free_port()
        process = self._spawn("postgres", [
            str(bindir / "postgres"), "-D", str(datadir), "-p", str(self.pg_port), "-k", str(self.pg_socket_dir),
            "-c", "listen_addresses=127.0.0.1", "-c", "ssl=on", "-c", f"ssl_cert_file={self.cert}",
            "-c", f"ssl_key_file={key}", "-c", "fsync=off", "-c", "shared_buffers=64MB", "-c", "TimeZone=UTC",
        ], user="postgres")
        wait_for_port(self.pg_port, "postgres", process)
        for _ in range(50):
            try:
                self.pg_connect("postgres").close()
                break
            except Exception:  # still starting up
                time.sleep(0.2)
        with self.pg_connect("postgres") as conn:
            conn.autocommit = True
            conn.execute("CREATE DATABASE app")

    def pg_connect(self, database="app"):
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.pg_port, user="etl", password=self.password,
                               dbname=database, sslmode="require")

    def pg_env(self):
        return {"PGHOST": "127.0.0.1", "PGPORT": str(self.pg_port), "PGUSER": "etl", "PGPASSWORD": self.password,
                "PGDATABASE": "app", "PGSSLMODE": "require"}


def fill_references(value, bucket, plan_key):
    """Fills the Terraform references of a synthesized job argument with the harness's values."""
    import re

    value = re.sub(r"\$\{aws_s3_bucket\.[A-Za-z0-9_]+\.bucket\}", bucket, value)
    value = re.sub(r"\$\{aws_s3_object\.[A-Za-z0-9_]+\.key\}", plan_key, value)
    if "${" in value:
        raise ValueError(f"unresolved Terraform reference in job argument {value!r}")
    return value


class Pipeline:
    """A synthesized GlueEtlPipeline (real module code) deployed onto the harness: plan uploaded, secrets created."""

    def __init__(self, services, tables, bucket="harness-etl-data", **options):
        self.services = services
        self.bucket = bucket
        s3 = services.boto("s3")
        s3.create_bucket(Bucket=bucket)
        secrets = services.boto("secretsmanager")
        arns = {}
        for name in ("source", "target"):
            arns[name] = secrets.create_secret(
                Name=f"harness-{name}-{time.time_ns()}", SecretString=json.dumps({"username": "etl", "password": services.password})
            )["ARN"]
        synth_input = {
            "tables": tables,
            "source": {"host": "127.0.0.1", "port": services.mysql_port, "databaseName": "shop", "secretArn": arns["source"]},
            "target": {"host": "127.0.0.1", "port": services.pg_port, "databaseName": "app", "secretArn": arns["target"]},
            **options,
        }
        out = subprocess.run(["npx", "--no-install", "tsx", str(HARNESS / "synth-pipeline.ts")], cwd=REPO, check=True,
                             capture_output=True, text=True, input=json.dumps(synth_input),
                             env={**os.environ, "TMPDIR": str(REPO / ".build" / "tmp")})
        synthesized = json.loads(out.stdout)
        self.plan = synthesized["plan"]
        self.plan_key = synthesized["planKey"]
        self.jobs = synthesized["jobs"]
        s3.put_object(Bucket=bucket, Key=self.plan_key, Body=json.dumps(self.plan, indent=2).encode("utf-8"))

    def argv(self, kind, run_arguments):
        """sys.argv as Glue builds it: script, then DefaultArguments overridden by the run's Arguments, then Glue's own."""
        job = self.jobs[kind]
        arguments = {k: fill_references(v, self.bucket, self.plan_key) for k, v in job["arguments"].items()}
        arguments.update(run_arguments)
        arguments.update({"--JOB_ID": f"j_{kind}", "--JOB_RUN_ID": f"jr_{time.time_ns()}", "--JOB_NAME": job["name"]})
        argv = []
        for key, value in arguments.items():
            argv += [key, value]
        return argv

    def script(self, kind):
        location = fill_references(self.jobs[kind]["script"], self.bucket, self.plan_key)
        relative = location.split("/scripts/", 1)[1]  # s3://bucket/scripts/etl/extract.py -> etl/extract.py
        return TEMPLATES / relative

    def run_job(self, kind, run_id, extra_arguments=None):
        """Runs one job to completion; returns (returncode, combined output, seconds)."""
        argv = self.argv(kind, {"--run_id": run_id, **(extra_arguments or {})})
        return spark_submit(self.services, self.script(kind), argv, [TEMPLATES / "etl" / "etl_common.py"],
                            [TEMPLATES / "etl"], log_name=f"job-{kind}-{run_id}.log")

    def run_job_checked(self, kind, run_id):
        code, output, seconds = self.run_job(kind, run_id)
        if code != 0:
            raise JobFailed(kind, run_id, output)
        return seconds

    def run_all(self, run_id):
        """extract, transform, load in order (the state machine's order); raises naming the job that failed."""
        timings = {}
        for kind in ("extract", "transform", "load"):
            timings[kind] = round(self.run_job_checked(kind, run_id), 1)
        return timings


def spark_submit(services, script, argv, py_files, python_path, log_name, extra_env=None):
    """`spark-submit --master local[2]` of a real script with Glue's argv; returns (returncode, output, seconds).

    py_files: the job's --extra-py-files (local copies); python_path: folders on the driver's and workers' PYTHONPATH
    besides this harness (for the awsglue double) and the script's own folder."""
    home = services.home
    jars = ",".join(str(p) for p in sorted((home / "jars").glob("*.jar")))
    s3a = {
        "fs.s3.impl": "org.apache.hadoop.fs.s3a.S3AFileSystem",
        "fs.AbstractFileSystem.s3.impl": "org.apache.hadoop.fs.s3a.S3A",
        "fs.s3a.endpoint": services.endpoint,
        "fs.s3a.endpoint.region": REGION,
        "fs.s3a.path.style.access": "true",
        "fs.s3a.connection.ssl.enabled": "false",
        "fs.s3a.access.key": "harness",
        "fs.s3a.secret.key": "harness",
        "fs.s3a.aws.credentials.provider": "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "fs.s3a.change.detection.mode": "none",
    }
    conf = {
        "spark.master": "local[2]",
        "spark.driver.memory": os.environ.get("KIT_GLUE_DRIVER_MEMORY", "1g"),
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": "2",
        "spark.sql.session.timeZone": "UTC",
        "spark.driver.extraJavaOptions": "-Duser.timezone=UTC",
        **{f"spark.hadoop.{k}": v for k, v in s3a.items()},
    }
    cmd = [str(home / "venv/bin/spark-submit"), "--jars", jars, "--driver-class-path", jars.replace(",", ":")]
    if py_files:
        cmd += ["--py-files", ",".join(str(p) for p in py_files)]
    for k, v in conf.items():
        cmd += ["--conf", f"{k}={v}"]
    cmd.append(str(script))
    cmd += argv
    env = {
        **os.environ, **services.aws_env(),
        "PYSPARK_PYTHON": str(home / "venv/bin/python"),
        "PYTHONPATH": os.pathsep.join([str(HARNESS)] + [str(p) for p in python_path]),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "TZ": "UTC",
        **(extra_env or {}),
    }
    started = time.time()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    seconds = time.time() - started
    output = done.stdout + done.stderr
    (services.dir / log_name).write_text(output)
    return done.returncode, output, seconds


class JobFailed(Exception):
    def __init__(self, kind, run_id, output):
        self.kind = kind
        self.output = output
        tail = "\n".join(line for line in output.splitlines() if "Error" in line or "error" in line)[-4000:]
        super().__init__(f"{kind} job of run {run_id} failed:\n{tail}")


if __name__ == "__main__":
    # Smoke start: `python harness.py` starts the engines, prints their ports, and stops them.
    svc = Services().start()
    try:
        print(json.dumps({"dir": str(svc.dir), "mysql": svc.mysql_port, "postgres": svc.pg_port, "s3": svc.endpoint,
                          **svc.timings}))
    finally:
        svc.stop()
    sys.exit(0)
