"""The model on a Spark standalone cluster: every output table equals DuckDB's.

PySpark's own `spark-class` starts a Master and a Worker on localhost (two more JVMs); the model
runs with `CLIENTLOAD_SPARK_MASTER=spark://127.0.0.1:PORT`, its queries executed by the worker's
executor, which reads the workspace's Parquet copy by path (on one machine every executor sees
it). The company is the one imported month by month (`monthly_company`): its outputs on the
cluster are compared with DuckDB's on the same company imported in one file, so this also checks
monthly files against one file on Spark. Needs PySpark and Java 17+; skipped without them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pyspark = pytest.importorskip("pyspark")
if not shutil.which("java"):
    pytest.skip("Spark needs Java 17+ on PATH", allow_module_level=True)

from output_compare import table_differences  # noqa: E402

from clientload.engines.spark import MASTER_ENV  # noqa: E402
from clientload.model.pipeline import OUTPUT_TABLES  # noqa: E402
from clientload.run import run_model  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.spark]

CENT = 0.005


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, text: str, process: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text("utf-8", errors="replace"):
            return
        if process.poll() is not None:
            break
        time.sleep(0.5)
    tail = log.read_text("utf-8", errors="replace")[-3000:] if log.exists() else ""
    raise RuntimeError(f"{text!r} not in {log}:\n{tail}")


def _start(args: list[str], log: Path, env: dict[str, str]) -> subprocess.Popen:
    spark_class = Path(pyspark.__file__).parent / "bin" / "spark-class"
    with log.open("w") as out:
        return subprocess.Popen(
            [str(spark_class), *args], stdout=out, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,  # its own process group: stopped with the JVMs it starts
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """A standalone Master and one Worker (2 cores, 1 GB) on localhost; yields the master URL
    and the folder of their logs."""
    base = tmp_path_factory.mktemp("cluster")
    env = {
        **os.environ,
        "SPARK_HOME": str(Path(pyspark.__file__).parent),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_LOG_DIR": str(base / "logs"),
        "SPARK_WORKER_DIR": str(base / "work"),
        "PYSPARK_PYTHON": sys.executable,
    }
    port = _free_port()
    url = f"spark://127.0.0.1:{port}"
    master = _start(
        ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", str(port),
         "--webui-port", str(_free_port())],
        base / "master.log", env,
    )
    worker = None
    try:
        _wait_for(base / "master.log", "I have been elected leader", master)
        worker = _start(
            ["org.apache.spark.deploy.worker.Worker", url, "--cores", "2", "--memory", "1g",
             "--host", "127.0.0.1", "--webui-port", str(_free_port()),
             "--work-dir", str(base / "work")],
            base / "worker.log", env,
        )
        _wait_for(base / "worker.log", "Successfully registered with master", worker)
        yield url, base
    finally:
        if worker is not None:
            _stop(worker)
        _stop(master)


@pytest.fixture(scope="module")
def runs(cluster, monthly, tmp_path_factory):
    """DuckDB on the company imported in one file; Spark on the cluster on (a copy of) the
    company imported month by month."""
    from pyspark.sql import SparkSession

    _, by_month, _, duck = monthly
    copy = tmp_path_factory.mktemp("on-cluster") / "monthly"
    shutil.copytree(by_month.root, copy)
    active = SparkSession.getActiveSession()
    if active is not None:  # a local session of another test module would be reused
        active.stop()
    previous = os.environ.get(MASTER_ENV)
    os.environ[MASTER_ENV] = cluster[0]
    try:
        spark = run_model(copy, engine="spark", keep_history=False)
    finally:
        if previous is None:
            os.environ.pop(MASTER_ENV, None)
        else:
            os.environ[MASTER_ENV] = previous
        active = SparkSession.getActiveSession()
        if active is not None:
            active.stop()
    return duck, spark


def test_the_model_ran_on_the_cluster(runs, cluster):
    """The master registered the application and the worker launched its executor."""
    _, spark = runs
    assert spark.info["engine"] == "spark"
    logs = cluster[1]
    assert "Registering app clientload" in (logs / "master.log").read_text("utf-8")
    assert "Asked to launch executor" in (logs / "worker.log").read_text("utf-8")


@pytest.mark.parametrize("name", OUTPUT_TABLES)
def test_every_output_table_on_the_cluster_equals_duckdb(runs, name):
    duck, spark = runs
    assert table_differences(
        name, duck.tables[name], spark.tables[name], rel=1e-9, absolute=CENT
    ) == []


def test_headlines_on_the_cluster_equal_duckdb(runs):
    duck, spark = runs
    for figure in ("clients", "revenue", "total_contribution", "cost_to_serve"):
        assert spark.info["headlines"][figure] == pytest.approx(
            duck.info["headlines"][figure], abs=0.01
        ), figure
