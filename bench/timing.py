# SPDX-License-Identifier: MIT
"""Timing side by side.

hyperfine runs every command of a row in one invocation, but one command's
runs after the other's; so that a burst of load on the machine does not
land on one tool only, a row is measured in several rounds, the order of
the commands rotated each round, and the runs of all rounds are pooled.
Operations that change state (a clone is made and must be undone, a boot
is waited for) are timed here in Python with the same interleaving.
"""
import json
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field


@dataclass
class Stats:
    times: list = field(default_factory=list)  # seconds

    @property
    def median_ms(self):
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self):
        return min(self.times) * 1000

    @property
    def max_ms(self):
        return max(self.times) * 1000

    def text(self):
        if not self.times:
            return "n/a"
        if len(self.times) == 1:
            return fmt_ms(self.median_ms)
        return f"{fmt_ms(self.median_ms)} ({fmt_ms(self.min_ms, unit=False)}–{fmt_ms(self.max_ms)})"


def fmt_ms(ms, unit=True):
    if ms >= 10000:
        s = f"{ms / 1000:.1f}"
        return s + " s" if unit else s + " s"
    s = f"{ms:.1f}" if ms < 100 else f"{ms:.0f}"
    return s + " ms" if unit else s


@dataclass
class Plan:
    """How many runs: a real run, or the smoke mode of `make check`."""
    runs: int = 30
    rounds: int = 3
    warmup: int = 3
    smoke: bool = False

    @classmethod
    def smoke_plan(cls):
        return cls(runs=1, rounds=1, warmup=0, smoke=True)


def hyperfine(plan, commands, shell=False, prepare=None, env=None):
    """commands: {label: command line}; prepare: {label: command line} run
    before each timed run of that command.  Returns {label: Stats}."""
    labels = list(commands)
    result = {label: Stats() for label in labels}
    per_round = max(1, plan.runs // plan.rounds)
    # each command once first, so that a failing one is named with its own words
    for label in labels:
        if prepare and label in prepare:
            subprocess.run(["sh", "-c", prepare[label]], capture_output=True, env=env)
        argv = ["sh", "-c", commands[label]] if shell else commands[label].split()
        proc = subprocess.run(argv, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            raise RuntimeError(f"{label}: exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-1000:]}")
    for rnd in range(plan.rounds):
        order = labels[rnd % len(labels):] + labels[:rnd % len(labels)]
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            argv = ["hyperfine", "--style", "none", "--export-json", out.name,
                    "--runs", str(per_round), "--warmup", str(plan.warmup if rnd == 0 else 1 if plan.warmup else 0)]
            if not shell:
                argv.append("-N")
            if prepare:
                for label in order:
                    argv += ["--prepare", prepare.get(label, "true")]
            for label in order:
                argv += ["-n", label, commands[label]]
            proc = subprocess.run(argv, capture_output=True, text=True, env=env)
            if proc.returncode != 0:
                raise RuntimeError(f"hyperfine failed: {(proc.stderr or proc.stdout).strip()[-2000:]}")
            for entry in json.load(open(out.name))["results"]:
                result[entry["command"]].times += entry["times"]
    return result


def interleaved(plan, steps, runs=None):
    """steps: {label: (do, undo)}; do(i) is timed, undo(i) (may be None) is
    not.  Runs round-robin, the order rotated each run."""
    labels = list(steps)
    result = {label: Stats() for label in labels}
    n = runs if runs is not None else plan.runs
    for i in range(n):
        order = labels[i % len(labels):] + labels[:i % len(labels)]
        for label in order:
            do, undo = steps[label]
            t0 = time.perf_counter()
            do(i)
            result[label].times.append(time.perf_counter() - t0)
            if undo:
                undo(i)
    return result
