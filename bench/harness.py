"""Timing, percentiles, the suite's processes and where results go (bench/results/)."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import eventlet
import requests

from tests import support

RESULTS = Path(__file__).resolve().parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Figures:
    name: str
    calls: int
    seconds: float
    per_second: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    concurrency: int = 1

    def line(self) -> str:
        return (
            f"{self.name:<44} c={self.concurrency:<3} {self.calls:>6} calls {self.per_second:>8.1f}/s  "
            f"p50 {self.p50_ms:7.2f} ms  p95 {self.p95_ms:7.2f} ms  p99 {self.p99_ms:7.2f} ms"
        )


def measure(name: str, operation, calls: int, concurrency: int = 1, clients=None) -> Figures:
    """`calls` calls of `operation(client, i)` by `concurrency` callers, each with its own client
    from `clients()` (a standalone nameko proxy serves one caller at a time); latency of each."""
    latencies: list[float] = []
    made = [clients() if clients else None for _ in range(concurrency)]

    def caller(worker: int):
        client = made[worker].start() if made[worker] is not None else None
        try:
            for i in range(worker, calls, concurrency):
                started = time.perf_counter()
                operation(client, i)
                latencies.append(time.perf_counter() - started)
        finally:
            if made[worker] is not None:
                made[worker].stop()

    started = time.perf_counter()
    threads = [eventlet.spawn(caller, worker) for worker in range(concurrency)]
    for thread in threads:
        thread.wait()
    elapsed = time.perf_counter() - started
    ms = [v * 1000 for v in latencies]
    figures = Figures(
        name,
        calls,
        round(elapsed, 3),
        round(calls / elapsed, 1),
        round(percentile(ms, 50), 2),
        round(percentile(ms, 95), 2),
        round(percentile(ms, 99), 2),
        concurrency,
    )
    print(figures.line())
    return figures


def waiting(amqp_uri: str) -> int:
    """Messages in the vhost's queues that a running service consumes (a queue the topology
    declared for a service not started in this run is not waited for)."""
    vhost = amqp_uri.rsplit("/", 1)[1]
    answer = requests.get(f"{support.MANAGEMENT}/api/queues/{vhost}", timeout=10)
    answer.raise_for_status()
    return sum(q.get("messages", 0) for q in answer.json() if q.get("consumers"))


def settle(amqp_uri: str, timeout: float = 300, unsent=None) -> float:
    """Wait, untimed, until no queue of the suite's vhost holds a message and `unsent()` (the
    deliveries notifications has not sent yet, when given) is 0: each phase then carries its
    own load, not the backlog of the one before. Returns the seconds waited, which the summary
    reports."""
    started = time.perf_counter()
    calm = 0
    while time.perf_counter() - started < timeout:
        quiet = waiting(amqp_uri) == 0 and (unsent is None or unsent() == 0)
        calm = calm + 1 if quiet else 0
        if calm >= 3:  # three readings half a second apart
            break
        time.sleep(0.5)
    return round(time.perf_counter() - started, 1)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def cpu_seconds_of(pid: int) -> float:
    """User + system CPU seconds the process has spent (/proc/<pid>/stat, fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def machine() -> dict:
    def run(*args):
        try:
            return subprocess.run(args, capture_output=True, text=True, timeout=20).stdout.strip()
        except OSError:
            return "?"

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1]
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory) / 1024 / 1024, 1),
        "python": sys.version.split()[0],
        "postgresql": run("psql", "--version"),
        "rabbitmq": run("rabbitmqctl", "version"),
        "kernel": platform.release(),
        "date": time.strftime("%Y-%m-%d"),
        # other work on the machine during the run: figures are ratios to a baseline of the same run
        "load_average_1_5_15": [round(v, 2) for v in os.getloadavg()],
    }


def save(name: str, result: dict, summary: list[str]) -> None:
    """`bench/results/<name>.json`, and its lines in the Markdown summary (bench/results/README.md)."""
    RESULTS.mkdir(exist_ok=True)
    result = dict(result, machine=machine(), summary=summary)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, default=_plain) + "\n")
    report()


