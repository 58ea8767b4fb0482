"""Compares two bench results.json files row by row: new / old ratios.

    ./build.py bench --compare OLD.json [NEW.json]   (NEW: build/bench/results.json)
Only ratios are printed: absolute times from different machines or boots
are not comparable, their ratios to each run's own floor are.
"""
import json

from . import exits


def _rows(r):
    rows = dict(r.get("exits", {}))
    if r.get("floor", {}).get("mmio_exit"):
        rows["floor_mmio_exit"] = r["floor"]["mmio_exit"]
    return rows


def _load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit("build.py bench --compare: %s: %s" % (path, e))


def compare(old_path, new_path):
    old, new = _load(old_path), _load(new_path)
    print("%-18s %12s %12s %8s %7s  %s" % ("row (p50 ns)", "old", "new", "new/old", "noise",
                                           "verdict (beyond the noise of these runs)"))
    o_rows, n_rows = _rows(old), _rows(new)
    o_noise, n_noise = old.get("exit_noise", {}), new.get("exit_noise", {})
    for name in sorted(set(o_rows) | set(n_rows)):
        o, n = o_rows.get(name), n_rows.get(name)
        if not o or not n:
            print("%-18s %12s %12s %8s" % (name, o and o["p50_ns"], n and n["p50_ns"], "-"))
            continue
        ratio = n["p50_ns"] / max(o["p50_ns"], 1)
        limit = max(o_noise.get(name, 0), n_noise.get(name, 0), exits.FLOOR_NOISE)
        mark = exits.verdict(ratio, o_noise.get(name), n_noise.get(name))
        print("%-18s %12d %12d %8.3f %6.1f%%  %s" % (name, o["p50_ns"], n["p50_ns"], ratio,
                                                   100 * limit, mark and "* " + mark))
    for key in sorted(set(old.get("ratios", {})) | set(new.get("ratios", {}))):
        print("%-32s old %s new %s" % (key, old.get("ratios", {}).get(key),
                                       new.get("ratios", {}).get(key)))
    ob, nb = old.get("boot", {}), new.get("boot", {})
    print("boot duet/floor: old %s new %s" % (ob.get("duet_over_floor"), nb.get("duet_over_floor")))
    op, np_ = ob.get("duet_over_floor_paired") or {}, nb.get("duet_over_floor_paired") or {}
    if op or np_:
        print("boot duet/floor paired (median, quartiles): old %s new %s" % (
            op and "%s (%s-%s)" % (op["median"], op["q1"], op["q3"]),
            np_ and "%s (%s-%s)" % (np_["median"], np_["q1"], np_["q3"])))
    print("boot cold duet/floor: old %s new %s" % (ob.get("duet_cold_over_floor_cold"),
                                                   nb.get("duet_cold_over_floor_cold")))
    print("boot irq app/floor: old %s new %s" % (ob.get("irq_app_over_floor"),
                                                 nb.get("irq_app_over_floor")))
    for row in ("ramfs", "dir"):  # the file row: each run's Duet over its own native
        o = (old.get("files") or {}).get(row, {}).get("duet_over_native", {})
        n = (new.get("files") or {}).get(row, {}).get("duet_over_native", {})
        for k in sorted(set(o) | set(n)):
            print("files %-5s %-10s duet/native: old %s new %s" % (row, k, o.get(k), n.get(k)))
    return 0
