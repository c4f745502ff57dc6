"""ckptdisk.py - what the kernel's store writer left on a disk must pass
mkimage's checks.

The kernel-selftest guest boots a writable copy of build/selftest.img;
its ckptdisk self-tests (kernel/selftest/st_ckpt_disk.c) commit
generations to the store on it and print `ckptdisk: committed
generation N` for each. Afterwards:
- `mkimage verify` must pass the copy (every kept generation's blocks,
  objects and block accounting), with the last committed generation the
  newest of the 4 kept;
- `mkimage inspect --generation N` must decode each kept generation the
  guest committed.
"""

import re
import subprocess

COMMITTED = re.compile(r"^ckptdisk: committed generation (\d+)", re.M)
RING = 4
TIMEOUT = 120


def _run(argv):
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=TIMEOUT)
    return p.returncode, p.stdout.decode(errors="replace")


def _first_lines(text, n=4):
    return " | ".join(text.strip().splitlines()[:n])


def check(mkimage, image, log_text):
    """Results (name, ok, reason) of the checks of image after the run
    whose serial log is log_text."""
    gens = [int(g) for g in COMMITTED.findall(log_text)]
    if not gens:
        return [("ckptdisk.image_verify", False,
                 "the guest printed no committed generation")]
    newest = max(gens)
    kept = sorted(set(g for g in gens if g > newest - RING))
    rc, out = _run([mkimage, "verify", image])
    want = "ok (%d generations, newest %d)" % (len(kept), newest)
    if rc == 0 and want in out:
        results = [("ckptdisk.image_verify", True, "")]
    else:
        results = [("ckptdisk.image_verify", False,
                    "mkimage verify exit %d, want '%s': %s"
                    % (rc, want, _first_lines(out)))]
    bad = []
    for g in kept:
        rc, out = _run([mkimage, "inspect", image, "--generation", str(g)])
        shown = re.search(r"^\s*\* slot \d\s+generation %d\b" % g, out, re.M)
        if rc != 0 or not shown:
            bad.append("generation %d: exit %d: %s"
                       % (g, rc, _first_lines(out, 2)))
    results.append(("ckptdisk.image_inspect_generations", not bad,
                    "; ".join(bad)))
    return results


def image_copy(log):
    """Where the writable copy of a suite's image goes, beside its log."""
    return re.sub(r"(\.serial)?\.log$", "", log) + ".disk.img"
