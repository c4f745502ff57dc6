"""shellsuite.py - the shell suite: a person at the console of the default
image (build/default.img, images/shell/), typing through COM1 (term.py).

On a writable copy: every command answers (help lists them all, ps, gens
after ckpt, uptime, banks, run/jobs/caps/kill of the ticker program,
set/get/unset/vars, history, a usage line for bad
arguments, one line for an unknown command); then QEMU is killed (no
clean shutdown) right after `ckpt`, the copy boots again, and the
variables, the history and the boot count must be as the shell left them
at that commit, and the started program still there (and killable);
finally random bytes and control characters typed for a
while must leave the shell answering `help`.
"""

import os
import random
import re

import qemu
import term

TIMEOUT = 90
COMMANDS = ("help", "ps", "ckpt", "gens", "set", "get", "unset", "vars",
            "history", "uptime", "banks", "run", "jobs", "kill", "caps")


class ShellSuite:
    name = "shell"

    def __init__(self, build):
        self.image = os.path.join(build, "default.img")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name)

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image)
        if why:
            return why
        d = self.log_path(logdir)
        os.makedirs(d, exist_ok=True)
        img = os.path.join(d, "shell.img")
        qemu.sparse_copy(self.image, img)
        res = []
        t = term.Terminal(img, d, "first", snapshot=False)
        try:
            if t.expect("shell: ready", TIMEOUT) is None:
                return [(self.name + ".ready", False,
                         "no `shell: ready` (log %s)" % t.log)]
            res += self._commands(t)
            gen = self._ask(t, "ckpt", re.compile(
                r"ckpt: generation (\d+) committed"))
            res.append((self.name + ".ckpt", gen is not None,
                        "no `ckpt: generation N committed` (log %s)" % t.log))
        finally:
            t.kill()
        if gen is None:
            return res
        t = term.Terminal(img, d, "second", snapshot=False)
        try:
            res += self._after_restart(t, int(gen.group(1)))
            res.append(self._noise(t))
        finally:
            t.kill()
        os.unlink(img)
        return res

    def _ask(self, t, line, want):
        """Type line; return the match of want (a regex) in what follows,
        or None."""
        start = len(t.text)
        t.type(line + "\r")
        if not t.expect(lambda text: want.search(text, start), TIMEOUT):
            return None
        return want.search(t.text, start)

    def _check(self, t, name, line, pattern):
        m = self._ask(t, line, re.compile(pattern))
        return (self.name + "." + name, m is not None,
                "typed %r, no %r in the answer (log %s)"
                % (line, pattern, t.log))

    def _commands(self, t):
        res = []
        m = self._ask(t, "help", re.compile(r"caps .*\n"))
        missing = [c for c in COMMANDS
                   if m is None or not re.search(r"^  %s " % c,
                                                 t.text[:m.end()], re.M)]
        res.append((self.name + ".help", not missing,
                    "help does not list %s" % missing))
        res.append(self._check(t, "ps", "ps", r"\n  [2-9]\d* processes"))
        res.append(self._check(t, "banks", "banks",
                               r"bank 1 \(parent 1\)\r\n.*\n    pages "))
        res.append(self._check(t, "set_get", "set greeting hello  world",
                               r"shell> "))
        res.append(self._check(t, "get", "get greeting", r"\nhello world\r"))
        res.append(self._check(t, "set_other", "set doomed 1", r"shell> "))
        res.append(self._check(t, "unset", "unset doomed", r"shell> "))
        res.append(self._check(t, "unset_gone", "get doomed",
                               r"get: doomed: not set"))
        res.append(self._check(t, "vars", "vars",
                               r"greeting = hello world\r\n  1 variables"))
        res.append(self._check(t, "usage", "get", r"usage: get NAME"))
        res.append(self._check(t, "unknown", "frobnicate now",
                               r"shell: frobnicate: no such command"))
        res.append(self._check(t, "gens", "gens", r"\(current\)"))
        res.append(self._check(t, "uptime", "uptime",
                               r"up [\d.]+ s since this boot; .* 1 boots"))
        res.append(self._check(t, "run", "run ticker",
                               r"run: job 1: ticker\r\n"))
        res.append(self._check(t, "run_started", "run ticker",
                               r"ticker 2: started"))
        res.append(self._check(t, "caps", "caps 1",
                               r"\n   0  KERNLOG *\r\n   1  SLEEP"))
        res.append(self._check(t, "kill", "kill 2",
                               r"kill: job 2 ended, its bank destroyed"))
        res.append(self._check(t, "kill_unknown", "kill 9",
                               r"kill: no job 9 \(see jobs\)"))
        res.append(self._check(t, "run_unknown", "run nothing",
                               r"run: nothing: no such program"))
        return res

    def _after_restart(self, t, gen):
        res = []
        ok = t.expect("shell: the machine restarted", TIMEOUT) is not None
        res.append((self.name + ".resumed", ok, "no restart line (log %s)"
                    % t.log))
        m = re.search(r"restart: resuming generation (\d+)", t.text)
        res.append((self.name + ".resumed_generation",
                    m is not None and int(m.group(1)) >= gen,
                    "resumed %s, want >= %d" % (m and m.group(1), gen)))
        res.append(self._check(t, "var_kept", "get greeting",
                               r"\nhello world\r"))
        res.append(self._check(t, "history_kept", "history",
                               r"set greeting hello  world\r\n(.*\n)*.*"
                               r"  \d+  history"))
        res.append(self._check(t, "boots_counted", "uptime", r" 2 boots"))
        res.append(self._check(t, "job_kept", "jobs",
                               r"\n   1  ticker   state \d, \d+ pages\r\n"
                               r"  1 jobs"))
        res.append(self._check(t, "job_killed_after_restart", "kill 1",
                               r"kill: job 1 ended"))
        return res

    def _noise(self, t):
        rnd = random.Random(1204)
        for _ in range(20):
            junk = bytes(rnd.randrange(256) for _ in range(64))
            t.type(junk)
            t.expect("@@", 0.05)
        m = self._ask(t, "\x15help", re.compile(r"\n  uptime "))
        return (self.name + ".random_bytes_then_help", m is not None,
                "no help answer after random input (log %s)" % t.log)
