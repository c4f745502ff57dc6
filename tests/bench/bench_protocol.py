"""bench_protocol.py - read the BENCH lines a benchmark guest printed.

Lines (docs/bench.md), everything else on the console being ignored:
    BENCH PLAN <key> <key> ...          the figures this boot will print
    BENCH INFO <name>=<value> ...       facts about the run (free form)
    BENCH <key> median=<n> min=<n> max=<n> count=<n> unit=<u> [k=v ...]
    BENCH ERROR <key>: <reason>         the figure could not be measured
    BENCH DONE                          after the last figure
The serial log is untrusted input: a malformed BENCH line becomes a
problem naming the line, never an exception.
"""

import re

_KEY = re.compile(r"[a-z][a-z0-9_]*$")
_REQUIRED_INT = ("median", "min", "max", "count")


class Figure:
    """One figure: median, min and max over count runs, in unit."""

    def __init__(self, median, lo, hi, count, unit, extra=None):
        self.median = median
        self.min = lo
        self.max = hi
        self.count = count
        self.unit = unit
        self.extra = dict(extra or {})

    def as_dict(self):
        d = {"median": self.median, "min": self.min, "max": self.max,
             "count": self.count, "unit": self.unit}
        d.update(self.extra)
        return d


class BootLog:
    """What one boot printed: plan, figures, info, errors, problems."""

    def __init__(self):
        self.plan = None        # list of keys, or None if no PLAN line
        self.figures = {}       # key -> Figure
        self.info = {}          # name -> value (last one wins)
        self.errors = {}        # key -> reason
        self.done = False
        self.problems = []      # malformed or repeated lines


def _figure(key, fields):
    """Build a Figure from k=v words; returns (Figure, None) or (None, why)."""
    kv = {}
    for word in fields:
        k, eq, v = word.partition("=")
        if not eq or not k or k in kv:
            return None, "bad field %r" % word
        kv[k] = v
    try:
        nums = [int(kv.pop(k)) for k in _REQUIRED_INT]
    except KeyError as e:
        return None, "missing %s" % e
    except ValueError:
        return None, "a median/min/max/count that is not an integer"
    unit = kv.pop("unit", None)
    if not unit:
        return None, "missing unit"
    med, lo, hi, count = nums
    if count < 1 or not lo <= med <= hi or lo < 0:
        return None, "inconsistent values (need 0 <= min <= median <= max, " \
                     "count >= 1)"
    extra = {k: int(v) if v.isdigit() else v for k, v in kv.items()}
    return Figure(med, lo, hi, count, unit, extra), None


def parse(text):
    """Parse a serial log into a BootLog."""
    log = BootLog()
    for raw in text.splitlines():
        line = raw.replace("\r", "").strip()
        if not line.startswith("BENCH "):
            continue
        words = line.split()
        head = words[1] if len(words) > 1 else ""
        if head == "PLAN":
            if log.plan is not None:
                log.problems.append("second PLAN line: %s" % line)
            bad = [k for k in words[2:] if not _KEY.match(k)]
            if bad:
                log.problems.append("bad keys in PLAN: %s" % " ".join(bad))
            log.plan = words[2:]
        elif head == "INFO":
            for word in words[2:]:
                k, eq, v = word.partition("=")
                if eq:
                    log.info[k] = v
        elif head == "DONE":
            log.done = True
        elif head == "ERROR":
            key, _, reason = line[len("BENCH ERROR "):].partition(":")
            log.errors[key.strip()] = reason.strip()
        elif _KEY.match(head):
            fig, why = _figure(head, words[2:])
            if fig is None:
                log.problems.append("malformed figure (%s): %s" % (why, line))
            elif head in log.figures:
                log.problems.append("figure %s printed twice" % head)
            else:
                log.figures[head] = fig
        else:
            log.problems.append("unknown BENCH line: %s" % line)
    return log


def combine(figures):
    """Merge one-sample figures (count=1) from several boots into one
    figure over all of them. Returns (Figure, None) or (None, why)."""
    if any(f.count != 1 for f in figures):
        return None, "cannot merge figures that are already medians"
    units = {f.unit for f in figures}
    if len(units) != 1:
        return None, "boots disagree on the unit: %s" % sorted(units)
    vals = sorted(f.median for f in figures)
    n = len(vals)
    med = vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2] + 1) // 2
    return Figure(med, vals[0], vals[-1], n, units.pop(),
                  {"iters": 1, "boots": n}), None
