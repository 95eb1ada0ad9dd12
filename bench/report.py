# SPDX-License-Identifier: MIT
"""The results table: one line per operation, jailor against its peer, the
ratio, the DESIGN.md target and whether it is met (and by how much not)."""
import datetime
import os
import platform
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

BEGIN = "<!-- bench:begin (written by bench/run.py --doc) -->"
END = "<!-- bench:end -->"


@dataclass
class Result:
    operation: str
    jailor: str = "n/a"
    peer: str = "n/a"
    ratio: str = "n/a"
    target: str = ""
    verdict: str = ""
    also: list = field(default_factory=list)  # (label, text): floors, other peers, details


class RowFailed(Exception):
    """Part of a row failed: results holds what it measured, failed lines included."""

    def __init__(self, message, results):
        super().__init__(message)
        self.results = results


def ratio_text(a_ms, b_ms):
    return f"{a_ms / b_ms:.2f}" if b_ms else "n/a"


def against_ratio(a_ms, b_ms, limit):
    """Verdict for a target 'jailor ≤ limit × peer'."""
    r = a_ms / b_ms
    if r <= limit:
        return "met"
    return f"missed: {r / limit:.2f}× the target ({a_ms - limit * b_ms:+.1f} ms)"


def against_limit(value, limit, unit):
    if value <= limit:
        return "met"
    return f"missed: {value / limit:.2f}× the target (+{value - limit:.1f} {unit})"


def not_measured(operation, target, reason):
    return Result(operation, target=target, verdict=f"n/a: {reason}")


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // 1024
    debian = Path("/etc/debian_version").read_text().strip() if Path("/etc/debian_version").exists() else "?"

    def version(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True).stdout.strip().splitlines()
            return out[0] if out else "?"
        except OSError:
            return "missing"

    load = os.getloadavg()
    return [
        f"{os.cpu_count()} CPUs ({cpu}), {mem} MiB RAM, Debian {debian}, kernel {platform.release()}",
        "cgroups: " + ("hybrid (v1 controllers + cgroup2 at /sys/fs/cgroup/unified)"
                       if Path("/sys/fs/cgroup/unified").is_dir() else "see /proc/mounts"),
        f"LXC {version(['lxc-start', '--version'])}, {version(['systemd-nspawn', '--version']).split('(')[0].strip()}, "
        f"{version(['hyperfine', '--version'])}",
        f"load average at the end of the run: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    ]


def render(results, command, plan, started, notes):
    when = started.strftime("%Y-%m-%d %H:%M UTC")
    out = [f"Measured {when} with `{command}`"
           f" ({'smoke mode: one run each, not a measurement' if plan.smoke else f'{plan.runs} runs per command in {plan.rounds} interleaved rounds, medians with min–max'}).",
           "", "Machine: " + "; ".join(machine()) + ".", ""]
    out += ["| operation | jailor | peer | jailor/peer | target | status |",
            "|---|---|---|---|---|---|"]
    for r in results:
        out.append(f"| {r.operation} | {r.jailor} | {r.peer} | {r.ratio} | {r.target} | {r.verdict} |")
    also = [(r.operation, label, text) for r in results for label, text in r.also]
    if also:
        out += ["", "Also measured:", "", "| row | what | result |", "|---|---|---|"]
        out += [f"| {op} | {label} | {text} |" for op, label, text in also]
    if notes:
        out += ["", *[f"- {n}" for n in notes]]
    return "\n".join(out) + "\n"


def write_doc(doc, table):
    """Puts the table between the markers of docs/PERFORMANCE.md, keeping the rest."""
    doc = Path(doc)
    text = doc.read_text() if doc.exists() else f"# Performance\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text or END not in text:
        raise RuntimeError(f"{doc} has no '{BEGIN}' ... '{END}' markers to write the table between")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    doc.write_text(pattern.sub(lambda m: f"{BEGIN}\n{table}{END}", text, count=1))


def now():
    return datetime.datetime.now(datetime.timezone.utc)
