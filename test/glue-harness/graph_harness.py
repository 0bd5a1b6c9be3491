"""The graph half of the local Glue harness: the jobs of a real NeptuneGraphMigration (export.py, direct.py,
incremental.py, unchanged) under spark-submit local[2], reading MariaDB through a Glue Data Catalog on moto, writing
to a real Gremlin Server 3.7.1 (the one test/gremlin runs) or, for the export, to moto S3.

- GremlinServer: test/gremlin/run.py's start (loopback, free port, TLS with a throwaway certificate, C1-only JVM);
- GraphMigration: synth-graph.ts -> the jobs' DefaultArguments, the JDBC connection and the crawler's target; the
  connection is created in moto's Glue as synthesized, crawl() stands in for the crawler (one catalog table per
  source table: `<prefix><table>`, Location `<database>.<table>`, the columns lower-cased, classification mysql,
  connectionName), python_modules() stands in for Glue's `--additional-python-modules` install (pip --no-index of
  exactly the wheels the job lists, from templates/glue/python-modules, into a folder on the workers' PYTHONPATH),
  and run_job() maps `--extra-py-files` to the templates and runs the script as Glue builds sys.argv.
"""
import importlib.util
import json
import os
import re
import subprocess
import time
from pathlib import Path

from harness import HARNESS, REPO, TEMPLATES, JobFailed, spark_submit

GREMLIN_DIR = REPO / "test" / "gremlin"
NEPTUNE_TEMPLATES = TEMPLATES / "neptune"


