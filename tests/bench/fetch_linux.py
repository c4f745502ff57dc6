#!/usr/bin/env python3
"""fetch_linux.py - fetch Debian 12's own kernel for the Linux baseline.

Resolves the kernel package that Debian's linux-image-amd64 meta-package
currently points at (or takes LINUX_PKG from the environment), downloads
its .deb with `apt-get download` into OUT (kept there as a cache), unpacks
it with `dpkg -x` into a scratch folder and keeps only what the guest
needs: OUT/vmlinuz, the virtio modules with their dependencies under
OUT/modules/ and OUT/modules/order (load order), and OUT/kernel.txt
(package and version). Nothing is installed on the host.

Usage: fetch_linux.py OUT
"""

import glob
import os
import re
import shutil
import subprocess
import sys

import kmod

# The drivers the guest loads (for the virtio-blk disk row).
WANTED_MODULES = ["virtio_pci", "virtio_blk"]


class FetchError(Exception):
    pass


def run(argv, cwd=None):
    """Run a Debian tool, returning its stdout; a clear error otherwise."""
    if shutil.which(argv[0]) is None:
        raise FetchError("%s not found: the Linux baseline needs Debian's "
                         "apt and dpkg tools" % argv[0])
    p = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise FetchError("`%s` failed (exit %d):\n%s"
                         % (" ".join(argv), p.returncode,
                            (p.stderr or p.stdout).strip()))
    return p.stdout


def apt_update():
    """Refresh apt's lists once (a fresh machine may have old ones)."""
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("bench: refreshing apt's package lists (apt-get update)",
          flush=True)
    run(sudo + ["apt-get", "update", "-qq"])


def kernel_package():
    """The linux-image-*-amd64 package linux-image-amd64 depends on."""
    pkg = os.environ.get("LINUX_PKG")
    if pkg:
        if not re.fullmatch(r"linux-image-[0-9][0-9a-z.+-]*-amd64", pkg):
            raise FetchError("LINUX_PKG=%r is not a linux-image-*-amd64 "
                             "package name" % pkg)
        return pkg
    out = run(["apt-cache", "depends", "linux-image-amd64"])
    m = re.search(r"Depends:\s*(linux-image-[0-9][0-9a-z.+-]*-amd64)\s*$",
                  out, re.M)
    if not m:
        raise FetchError("apt-cache knows no linux-image-amd64 kernel; run "
                         "`apt-get update` (Debian 12 lists) and retry")
    return m.group(1)


def download(pkg, out):
    """Return the cached .deb of pkg in out, downloading it if missing."""
    debs = glob.glob(os.path.join(out, pkg + "_*_amd64.deb"))
    if not debs:
        print("bench: downloading %s (about 70 MB, once)" % pkg, flush=True)
        run(["apt-get", "download", pkg], cwd=out)
        debs = glob.glob(os.path.join(out, pkg + "_*_amd64.deb"))
        if not debs:
            raise FetchError("apt-get download %s left no .deb in %s"
                             % (pkg, out))
    return sorted(debs)[-1]


def unpack(deb, out):
    """dpkg -x the package, keep vmlinuz and the wanted modules."""
    scratch = os.path.join(out, "unpacked")
    shutil.rmtree(scratch, ignore_errors=True)
    run(["dpkg", "-x", deb, scratch])
    try:
        kernels = glob.glob(os.path.join(scratch, "boot", "vmlinuz-*"))
        if len(kernels) != 1:
            raise FetchError("%s holds %d vmlinuz files, expected one"
                             % (deb, len(kernels)))
        shutil.copyfile(kernels[0], os.path.join(out, "vmlinuz"))
        trees = glob.glob(os.path.join(scratch, "lib", "modules", "*"))
        if len(trees) != 1:
            raise FetchError("%s holds %d module trees, expected one"
                             % (deb, len(trees)))
        order = kmod.load_order(trees[0], WANTED_MODULES)
        mods = os.path.join(out, "modules")
        shutil.rmtree(mods, ignore_errors=True)
        os.makedirs(mods)
        for path in order:
            shutil.copyfile(path, os.path.join(mods, os.path.basename(path)))
        with open(os.path.join(mods, "order"), "w") as f:
            for path in order:
                f.write(os.path.basename(path) + "\n")
        return os.path.basename(trees[0])
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: fetch_linux.py OUT")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    try:
        try:
            pkg = kernel_package()
            deb = download(pkg, out)
        except FetchError as first:
            print("bench: %s" % first, flush=True)
            apt_update()
            pkg = kernel_package()
            deb = download(pkg, out)
        version = run(["dpkg-deb", "-f", deb, "Version"]).strip()
        release = unpack(deb, out)
    except (FetchError, kmod.ModError, OSError) as e:
        sys.exit("fetch_linux: %s" % e)
    with open(os.path.join(out, "kernel.txt"), "w") as f:
        f.write("package=%s\nversion=%s\nrelease=%s\n"
                % (pkg, version, release))
    print("bench: Linux guest kernel %s %s" % (pkg, version))


if __name__ == "__main__":
    main()
