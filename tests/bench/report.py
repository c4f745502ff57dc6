"""report.py - the benchmark table on the terminal and build/bench.json.

A row's ratio is ours / Linux on the medians: below 1 means we spend fewer
instructions (or nanoseconds) per operation; for throughput rows, marked
"(higher is better)", above 1 means we write faster.
"""

import json
import os

import rows

NOT_BUILT = "not built yet"


def fmt_value(fig):
    """Human form of a figure: 12,989 instr, 1.47 GB/s, 343 us."""
    if fig is None:
        return "-"
    v, unit = fig.median, fig.unit
    if unit == "instructions":
        return "{:,} insns".format(v)
    if unit == "ns":
        return "{:,} ns".format(v)
    if unit == "bytes/s":
        return "{:.1f} MB/s".format(v / 1e6)
    return "{:,} {}".format(v, unit)


def ratio(ours, linux):
    """ours / Linux on the medians, or None when either is missing or the
    units differ (a mismatch is a bug in one guest: no silent ratio)."""
    if ours is None or linux is None or linux.median == 0 \
            or ours.unit != linux.unit:
        return None
    return ours.median / linux.median


def table_rows(figs, ours_state):
    """One dict per table row from figs = {"ours": {...}, "linux": {...}}
    for one clock. ours_state explains an absent figure of ours."""
    out = []
    for row in rows.ROWS:
        o = figs["ours"].get(row.ours) if row.ours else None
        l = figs["linux"].get(row.linux) if row.linux else None
        out.append({
            "operation": row.operation,
            "ours_key": row.ours, "linux_key": row.linux,
            "ours": o.as_dict() if o else None,
            "ours_note": None if o or not row.ours else ours_state(row.ours),
            "linux": l.as_dict() if l else None,
            "ratio": ratio(o, l),
            "higher_is_better": row.higher_is_better,
            "_o": o, "_l": l})
    return out


def print_table(title, trows, wall=None):
    """Print the table; wall (same shape, wall clock) adds its figures and
    ratio as three more columns."""
    head = ["operation", "ours", "Linux", "ratio"]
    if wall is not None:
        head += ["ours (wall)", "Linux (wall)", "wall ratio"]
    lines = []
    for i, r in enumerate(trows):
        cells = [r["operation"] + (" (higher is better)"
                                   if r["higher_is_better"] else ""),
                 fmt_value(r["_o"]) if r["_o"] else
                 (r["ours_note"] or "-"),
                 fmt_value(r["_l"]),
                 "%.3f" % r["ratio"] if r["ratio"] is not None else "-"]
        if wall is not None:
            w = wall[i]
            cells += [fmt_value(w["_o"]) if w["_o"] else
                      (w["ours_note"] or "-"), fmt_value(w["_l"]),
                      "%.3f" % w["ratio"] if w["ratio"] is not None else "-"]
        lines.append(cells)
    widths = [max(len(c[i]) for c in lines + [head]) for i in range(len(head))]

    def emit(cells):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths))))

    print(title)
    emit(head)
    print("  ".join("-" * w for w in widths))
    for cells in lines:
        emit(cells)
    for r in trows:
        written = [fmt_bytes(f) for f in (r["_o"], r["_l"])]
        if written != ["-", "-"]:
            print("%s: disk bytes written (QEMU's count): ours %s, Linux %s"
                  % (r["operation"], written[0], written[1]))


def fmt_bytes(fig):
    """A figure's disk_write_bytes (bench.py oversub_boot): 1,234 (1.2
    MiB), or "-"."""
    n = fig.extra.get("disk_write_bytes") if fig else None
    if n is None:
        return "-"
    return "{:,} ({:.1f} MiB)".format(n, n / 1048576)


def strip(trows):
    return [{k: v for k, v in r.items() if not k.startswith("_")}
            for r in trows]


def write_json(path, doc):
    tmp = path + ".tmp"
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)
