"""`./build.py bench`: not written yet (issue: Benchmarks)."""
from . import ui


def main(proj):
    ui.error("bench: the benchmark suite is not built yet")
    return 1
