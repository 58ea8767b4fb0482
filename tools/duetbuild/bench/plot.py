"""A dependency-free SVG of the bench results: exit latency percentiles per
row (log scale), the median boot phases of `duet run hello`, the network
rows as Duet's fraction of native Linux, and the file rows as Duet over
native (log scale around 1.0)."""
import math


def _esc(s):
    return str(s).replace("&", "&amp;").replace("<", "&lt;")


def write_svg(path, r):
    rows = dict(r["exits"])
    if r["floor"]:
        rows["floor_mmio_exit"] = r["floor"]["mmio_exit"]
    w, row_h, left = 900, 26, 170
    phases = r["boot"]["phases"]
    net = [(k, v) for k, v in (r.get("net") or {}).items()
           if isinstance(v, dict) and v.get("duet_over_native")]
    files = [("%s %s" % (row, k), v, r["files"][row]["duet"][k], r["files"][row]["native"][k])
             for row in ("ramfs", "dir", "rootfs") if isinstance((r.get("files") or {}).get(row), dict)
             for k, v in r["files"][row]["duet_over_native"].items() if v]
    h = 60 + row_h * len(rows) + 60 + row_h * len(phases) + 40 + (60 + row_h * len(net) if net else 0)
    h += 60 + row_h * len(files) if files else 0
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (w, h),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="10" y="20" font-size="15">VM-exit latency (ns, log scale): '
           'bar = p50..p99, tick = mean</text>']
    vals = [v[k] for v in rows.values() for k in ("p50_ns", "p99_ns", "mean_ns") if v[k] > 0]
    lo, hi = (min(vals), max(vals)) if vals else (1, 10)
    lo, hi = math.log10(max(lo, 1)) - 0.1, math.log10(hi) + 0.1

    def x(v):
        return left + (math.log10(max(v, 1)) - lo) / (hi - lo) * (w - left - 40)
    y = 40
    for name, v in rows.items():
        out.append('<text x="10" y="%d">%s</text>' % (y + 14, _esc(name)))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="14" fill="#8ab"/>'
                   % (x(v["p50_ns"]), y + 3, max(x(v["p99_ns"]) - x(v["p50_ns"]), 1)))
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>'
                   % (x(v["mean_ns"]), x(v["mean_ns"]), y, y + 20))
        out.append('<text x="%.1f" y="%d" fill="#333">%d</text>'
                   % (x(v["p99_ns"]) + 4, y + 14, v["p50_ns"]))
        y += row_h
    y += 30
    out.append('<text x="10" y="%d" font-size="15">duet run hello: median phase times (ms)</text>' % y)
    y += 10
    top = max(phases.values()) if phases else 1
    for name, v in phases.items():
        out.append('<text x="10" y="%d">%s</text>' % (y + 14, _esc(name[:26])))
        out.append('<rect x="%d" y="%d" width="%.1f" height="14" fill="#c96"/>'
                   % (left + 40, y + 3, v / top * (w - left - 120)))
        out.append('<text x="%.1f" y="%d">%.2f</text>' % (left + 44 + v / top * (w - left - 120), y + 14, v))
        y += row_h
    if net:
        y += 30
        out.append('<text x="10" y="%d" font-size="15">network echo: Duet / native Linux '
                   '(1.0 = as fast)</text>' % y)
        y += 10
        for name, v in net:
            frac = min(v["duet_over_native"], 1.0)
            out.append('<text x="10" y="%d">%s</text>' % (y + 14, _esc(name)))
            out.append('<rect x="%d" y="%d" width="%.1f" height="14" fill="#eee"/>'
                       % (left + 40, y + 3, w - left - 120))
            out.append('<rect x="%d" y="%d" width="%.1f" height="14" fill="#6a6"/>'
                       % (left + 40, y + 3, frac * (w - left - 120)))
            out.append('<text x="%.1f" y="%d">%.3f (%s vs %s)</text>'
                       % (left + 44 + frac * (w - left - 120), y + 14, v["duet_over_native"],
                          v["duet"], v["native"]))
            y += row_h
    if files:
        y += 30
        out.append('<text x="10" y="%d" font-size="15">files: Duet / native MB/s (log scale, '
                   'line = as fast)</text>' % y)
        y += 10
        span = max(max(abs(math.log10(v)) for _, v, _, _ in files), 0.5)
        mid, half = left + 40 + (w - left - 160) / 2, (w - left - 160) / 2

        def fx(v):
            return mid + math.log10(v) / span * half
        top_y = y
        for name, v, d, n in files:
            out.append('<text x="10" y="%d">%s</text>' % (y + 14, _esc(name)))
            x0, x1 = sorted((mid, fx(v)))
            out.append('<rect x="%.1f" y="%d" width="%.1f" height="14" fill="%s"/>'
                       % (x0, y + 3, max(x1 - x0, 1), "#6a6" if v >= 1 else "#c66"))
            out.append('<text x="%.1f" y="%d">%.3f (%s vs %s)</text>'
                       % (max(x1, mid) + 4, y + 14, v, d, n))
            y += row_h
        out.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="black"/>' % (mid, mid, top_y, y))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out))
