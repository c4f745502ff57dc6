"""rows.py - the one table that pairs our benchmark rows with Linux's.

Each guest prints `BENCH <key> median=... min=... max=... count=... unit=...`
(docs/bench.md); a row of the table puts our key beside the Linux key that
does the same work. A key may appear in several rows (both resume sizes
are compared with the same Linux boot). None on a side means that side has
no counterpart.
"""


class Row:
    def __init__(self, operation, ours, linux, higher_is_better=False):
        self.operation = operation
        self.ours = ours
        self.linux = linux
        self.higher_is_better = higher_is_better


ROWS = [
    Row("IPC round trip / pipe ping-pong", "ipc_roundtrip", "pipe_roundtrip"),
    Row("null invocation / getpid", "null_invocation", "getpid"),
    Row("demand-zero fault (keeper) / anon 4 KiB fault",
        "demand_zero_fault", "anon_fault"),
    Row("program start 64 KiB / fork+exec+wait",
        "program_start_64k", "fork_exec_64k"),
    Row("program start 64 MiB / fork+exec+wait",
        "program_start_64m", "fork_exec_64m"),
    Row("checkpoint pause, 1 MiB dirty", "ckpt_pause_1m", None),
    Row("checkpoint pause, 16 MiB dirty", "ckpt_pause_16m", None),
    Row("checkpoint pause, 64 MiB dirty", "ckpt_pause_64m", None),
    Row("checkpoint write-out / raw O_DIRECT write",
        "ckpt_throughput", "disk_write_throughput", higher_is_better=True),
    Row("resume 64 MiB store / boot, power-on to /init",
        "resume_64m", "boot_to_init"),
    Row("resume 1 GiB store / boot, power-on to /init",
        "resume_1g", "boot_to_init"),
    Row("resume 64 MiB store / boot, kernel start to /init",
        "resume_64m", "kernel_to_init"),
    Row("resume 1 GiB store / boot, kernel start to /init",
        "resume_1g", "kernel_to_init"),
    Row("oversubscribed write+read 2x RAM / swap",
        "oversubscribed_rw", "swap_rw"),
]

# Figures that each side's benchmark program prints once per boot (with
# count=1); the driver boots several times and combines them.
PER_BOOT_KEYS = {"boot_to_init", "kernel_to_init", "resume_64m", "resume_1g"}


# The oversubscribed row's keys: each side measures it in a boot of its
# own, with less memory than the other rows (bench.py oversub_boot).
OVERSUB_KEYS = {"ours": "oversubscribed_rw", "linux": "swap_rw"}


def keys(side):
    """Every key of side ("ours" or "linux"), in table order, once."""
    seen = []
    for row in ROWS:
        key = getattr(row, side)
        if key is not None and key not in seen:
            seen.append(key)
    return seen
