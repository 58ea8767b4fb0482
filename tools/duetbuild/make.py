"""A tiny incremental, parallel build engine (compile + link steps).

A step is rebuilt when its output is missing, when any input or any header
listed in its gcc dependency file (-MMD) is newer, or when its command line
changed (kept in OUTPUT.cmd). Nothing else: no global state, so `build` with
nothing to do only stats files.
"""
import concurrent.futures
import os
import subprocess
import sys
import threading

from . import buildlog, ui


class BuildError(Exception):
    pass


def _mtime(path):
    try:
        return os.stat(path).st_mtime_ns
    except FileNotFoundError:
        return None


def _depfile_inputs(depfile):
    try:
        text = open(depfile).read()
    except FileNotFoundError:
        return None
    text = text.replace("\\\n", " ")
    _, _, deps = text.partition(":")
    return [d for d in deps.split() if d != "\\"]


class Step:
    """One command producing one output file from inputs."""

    def __init__(self, output, inputs, argv, depfile=None, after=(), summarize=False):
        self.output, self.inputs, self.argv = output, list(inputs), list(argv)
        self.depfile = depfile
        # A user's app: a failure is summed up (first error, missing calls)
        # instead of leaving the whole compiler output as the last word.
        self.summarize = summarize
        self.after = list(after)  # steps that must finish first

    def _cmdfile(self):
        return self.output + ".cmd"

    def stale(self):
        out = _mtime(self.output)
        if out is None:
            return True
        try:
            if open(self._cmdfile()).read() != "\0".join(self.argv):
                return True
        except FileNotFoundError:
            return True
        inputs = list(self.inputs)
        if self.depfile:
            deps = _depfile_inputs(self.depfile)
            if deps is None:
                return True
            inputs += deps
        for i in inputs:
            m = _mtime(i)
            if m is None or m > out:
                return True
        return False

    def run(self, verbose, lock):
        os.makedirs(os.path.dirname(self.output) or ".", exist_ok=True)
        with lock:
            ui.cmd(self.argv, verbose)
        r = subprocess.run(self.argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # A user's failed step is summed up below instead (warnings, the wall
        # of ld output: all in OUTPUT.log); anything else is shown as it is.
        if r.stdout and not (r.returncode and self.summarize):
            with lock:  # compiler messages unmangled, one step at a time
                sys.stderr.buffer.write(r.stdout)
                sys.stderr.flush()
        if r.returncode != 0:
            try:
                os.unlink(self.output)
            except FileNotFoundError:
                pass
            if self.summarize:
                text = r.stdout.decode("utf-8", "replace")
                msg = buildlog.explain(self.output, text, is_link=not self.depfile)
                if msg:
                    with lock:
                        ui.error("%s: %s" % (os.path.relpath(self.output), msg))
            raise BuildError(os.path.relpath(self.output))
        with open(self._cmdfile(), "w") as f:
            f.write("\0".join(self.argv))


def run_steps(steps, verbose=False, jobs=None):
    """Runs the stale steps in dependency order, in parallel. Raises BuildError."""
    jobs = jobs or os.cpu_count() or 2
    lock = threading.Lock()
    done, failed = {}, []
    order = _topo(steps)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {}
        for step in order:
            waits = [futures[id(a)] for a in step.after if id(a) in futures]
            futures[id(step)] = pool.submit(_run_one, step, waits, verbose, lock, done, failed)
        for f in futures.values():
            f.result()
    if failed:
        raise BuildError(", ".join(failed))


def _run_one(step, waits, verbose, lock, done, failed):
    for w in waits:
        w.result()
    if any(not done.get(id(a), False) for a in step.after):
        return  # a prerequisite failed; its error was already printed
    try:
        # A step whose prerequisite was rebuilt must be re-checked now.
        if step.stale():
            step.run(verbose, lock)
        done[id(step)] = True
    except BuildError as e:
        done[id(step)] = False
        failed.append(str(e))


def _topo(steps):
    seen, order = set(), []

    def visit(s):
        if id(s) in seen:
            return
        seen.add(id(s))
        for a in s.after:
            visit(a)
        order.append(s)
    for s in steps:
        visit(s)
    return order
