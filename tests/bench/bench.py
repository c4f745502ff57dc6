#!/usr/bin/env python3
"""bench.py - make bench and make bench-smoke: our benchmark image and a
Linux guest, booted under the same QEMU settings in one run, side by side.

The main clock is QEMU's -icount shift=0, under which the guest TSC
counts instructions; --wall adds TCG without icount as a noisy second
opinion. Linux boots once for every row and --boots - 1 more times for
the boot figures alone. Our image (build/bench.img, when it exists) boots
once for every row; our boot figures, the resume rows, come from
build/bench-resume.img: a copy of it is populated (one boot writes and
commits 64 MiB or 1 GiB of page data) and then restarted --boots times
per size. The oversubscribed row has a boot of its own on each side,
with less memory (guests.OVERSUB_MEMORY): ours boots
build/bench-oversub.img, Linux swaps to a disk of the same size; QEMU
counts the bytes each writes to its disk. The table goes to stdout,
every figure to build/bench.json. --smoke runs one iteration of each
row and prints the test protocol of docs/testing.md (suite bench-smoke)
instead: it checks that every figure appeared, never what it is.
"""

import argparse
import os
import sys

import bench_protocol
import guests
import report
import rows

SUITE = "bench-smoke"
TIMEOUT_FULL = 900      # one boot that runs every row (about 40 s here)
TIMEOUT_BOOT = 240      # one boot for the boot figures alone
TIMEOUT_POPULATE = 600  # writing and committing 1 GiB (about 35 s here)
ICOUNT_TOLERANCE = 0.001
# The resume rows: key, MiB of page data the store holds, and under
# --smoke (which checks that the figures appear, not their values).
RESUME = [("resume_64m", 64, 1), ("resume_1g", 1024, 2)]
# A populate boot writing more than this many MiB gets more memory than
# the 512 MiB the measured boots get: it writes in 128 MiB steps, and a
# 512 MiB guest, full of the clean pages of the first three, could not
# commit the fourth (docs/bench.md).
POPULATE_BIG_MIB = 256
POPULATE_BIG_MEMORY = "2G"
TIMEOUT_OVERSUB = 600   # the oversubscribed row's boot (20-30 s here)
# Under --smoke the oversubscribed row's region is this many MiB, which
# fit in memory: the smoke checks that the figure appears, not what it
# is, and the full region takes 20-30 s a side.
OVERSUB_SMOKE_MIB = 8


def linux_files(build):
    """Paths of the Linux guest's parts; a clear error if one is missing."""
    d = os.path.join(build, "bench", "linux")
    files = {"vmlinuz": os.path.join(d, "vmlinuz"),
             "initramfs": os.path.join(d, "initramfs.cpio"),
             "kernel": os.path.join(d, "kernel.txt")}
    for name, path in files.items():
        if not os.path.isfile(path):
            raise guests.GuestError(
                "%s is missing: `make bench` (or `make bench-smoke`) fetches "
                "Debian's kernel and builds the initramfs" % path)
    kernel = {}
    with open(files["kernel"]) as f:
        for line in f:
            k, _, v = line.strip().partition("=")
            kernel[k] = v
    files["kernel"] = kernel
    return files


def boot_side(side, target, build, clock, args):
    """Boot Linux args.boots times (once under --smoke), our bench.img
    once. Returns a list of (words, Run, BootLog)."""
    icount = clock == "icount"
    full = "bench.runs=%d bench.clock=%s" % (args.runs, clock)
    if args.smoke:
        full = "bench.iters=1 bench.runs=1 bench.clock=%s" % clock
    boots = [full]
    if side == "linux" and not args.smoke:
        boots += ["bench.runs=1 bench.only=boot bench.clock=%s" % clock
                  ] * (args.boots - 1)
    out = []
    for i, words in enumerate(boots):
        log = os.path.join(build, "bench", "logs",
                           "%s-%s-%d.log" % (side, clock, i + 1))
        disk = os.path.join(build, "bench", "%s-disk.img" % side)
        argv = (guests.linux_args(target, log, words, icount, disk)
                if side == "linux" else
                guests.ours_args(target, log, words, icount, disk))
        timeout = TIMEOUT_FULL if i == 0 else TIMEOUT_BOOT
        print("bench: %s, %s, boot %d/%d (%s)" % (side, clock, i + 1,
              len(boots), "every row" if i == 0 else "boot figures"),
              flush=True)
        r = guests.run(argv, log, timeout)
        print("bench:   %.0f s, log %s" % (r.seconds, log), flush=True)
        out.append((words, r, bench_protocol.parse(r.text)))
    return out


