"""console.py - the console suite: a person at the terminal, played by
the harness through COM1 and the PS/2 keyboard (term.py), against
build/images/test/console.img (images/test/console.c: a line editor on
the CONSOLE cap, and a process printing log lines meanwhile).

Each case types something and requires the exact line the editor then
reports (`console: line N [TEXT]`): plain lines, Backspace as DEL and as
^H, ^U, ^C, the left arrow, the history (up arrow), keys pressed on the PS/2
keyboard (shift included), a burst of random bytes and control
characters after which the editor still works, and a log line printed
while a line is half typed, which must blank that line and draw it again
after itself. `quit` must power the machine off.
"""

import os
import random
import re

import qemu
import term

TIMEOUT = 60
LINE = re.compile(r"console: line (\d+) \[(.*)\]\r?\n")


class ConsoleSuite:
    name = "console"

    def __init__(self, build):
        self.image = os.path.join(build, "images", "test", "console.img")

    def log_path(self, logdir):
        return os.path.join(logdir, self.name + ".serial.log")

    def run(self, logdir):
        why = qemu.missing(self.name + ".image", self.image)
        if why:
            return why
        t = term.Terminal(self.image, logdir, self.name)
        try:
            return self._cases(t)
        finally:
            t.kill()

    def _line(self, t, typed, want, name, keys=None):
        """Type (or press keys), then require the next reported line to be
        want."""
        start = len(t.text)
        if keys:
            t.sendkey(*keys)
        else:
            t.type(typed)
        got = t.expect(lambda text: LINE.search(text, start), TIMEOUT)
        m = LINE.search(t.text, start) if got else None
        if m is None:
            return (name, False, "no line reported after typing %r (log %s)"
                    % (typed or keys, t.log))
        if m.group(2) != want:
            return (name, False, "typed %r, got [%s], want [%s]"
                    % (typed or keys, m.group(2), want))
        return (name, True, "")

    def _cases(self, t):
        n = self.name
        if t.expect("console: ready", TIMEOUT) is None:
            return [(n + ".ready", False, "no `console: ready` (log %s)"
                     % t.log)]
        fails = re.findall(r"console: FAIL .*", t.text)
        res = [(n + ".errors", not fails, "; ".join(fails))]
        res.append(self._line(t, "hello world\r", "hello world",
                              n + ".plain_line"))
        res.append(self._line(t, "helx\x7fp\r", "help", n + ".delete"))
        res.append(self._line(t, "ab\x08c\r", "ac", n + ".backspace"))
        res.append(self._line(t, "junk\x15kept\r", "kept", n + ".ctrl_u"))
        res.append(self._line(t, "ac\x1b[Db\r", "abc", n + ".left_arrow"))
        res.append(self._line(t, "gone\x03", "", n + ".ctrl_c"))
        res.append(self._line(t, "\x1b[A\x1b[A\r", "kept", n + ".history"))
        res.append(self._line(t, None, "hi A", n + ".ps2_keyboard",
                              keys=("h", "i", "spc", "shift-a", "ret")))
        rnd = random.Random(20261204)
        noise = bytes(rnd.randrange(256) for _ in range(400))
        for end in (b"\r", b"\n", b"\x03"):     # bytes that end a line
            noise = noise.replace(end, b"")
        t.type(noise)
        res.append(self._line(t, "\x1b[B\x15ping\r", "ping",
                              n + ".random_bytes"))
        res.append(self._interleave(t))
        start = len(t.text)
        t.type("quit\r")
        status = t.wait_exit(TIMEOUT)
        res.append((n + ".quit_powers_off", status == 1,
                    "exit status %s (log %s)" % (status, t.log)))
        return res

    def _interleave(self, t):
        """Half a line typed; the next log line must come after a blanked
        line and be followed by the prompt and the half line again."""
        name = self.name + ".log_line_redraws_input"
        t.type("par")
        if t.expect("> par", TIMEOUT, len(t.text) - 8) is None:
            return (name, False, "typed text not echoed (log %s)" % t.log)
        start = len(t.text)
        tick = re.compile(r"(.)chatter: tick \d+\r\n> par")
        if not t.expect(lambda text: tick.search(text, start), TIMEOUT):
            return (name, False, "no log line followed by `> par` (log %s)"
                    % t.log)
        m = tick.search(t.text, start)
        if m.group(1) != "\r":
            return (name, False, "log line not at the start of a blanked "
                    "line: %r" % t.text[m.start() - 8:m.end()])
        return self._line(t, "t\r", "part", name)
