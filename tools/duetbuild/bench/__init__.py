"""The benchmarks (./build.py bench): exit latencies and boot (run.py), the
network rows (net.py), the SVG plot (plot.py) and run-to-run comparison
(compare.py). Apart from the build on purpose: nothing here is needed to
build or test."""