def populate(image, build, args):
    """Make the stores of the resume rows: for each size a sparse copy of
    build/bench-resume.img, booted once (plain TCG, the figure is not
    taken here) with bench.resume_mib=N so that its process writes N MiB
    and commits them. Returns ({key: disk path}, [problems]); a key
    whose store could not be made is left out, with a problem."""
    disks, problems = {}, []
    for key, mib, smoke_mib in RESUME:
        mib = smoke_mib if args.smoke else mib
        disk = resume_disk(build, key)
        log = os.path.join(build, "bench", "logs",
                           "ours-populate-%s.log" % key)
        memory = POPULATE_BIG_MEMORY if mib > POPULATE_BIG_MIB else None
        argv = guests.ours_args(image, log, "bench.resume_mib=%d" % mib,
                                False, disk, memory)
        print("bench: ours, %s store: writing %d MiB" % (key, mib),
              flush=True)
        r = guests.run(argv, log, TIMEOUT_POPULATE)
        print("bench:   %.0f s, log %s" % (r.seconds, log), flush=True)
        want = "resume: populated %d MiB" % mib
        if r.timed_out or r.status != 1 or want not in r.text:
            problems.append("ours: %s: populating its store failed (%s); "
                            "see %s" % (key, "timed out" if r.timed_out
                                        else "status %s" % r.status, log))
            remove(disk)
            continue
        disks[key] = disk
    return disks, problems


def resume_disk(build, key):
    """Where the store of resume row key is made; bench.py removes it."""
    return os.path.join(build, "bench", "ours-%s.img" % key)


