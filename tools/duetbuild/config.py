"""Kconfig handling through kconfiglib: build/.config and the C header.

The configuration lives in the build directory; `defconfig PLATFORM` starts
from platforms/PLATFORM/defconfig. Every build regenerates
build/config/duet_config.h only when its contents change (so nothing
recompiles needlessly).
"""
import os
import sys

from . import ui


def _kconfiglib():
    try:
        import kconfiglib
    except ImportError:
        # Debian's python3-kconfiglib lives in the system interpreter's path;
        # ./build.py may run under another python3 (e.g. pyenv).
        sys.path.append("/usr/lib/python3/dist-packages")
        import kconfiglib
    return kconfiglib


class Config:
    def __init__(self, root, build_dir):
        self.root, self.build_dir = root, build_dir
        self.path = os.path.join(build_dir, ".config")
        self.header = os.path.join(build_dir, "config", "duet_config.h")

    def _load(self, defconfig=None):
        kconfiglib = _kconfiglib()
        old = os.getcwd()
        os.chdir(self.root)
        try:
            kconf = kconfiglib.Kconfig("Kconfig", warn_to_stderr=False)
        finally:
            os.chdir(old)
        src = defconfig or (self.path if os.path.exists(self.path) else None)
        if src:
            kconf.load_config(src)
        return kconf

    def defconfig(self, platform_name):
        path = os.path.join(self.root, "platforms", platform_name, "defconfig")
        if not os.path.exists(path):
            known = sorted(p for p in os.listdir(os.path.join(self.root, "platforms"))
                           if os.path.exists(os.path.join(self.root, "platforms", p, "defconfig")))
            raise SystemExit("build.py: unknown platform '%s' (known: %s)"
                             % (platform_name, ", ".join(known)))
        kconf = self._load(path)
        self._save(kconf)
        ui.info("configured for platform %s (%s)" % (platform_name, os.path.relpath(self.path)))

    def menuconfig(self):
        self._save(self._load())  # make sure a .config exists first
        _kconfiglib()
        import menuconfig
        os.environ["KCONFIG_CONFIG"] = self.path
        old = os.getcwd()
        os.chdir(self.root)
        try:
            menuconfig.menuconfig(_kconfiglib().Kconfig("Kconfig"))
        finally:
            os.chdir(old)

    def values(self):
        """The configuration as a dict NAME -> str value; makes .config if absent."""
        kconf = self._load()
        if not os.path.exists(self.path):
            self._save(kconf)
        else:
            self._write_header(kconf)
        return {s.name: s.str_value for s in kconf.unique_defined_syms}

    def _save(self, kconf):
        os.makedirs(self.build_dir, exist_ok=True)
        kconf.write_config(self.path, header="# Duet configuration (./build.py menuconfig)\n")
        self._write_header(kconf)

    def _write_header(self, kconf):
        os.makedirs(os.path.dirname(self.header), exist_ok=True)
        tmp = self.header + ".tmp"
        kconf.write_autoconf(tmp, header="/* Generated from build/.config: do not edit. */\n")
        new = open(tmp).read()
        if os.path.exists(self.header) and open(self.header).read() == new:
            os.unlink(tmp)
        else:
            os.replace(tmp, self.header)