def _gremlin_run_module():
    spec = importlib.util.spec_from_file_location("gremlin_run", GREMLIN_DIR / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class GremlinServer:
    """Gremlin Server 3.7.1 + TinkerGraph (test/gremlin's configuration: graphs g and bulk), started under services.dir."""

    def __init__(self, services):
        self.services = services
        self.process = None

    def start(self):
        run = _gremlin_run_module()
        base = run.install_dir()
        work = self.services.dir / "gremlin"
        work.mkdir()
        self.cert, store, password = run.make_certificate(str(work))
        self.port = run.free_port()
        config = run.server_config(str(work), self.port, store, password)
        log_path = str(work / "server.log")
        started = time.time()
        with open(log_path, "w") as server_log:
            self.process = subprocess.Popen(
                ["java", "-Xms128m", "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", os.path.join(base, "lib", "*"),
                 "org.apache.tinkerpop.gremlin.server.GremlinServer", config],
                cwd=str(work), stdout=server_log, stderr=subprocess.STDOUT, start_new_session=True)
        self.services.processes.append(("gremlin-server", self.process))
        run.wait_until_listening(self.process, self.port, log_path)
        self.services.timings["gremlinServerSeconds"] = round(time.time() - started, 1)
        return self


class GraphMigration:
    """A synthesized NeptuneGraphMigration deployed onto the harness: bucket, secret, JDBC connection, catalog."""

    def __init__(self, services, gremlin, mapping, database="shop", bucket="harness-graph-data", lookback_seconds=900, batch_size=2):
        self.services = services
        self.gremlin = gremlin
        self.bucket = bucket
        self.database = database
        services.boto("s3").create_bucket(Bucket=bucket)
        secret = services.boto("secretsmanager").create_secret(
            Name=f"harness-graph-source-{time.time_ns()}", SecretString=json.dumps({"username": "etl", "password": services.password}))["ARN"]
        synth_input = {"mapping": mapping, "lookbackSeconds": lookback_seconds, "batchSize": batch_size,
                       "source": {"host": "127.0.0.1", "port": services.mysql_port, "databaseName": database, "secretArn": secret}}
        out = subprocess.run(["npx", "--no-install", "tsx", str(HARNESS / "synth-graph.ts")], cwd=REPO, check=True,
                             capture_output=True, text=True, input=json.dumps(synth_input),
                             env={**os.environ, "TMPDIR": str(REPO / ".build" / "tmp")})
        synthesized = json.loads(out.stdout)
        self.jobs = synthesized["jobs"]
        self.connection = synthesized["connection"]
        self.crawler = synthesized["crawler"]
        glue = services.boto("glue")
        glue.create_connection(ConnectionInput={"Name": self.connection["name"], "ConnectionType": "JDBC",
                                                "ConnectionProperties": self.connection["properties"]})
        glue.create_database(DatabaseInput={"Name": self.crawler["database"]})
        self._modules = {}

    # ---- the crawler stand-in ----
    def crawl(self):
        """Catalogs every table of the crawler's path (`<database>/%`), as the crawler would (columns lower-cased)."""
        database, pattern = self.crawler["path"].split("/", 1)
        if pattern != "%":
            raise NotImplementedError(f"crawler path {self.crawler['path']}: the stand-in crawls whole databases only")
        rows = self.services.mysql_root(
            "SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS "
            f"WHERE TABLE_SCHEMA = '{database}' ORDER BY TABLE_NAME, ORDINAL_POSITION").splitlines()[1:]
        tables = {}
        for line in rows:
            table, column, data_type = line.split("\t")
            tables.setdefault(table, []).append({"Name": column.lower(), "Type": data_type.lower()})
        glue = self.services.boto("glue")
        for table, columns in tables.items():
            name = (self.crawler["tablePrefix"] + table).lower()
            table_input = {
                "Name": name,
                "StorageDescriptor": {"Columns": columns, "Location": f"{database}.{table}"},
                "Parameters": {"classification": "mysql", "connectionName": self.crawler["connectionName"], "typeOfData": "table"},
                "TableType": "EXTERNAL_TABLE",
            }
            try:
                glue.create_table(DatabaseName=self.crawler["database"], TableInput=table_input)
            except glue.exceptions.AlreadyExistsException:
                glue.update_table(DatabaseName=self.crawler["database"], TableInput=table_input)
        return sorted(tables)

    # ---- Glue's --additional-python-modules, offline ----
    def python_modules(self, kind):
        """Installs the wheels the job lists (s3://.../python-modules/<wheel>) from the vendored folder, --no-index."""
        arguments = self.jobs[kind]["arguments"]
        listed = arguments.get("--additional-python-modules")
        if not listed:
            return None
        if listed in self._modules:
            return self._modules[listed]
        if arguments.get("--python-modules-installer-option") != "--no-index":
            raise NotImplementedError("the harness installs python modules offline only (--python-modules-installer-option --no-index)")
        wheels = []
        for uri in listed.split(","):
            match = re.match(r"^s3://[^/]+/python-modules/([^/]+\.whl)$", uri.strip())
            if not match:
                raise ValueError(f"--additional-python-modules entry {uri!r} is not a wheel under python-modules/")
            wheels.append(str(TEMPLATES / "python-modules" / match.group(1)))
        target = self.services.dir / f"python-modules-{len(self._modules)}"
        started = time.time()
        subprocess.run([str(self.services.home / "venv/bin/python"), "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                        "--target", str(target)] + wheels, check=True, capture_output=True, text=True)
        # --no-deps: the job's list must be complete by itself, as Glue's installer would find nothing else offline;
        # a missing dependency fails the first import in the job.
        self.services.timings[f"pythonModules{len(self._modules)}Seconds"] = round(time.time() - started, 1)
        self._modules[listed] = target
        return target

    # ---- running a job ----
    def fill(self, value):
        value = re.sub(r"\$\{aws_s3_bucket\.[A-Za-z0-9_]+\.bucket\}", self.bucket, value)
        value = re.sub(r"\$\{aws_neptune_cluster\.[A-Za-z0-9_]+\.endpoint\}", "localhost", value)
        if "${" in value:
            raise ValueError(f"unresolved Terraform reference in job argument {value!r}")
        return value

    def local_script(self, uri):
        relative = self.fill(uri).split("/scripts/", 1)[1]  # s3://bucket/scripts/neptune/export.py -> neptune/export.py
        return TEMPLATES / relative

    def argv(self, kind, run_arguments):
        job = self.jobs[kind]
        arguments = {k: self.fill(v) for k, v in job["arguments"].items()}
        # The Neptune port is the server's, given as a run argument (a run's Arguments override DefaultArguments).
        arguments.update({"--neptune_port": str(self.gremlin.port)} if "--neptune_port" in arguments else {})
        arguments.update(run_arguments)
        arguments.update({"--JOB_ID": f"j_{kind}", "--JOB_RUN_ID": f"jr_{time.time_ns()}", "--JOB_NAME": job["name"]})
        argv = []
        for key, value in arguments.items():
            argv += [key, value]
        return argv

    def run_job(self, kind, run_arguments=None, label=None):
        """Runs one job to completion; returns (returncode, output, seconds)."""
        job = self.jobs[kind]
        py_files = [self.local_script(u) for u in job["arguments"].get("--extra-py-files", "").split(",") if u]
        modules = self.python_modules(kind)
        script = self.local_script(job["script"])
        env = {"SSL_CERT_FILE": str(self.gremlin.cert)}  # the writer's wss:// trusts the server's throwaway certificate
        return spark_submit(self.services, script, self.argv(kind, run_arguments or {}), py_files,
                            [script.parent] + ([modules] if modules else []), f"job-graph-{label or kind}.log", env)

    def run_job_checked(self, kind, run_arguments=None, label=None):
        code, output, seconds = self.run_job(kind, run_arguments, label)
        if code != 0:
            raise JobFailed(kind, label or kind, output)
        return output, seconds