def remove(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def resume_boots(disks, build, clock, args):
    """The measured restarts: each populated store booted args.boots
    times (once under --smoke) with bench.only=KEY. Nothing is committed
    in these boots, so they all restart the same generation from the
    same disk. Returns a list of (words, Run, BootLog)."""
    out = []
    n = 1 if args.smoke else args.boots
    for key, _, _ in RESUME:
        if key not in disks:
            continue
        words = "bench.only=%s bench.runs=1 bench.clock=%s" % (key, clock)
        for i in range(n):
            log = os.path.join(build, "bench", "logs",
                               "ours-%s-%s-%d.log" % (clock, key, i + 1))
            argv = guests.ours_args(None, log, words, clock == "icount",
                                    disks[key])
            print("bench: ours, %s, %s restart %d/%d" % (clock, key, i + 1,
                  n), flush=True)
            r = guests.run(argv, log, TIMEOUT_BOOT)
            print("bench:   %.0f s, log %s" % (r.seconds, log), flush=True)
            out.append((words, r, bench_protocol.parse(r.text)))
    return out


def oversub_boot(side, target, image, build, clock, args):
    """The oversubscribed row's boot of side: guests.OVERSUB_MEMORY of
    RAM and a region of guests.OVERSUB_REGION_MIB (twice that; 8 MiB
    under --smoke). Ours boots a sparse copy of image
    (build/bench-oversub.img); Linux (target: its files) swaps to a disk
    of image's size, made a swap area by the host's mkswap. QEMU logs
    each write request to the disk, and the figure gets their bytes as
    disk_write_bytes. Both disks are deleted after the boot. Returns
    (words, Run, BootLog)."""
    key = rows.OVERSUB_KEYS[side]
    mib = OVERSUB_SMOKE_MIB if args.smoke else guests.OVERSUB_REGION_MIB
    icount = clock == "icount"
    words = "bench.only=%s bench.region_mib=%d bench.runs=1 " \
        "bench.clock=%s" % (key, mib, clock)
    base = os.path.join(build, "bench", "logs", "%s-%s-%s" % (side, clock,
                                                               key))
    log, trace = base + ".log", base + ".trace"
    disk = oversub_disk(build, side)
    print("bench: %s, %s, %s: %s RAM, region %d MiB" % (
        side, clock, key, guests.OVERSUB_MEMORY, mib), flush=True)
    remove(trace)
    try:
        if side == "linux":
            guests.make_swap_disk(disk, os.path.getsize(image) if image
                                  else mib << 20)
            argv = guests.linux_boot(target, log, words, icount, disk,
                                     guests.OVERSUB_MEMORY)
        else:
            argv = guests.ours_args(image, log, words, icount, disk,
                                    guests.OVERSUB_MEMORY)
        r = guests.run(argv + guests.write_trace_args(trace), log,
                       TIMEOUT_OVERSUB)
    finally:
        remove(disk)        # up to the region's size in real blocks
    written = guests.disk_write_bytes(trace)
    remove(trace)           # a line per write request: megabytes
    blog = bench_protocol.parse(r.text)
    if written is None:
        blog.problems.append("QEMU's log of disk writes (-trace %s) is "
                             "missing or malformed" % guests.WRITE_EVENT)
    elif key in blog.figures:
        blog.figures[key].extra["disk_write_bytes"] = written
    print("bench:   %.0f s, disk bytes written %s, log %s" % (
        r.seconds, "unknown" if written is None else "{:,}".format(written),
        log), flush=True)
    return words, r, blog


def oversub_disk(build, side):
    """Where a side's disk of the oversubscribed row is made."""
    return os.path.join(build, "bench", "%s-oversub.img" % side)


def check_boot(side, i, run, log):
    """Problems with one boot: timeout, bad exit, unknown or missing keys."""
    p = ["%s boot %d: %s" % (side, i + 1, x) for x in log.problems]
    where = "%s boot %d" % (side, i + 1)
    ok_status = (0,) if side == "linux" else (0, 1)
    if run.timed_out:
        p.append("%s: timed out after %.0f s" % (where, run.seconds))
    elif run.status not in ok_status:
        p.append("%s: QEMU exited with status %s%s" % (
            where, run.status, (": " + run.stderr) if run.stderr else ""))
    if log.plan is None:
        p.append("%s: no BENCH PLAN line (the benchmark never started)"
                 % where)
        return p
    known = set(rows.keys(side))
    for key in log.plan:
        if key not in known:
            p.append("%s: key %s is not in tests/bench/rows.py" % (where, key))
        elif key in log.errors:
            p.append("%s: %s failed: %s" % (where, key, log.errors[key]))
        elif key not in log.figures:
            p.append("%s: %s planned but never printed" % (where, key))
    for key in log.figures:
        if key not in log.plan:
            p.append("%s: %s printed but not planned" % (where, key))
    if not log.done:
        p.append("%s: no BENCH DONE line" % where)
    return p


def aggregate(side, boots, every_row=True):
    """Figures of one side over its boots: per-boot keys are combined,
    every other key comes from the one boot that ran every row (the
    first, if every_row)."""
    figs, problems, seen = {}, [], {}
    for i, (_, run, log) in enumerate(boots):
        problems += check_boot(side, i, run, log)
        for key, fig in log.figures.items():
            seen.setdefault(key, []).append(fig)
    for key, found in seen.items():
        if len(found) == 1:
            figs[key] = found[0]
            continue
        if key not in rows.PER_BOOT_KEYS:
            problems.append("%s: %s printed by %d boots (boots after the "
                            "first get bench.only=boot and may print only "
                            "the per-boot figures of rows.PER_BOOT_KEYS)"
                            % (side, key, len(found)))
            continue
        fig, why = bench_protocol.combine(found)
        if fig is None:
            problems.append("%s: %s: %s" % (side, key, why))
        else:
            figs[key] = fig
    if side == "linux" and every_row and boots[0][2].plan is not None:
        for key in rows.keys("linux"):
            if key not in boots[0][2].plan and \
                    key not in rows.OVERSUB_KEYS.values():
                problems.append("linux: /init does not plan %s" % key)
    return figs, problems


def icount_check(info):
    """Did the TSC count exactly the instructions of /init's test loop?"""
    raw = info.get("insn_check"), info.get("loop_insns"), info.get("tsc_min")
    try:
        loop, tsc = int(raw[1]), int(raw[2])
    except (TypeError, ValueError):
        return {"ok": False, "why": "no insn_check line from /init"}
    ok = 0 <= tsc - loop <= loop * ICOUNT_TOLERANCE
    return {"ok": ok, "loop_insns": loop, "tsc_min": tsc,
            "why": "" if ok else "TSC delta %d for a loop of %d instructions"
            % (tsc, loop)}


def measure(clock, files, image, disks, oversub, build, args):
    """Boot both sides under one clock; returns the clock's results.
    disks: the populated stores of the resume rows (populate());
    oversub: build/bench-oversub.img, or None if it is missing."""
    res = {"figures": {}, "info": {}, "problems": [], "boots": {}}
    sides = [("linux", files)] + ([("ours", image)] if image else [])
    for side, target in sides:
        boots = [] if args.only_oversub else boot_side(side, target, build,
                                                       clock, args)
        if side == "linux" or oversub is not None:
            boots.append(oversub_boot(side, target, oversub, build, clock,
                                      args))
            res["info"][side + "_oversub"] = boots[-1][2].info
        if side == "ours":
            restarts = resume_boots(disks, build, clock, args)
            boots += restarts
            res["info"]["ours_resume"] = [dict(log.info, words=words)
                                          for words, _, log in restarts]
        figs, problems = aggregate(side, boots, not args.only_oversub)
        res["figures"][side] = figs
        res["info"][side] = boots[0][2].info if boots else {}
        res["problems"] += problems
        res["boots"][side] = boots
    res["figures"].setdefault("ours", {})
    # bench_check_icount() prints loop_insns and tsc_min on its INFO line.
    res["icount_check"] = icount_check(res["info"].get("linux", {})) \
        if clock == "icount" else None
    return res


def smoke_report(res, image):
    """Print the bench-smoke suite; returns True if every test passed."""
    tests = []
    figures, errors = {}, {}
    for _, _, log in res["boots"]["linux"]:
        figures.update(log.figures)
        errors.update(log.errors)
    probs = res["problems"]
    lp = [p for p in probs if p.startswith("linux")]
    tests.append(("linux_complete", "; ".join(lp)))
    for key in rows.keys("linux"):
        why = ""
        if key in errors:
            why = errors[key]
        elif key not in figures:
            why = "no BENCH %s line" % key
        tests.append(("linux_" + key, why))
    ic = res["icount_check"]
    tests.append(("linux_icount_counts_instructions", ic["why"]))
    if image:
        op = [p for p in probs if p.startswith("ours")]
        tests.append(("ours_complete", "; ".join(op)))
        planned = []
        for _, _, olog in res["boots"]["ours"]:
            for key in olog.plan or []:
                planned.append(key)
                tests.append(("ours_" + key, olog.errors.get(key, "")
                              if key in olog.figures or key in olog.errors
                              else "no BENCH %s line" % key))
        for key in [k for k, _, _ in RESUME] + [rows.OVERSUB_KEYS["ours"]]:
            if key not in planned:
                tests.append(("ours_" + key, "never planned: " + "; ".join(
                    p for p in op if key in p)))
    else:
        print("bench: build/bench.img not built yet: our rows skipped")
    print("TEST PLAN %s %d" % (SUITE, len(tests)))
    for name, why in tests:
        if why:
            print("TEST FAIL %s.%s: %s" % (SUITE, name, why.replace("\n", " ")))
        else:
            print("TEST PASS %s.%s" % (SUITE, name))
    print("TEST DONE %s" % SUITE)
    return not any(why for _, why in tests)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--smoke", action="store_true",
                    help="one iteration of each row, test protocol output")
    ap.add_argument("--wall", action="store_true",
                    help="also run TCG without icount (wall-clock ratios)")
    ap.add_argument("--runs", type=int, default=5,
                    help="timed runs per row (default 5)")
    ap.add_argument("--boots", type=int, default=5,
                    help="boots per side for the boot figures (default 5)")
    ap.add_argument("--only-oversub", action="store_true",
                    help="only the oversubscribed row's two boots")
    ap.add_argument("--json", default=None,
                    help="output file (default BUILD/bench.json)")
    args = ap.parse_args()
    if not 1 <= args.runs <= 64 or not 1 <= args.boots <= 50:
        ap.error("--runs must be 1..64 and --boots 1..50")
    try:
        files = linux_files(args.build)
        qemu = guests.qemu_version()
        image = os.path.join(args.build, "bench.img")
        image = image if os.path.isfile(image) else None
        resume = os.path.join(args.build, "bench-resume.img")
        oversub = os.path.join(args.build, "bench-oversub.img")
        oversub = oversub if os.path.isfile(oversub) else None
        clocks = ["icount"] + (["wall"] if args.wall and not args.smoke
                               else [])
        disks, prep = {}, []
        try:
            if image is not None and oversub is None:
                prep.append("ours: %s is missing: the oversubscribed row "
                            "needs it (make bench builds it)"
                            % os.path.join(args.build, "bench-oversub.img"))
            if image is not None and not os.path.isfile(resume):
                prep.append("ours: %s is missing: the resume rows need it "
                            "(make bench builds it)" % resume)
            elif image is not None and not args.only_oversub:
                disks, problems = populate(resume, args.build, args)
                prep += problems
            results = {c: measure(c, files, image, disks, oversub,
                                  args.build, args)
                       for c in clocks}
        finally:
            for key, _, _ in RESUME:
                remove(resume_disk(args.build, key))   # up to 1 GiB each
        results["icount"]["problems"] += prep
    except (guests.GuestError, OSError) as e:
        if args.smoke:
            print("TEST PLAN %s 1\nTEST FAIL %s.setup: %s\nTEST DONE %s"
                  % (SUITE, SUITE, e, SUITE))
        sys.exit("bench: %s" % e)
    if args.smoke:
        sys.exit(0 if smoke_report(results["icount"], image) else 1)
    return full_report(results, files, qemu, image, args)