def report() -> None:
    sections = []
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        load = data["machine"].get("load_average_1_5_15")
        sections.append(
            f"## {path.stem} ({data['machine']['date']}"
            + (
                f", load average {load[0]} / {load[1]} / {load[2]} on {data['machine']['cores']} cores"
                if load
                else ""
            )
            + ")\n\n"
            + "\n".join(data.get("summary", []))
        )
    first = json.loads(next(iter(sorted(RESULTS.glob("*.json")))).read_text())["machine"] if sections else {}
    header = (
        "# Benchmark results\n\nWritten by `make bench` (bench/); each figure is measured in the same run as "
        "its baseline.\n\nMachine: " + ", ".join(f"{k} {v}" for k, v in first.items()) + "\n\n"
    )
    (RESULTS / "README.md").write_text(header + "\n\n".join(sections) + "\n")


def _plain(value):
    return asdict(value) if hasattr(value, "__dataclass_fields__") else str(value)


def table(rows: list[Figures], baseline: Figures | None = None) -> list[str]:
    lines = [
        "| operation | callers | calls/s | p50 ms | p95 ms | p99 ms | p50 / echo p50 |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in rows:
        ratio = f"{f.p50_ms / baseline.p50_ms:.1f}×" if baseline else ""
        lines.append(
            f"| {f.name} | {f.concurrency} | {f.per_second} | {f.p50_ms} | {f.p95_ms} | {f.p99_ms} | {ratio} |"
        )
    return lines


class Processes:
    """Services as separate `coop serve` processes (how they run in production)."""

    def __init__(self, env: dict, folder: Path):
        self.env, self.folder, self.running = env, folder, {}

    def prepare(self):
        for step in (["migrate"], ["topology"]):
            subprocess.run(
                support.coop_command() + step,
                env=support.suite_env(self.env),
                check=True,
                capture_output=True,
                timeout=300,
            )

    def serve(self, name: str, index: int = 0, extra: dict | None = None):
        key = (name, index)
        self.running[key] = support.start_process(
            support.coop_command() + ["serve", name],
            dict(self.env, **(extra or {})),
            self.folder / f"{name}-{index}.log",
        )
        return self.running[key]

    def start_echo(self):
        nameko = str(Path(sys.executable).parent / "nameko")
        self.running[("echo", 0)] = support.start_process(
            [
                nameko,
                "run",
                "--config",
                str(support.ROOT / "deploy/nameko.yaml"),
                "bench.echo_service:EchoService",
            ],
            self.env,
            self.folder / "echo.log",
        )

    def wait_healthy(self, rpc_client, names):
        probe = rpc_client(timeout=2)

        def ok():
            try:
                return all(getattr(probe, n).health()["status"] == "ok" for n in names)
            except Exception:
                return False

        support.wait_for(ok, timeout=90, interval=0.5, message=f"{names}")

    def memory(self) -> dict:
        """Resident MB of each service process, and of each child it started (billing's PDF
        renderer, notifications' template workers), named after its parent."""
        found = {}
        for (name, index), process in self.running.items():
            if process.poll() is None:
                found[f"{name}-{index}"] = rss_mb(process.pid)
                for n, child in enumerate(children(process.pid)):
                    found[f"{name}-{index} child {n + 1}"] = rss_mb(child)
        return found

    def cpu_seconds(self) -> dict:
        """CPU seconds spent so far by each service process with its children (billing's PDF
        renderer, notifications' template workers) counted in."""
        spent = {}
        for (name, index), process in self.running.items():
            if process.poll() is None:
                pids = [process.pid, *children(process.pid)]
                spent[f"{name}-{index}"] = sum(cpu_seconds_of(pid) for pid in pids)
        return spent

    def cpu_per_call(self, before: dict, calls: int) -> dict:
        """Milliseconds of CPU per call each process spent since `before`, and their sum."""
        after = self.cpu_seconds()
        per_call = {
            name: round((after[name] - before.get(name, 0.0)) * 1000 / calls, 2)
            for name in after
            if not name.startswith("echo")
        }
        return dict(per_call, total=round(sum(per_call.values()), 2))

    def stop(self):
        for process in self.running.values():
            support.stop_process(process, grace=10)