def full_report(results, files, qemu, image, args):
    """Print the table(s), write the JSON; exit 1 if anything went wrong."""
    def ours_state(key):
        return report.NOT_BUILT if image is None else "not measured"

    tables = {c: report.table_rows(r["figures"], ours_state)
              for c, r in results.items()}
    k = files["kernel"]
    print()
    print("accelerator: %s (no KVM), clock: -icount shift=0 (guest "
          "instructions); %s" % (guests.ACCEL, qemu))
    print("Linux: Debian %s %s; medians of %d runs, %d boots for boot rows"
          % (k.get("package"), k.get("version"), args.runs, args.boots))
    ic = results["icount"]["icount_check"]
    print("icount check: %s" % ("TSC counted the test loop's instructions "
                                "exactly" if ic["ok"] else "FAILED: "
                                + ic["why"]))
    print()
    report.print_table("ratio = ours / Linux (median); instructions per "
                       "operation unless marked", tables["icount"],
                       tables.get("wall"))
    problems = [p for r in results.values() for p in r["problems"]]
    for p in problems:
        print("bench: problem: %s" % p, file=sys.stderr)
    doc = {"accelerator": guests.ACCEL, "qemu": qemu,
           "memory": guests.MEMORY, "linux_kernel": k,
           "oversub_memory": guests.OVERSUB_MEMORY,
           "oversub_region_mib": guests.OVERSUB_REGION_MIB,
           "runs": args.runs, "boots": args.boots,
           "ours": "ran" if image else report.NOT_BUILT,
           "problems": problems, "clocks": {}}
    for c, r in results.items():
        doc["clocks"][c] = {
            "qemu_clock": "-icount shift=0" if c == "icount" else
            "TCG without icount (wall clock)",
            "figures": {s: {key: f.as_dict() for key, f in figs.items()}
                        for s, figs in r["figures"].items()},
            "info": r["info"], "icount_check": r["icount_check"],
            "rows": report.strip(tables[c])}
    path = args.json or os.path.join(args.build, "bench.json")
    report.write_json(path, doc)
    print("\nbench: figures written to %s" % path)
    if problems or not ic["ok"]:
        sys.exit(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
