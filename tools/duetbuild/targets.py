"""What gets built, and how: the host (static aarch64 + native), guests, unit tests.

Layout of build/:
  host/duet                  static aarch64 host (what runs in the lab or on arm64)
  native/duet                host built for this machine: tool modes, unit tests
  apps/APP.PLATFORM.elf      guests
  tests/test_NAME            native unit tests (ASan + UBSan)
  obj/...                    objects, one tree per toolchain
"""
import glob
import os
import shutil
import subprocess

from .make import Step
from . import debsrc
from . import appcfg, portsrc
from . import manifest
from . import rootfs
from . import setup

WARN = ["-Wall", "-Wextra", "-Werror"]
PLATFORMS = ["duet", "qemu-virt"]
LIBFDT_HEADERS = ["libfdt.h", "libfdt_env.h", "fdt.h"]
PICOLIBC_INCLUDE = "/usr/lib/picolibc/aarch64-linux-gnu/include"
TSAN_TESTS = []  # unit tests that start threads (none since net_rx.c went; the net thread is a lab case)
# lwIP is not our code: a warning from another lwIP version or compiler must
# not break the build. Our port and apps keep -Werror.
LWIP_WARN = ["-Wno-error"]
# Apps saying `uses: sockets`: lwIP with NO_SYS=0 over guest threads (lwipopts.h).
SOCKETS_FLAGS = ["-DDUET_LWIP_SOCKETS=1"]


class Targets:
    def __init__(self, root, build_dir, config, verbose=False):
        self.root, self.b, self.config, self.verbose = root, build_dir, config, verbose
        # Paths in debug info and __FILE__ relative to the tree: reproducible.
        self.repro = ["-ffile-prefix-map=%s/=" % root, "-ffile-prefix-map=%s=." % root]
        self.cross = "gcc" if setup.is_arm64_machine() else "aarch64-linux-gnu-gcc"
        self._guest_os = {}  # platform -> the OS objects' steps, shared by all apps
        self._lwip = {}  # platform -> lwIP's and its port's steps, shared likewise
        self._lwip_src = None  # the unpacked lwIP tree, fetched on first use

    # --- helpers -------------------------------------------------------------
    def _rel(self, *p):
        return os.path.join(self.root, *p)

    def _objs(self, cc, cflags, sources, objdir, extra_inputs=(), base=None, summarize=False):
        """One compile step per source, into objdir/PATH.o with PATH relative
        to base (default: the tree)."""
        steps = []
        for src in sources:
            rel = os.path.relpath(src, base or self.root)
            if rel.startswith(".."):  # an app folder outside the tree
                rel = os.path.join("ext", os.path.abspath(src).lstrip("/"))
            obj = os.path.join(objdir, rel + ".o")
            dep = obj + ".d"
            argv = [cc] + cflags + ["-MMD", "-MF", dep, "-c", src, "-o", obj]
            steps.append(Step(obj, [src] + list(extra_inputs), argv, depfile=dep,
                              summarize=summarize))
        return steps

    def _host_sources(self):
        return sorted(glob.glob(self._rel("host", "**", "*.c"), recursive=True))

    def _config_header(self):
        return os.path.join(self.b, "config", "duet_config.h")

    # --- host ----------------------------------------------------------------
    def host_cflags(self):
        return ["-std=gnu11", "-O2", "-g"] + WARN + self.repro + [
            "-I" + self._rel("shared", "include"), "-I" + self._rel("host"),
            "-I" + os.path.join(self.b, "config")]

    def host_static(self):
        """The aarch64 host: static, so the lab needs no shared libraries."""
        # The cross compiler's sysroot lacks libfdt.h; -idirafter finds it in
        # /usr/include without letting glibc's x86 headers shadow the sysroot.
        cflags = self.host_cflags() + ["-idirafter", "/usr/include"]
        objs = self._objs(self.cross, cflags, self._host_sources(),
                          os.path.join(self.b, "obj", "host"))
        out = os.path.join(self.b, "host", "duet")
        link = [self.cross, "-static", "-o", out] + [o.output for o in objs] + [
            "/usr/lib/aarch64-linux-gnu/libfdt.a"]
        return Step(out, [o.output for o in objs], link, after=objs)

    def _lab_tool(self, src, name):
        """A static aarch64 Linux program from one C file, run inside the lab."""
        objs = self._objs(self.cross, ["-std=gnu11", "-O2"] + WARN, [src],
                          os.path.join(self.b, "obj", "bench"))
        out = os.path.join(self.b, "host", name)
        return Step(out, [o.output for o in objs],
                    [self.cross, "-static", "-o", out] + [o.output for o in objs], after=objs)

    def netload(self):
        """The network benchmark's load generator and native echo servers."""
        return self._lab_tool(self._rel("tests", "bench", "netload.c"), "netload")

    def fsbench_native(self):
        """apps/fsbench/fsbench.c natively: the other side of bench/files.py."""
        return self._lab_tool(self._rel("apps", "fsbench", "fsbench.c"), "fsbench-native")

    def lab_native(self, app_dir):
        """An app built as a static aarch64 Linux program (glibc) to run in the
        lab beside its guest: the errno oracle of apps/socktest, the native
        baseline of ported servers. build/lab-native/NAME.linux."""
        cfg = appcfg.read(app_dir)
        if cfg.debian:
            cfg.base = portsrc.prepared_tree(cfg, self.verbose)
        name = app_name(app_dir)
        flags = ["-std=gnu11", "-O2", "-D_GNU_SOURCE", "-Wall"] + \
            ["-I" + d for d in cfg.include_dirs()] + cfg.cflags
        objs = self._objs(self.cross, flags, cfg.source_files(),
                          os.path.join(self.b, "obj", "lab-native", name), base=cfg.base)
        out = os.path.join(self.b, "lab-native", "%s.linux" % name)
        link = [self.cross, "-static", "-o", out] + [o.output for o in objs] + ["-lpthread"]
        return Step(out, [o.output for o in objs], link, after=objs)

    def host_native(self, sanitize=False):
        cflags = self.host_cflags()
        if sanitize:
            cflags += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
        tag = "native-san" if sanitize else "native"
        objs = self._objs("gcc", cflags, self._host_sources(), os.path.join(self.b, "obj", tag))
        out = os.path.join(self.b, tag, "duet")
        link = ["gcc"] + (["-fsanitize=address,undefined"] if sanitize else []) + [
            "-o", out] + [o.output for o in objs] + [_native_libfdt()]
        return Step(out, [o.output for o in objs], link, after=objs), objs

    # --- unit tests ----------------------------------------------------------
    def unit_tests(self):
        """One sanitized native program per tests/unit/test_*.c, linked with the host objects."""
        _, host_objs = self.host_native(sanitize=True)
        lib_objs = [o for o in host_objs if not o.output.endswith("/host/main.c.o")]
        lib_objs += self._uapi_oracle()
        cflags = self.host_cflags() + ["-fsanitize=address,undefined", "-fno-omit-frame-pointer",
                                       "-I" + self._rel("tests", "unit")]
        steps = self._programs("gcc", cflags, ["-fsanitize=address,undefined"], lib_objs,
                               self._rel("tests", "unit", "test_*.c"), "tests",
                               skip="test_guestos_")
        return steps + self._guest_unit_tests(cflags) + [self._sched_unit_test(cflags)]

    def _guest_unit_tests(self, cflags):
        """tests/unit/test_guestos_*.c: guest code that is plain C (guest/fs/)
        built natively with the same sanitizers. -iquote, not -I: the guest's
        own <sys/...> headers must not shadow glibc's here."""
        flags = cflags + ["-iquote", self._rel("guest", "include")]
        srcs = sorted(glob.glob(self._rel("guest", "fs", "*.c")))
        objs = self._objs("gcc", flags, srcs, os.path.join(self.b, "obj", "guest-native"))
        return self._programs("gcc", flags, ["-fsanitize=address,undefined"], objs,
                              self._rel("tests", "unit", "test_guestos_*.c"), "tests")

    def _sched_unit_test(self, cflags):
        """build/tests/test_sched: the guest's scheduler (guest/sched, all but
        its guest port and POSIX layer) natively, over tests/unit/sched's
        ucontext port. Quote includes only: guest/include's <pthread.h> must
        not shadow glibc's."""
        core = [self._rel("guest", "sched", f + ".c")
                for f in ("sched", "thread", "mutex", "cond", "rwlock", "sem")]
        unit = sorted(glob.glob(self._rel("tests", "unit", "sched", "*.c")))
        flags = cflags + ["-iquote", self._rel("guest", "sched"), "-iquote",
                          self._rel("guest", "include"), "-I" + self._rel("tests", "unit", "sched")]
        objs = self._objs("gcc", flags, core + unit, os.path.join(self.b, "obj", "sched-native"))
        out = os.path.join(self.b, "tests", "test_sched")
        ins = [o.output for o in objs]
        return Step(out, ins, ["gcc", "-fsanitize=address,undefined", "-o", out] + ins, after=objs)

    def tsan_tests(self):
        """The unit tests of threaded host code (TSAN_TESTS) again under
        ThreadSanitizer: build/tests/test_NAME_tsan, run like the others."""
        cflags = [f for f in self.host_cflags() if f != "-O2"] + [
            "-O1", "-fsanitize=thread", "-I" + self._rel("tests", "unit")]
        srcs = [s for s in self._host_sources() if not s.endswith("/main.c")]
        lib = self._objs("clang", cflags, srcs, os.path.join(self.b, "obj", "tsan"))
        steps = []
        for name in TSAN_TESTS:
            obj = self._objs("clang", cflags, [self._rel("tests", "unit", name + ".c")],
                             os.path.join(self.b, "obj", "tsan-main"))
            out = os.path.join(self.b, "tests", name + "_tsan")
            ins = [o.output for o in obj + lib]
            steps.append(Step(out, ins, ["clang", "-fsanitize=thread", "-o", out] + ins +
                              [_native_libfdt()], after=obj + lib))
        return steps

    def _programs(self, cc, cflags, ldflags, lib_objs, pattern, kind, skip=None):
        """One native program per source matching pattern (but not starting
        with skip), each linked with lib_objs, into build/KIND/NAME."""
        steps = []
        for src in sorted(glob.glob(pattern)):
            if skip and os.path.basename(src).startswith(skip):
                continue
            name = os.path.splitext(os.path.basename(src))[0]
            obj = self._objs(cc, cflags, [src], os.path.join(self.b, "obj", kind + "-main"))
            out = os.path.join(self.b, kind, name)
            ins = [o.output for o in obj + lib_objs]
            link = [cc] + ldflags + ["-o", out] + ins + [_native_libfdt()]
            steps.append(Step(out, ins, link, after=obj + lib_objs))
        return steps

    def _uapi_oracle(self):
        """tests/unit/oracle/*.c see only Linux's arm64 uAPI headers (no libc),
        so even the native x86_64 tests compare against arm64's <linux/kvm.h>."""
        gcc_inc = subprocess.run(["gcc", "-print-file-name=include"], stdout=subprocess.PIPE,
                                 text=True).stdout.strip()
        cflags = ["-std=gnu11", "-O0", "-g"] + WARN + self.repro + [
            "-nostdinc", "-isystem", "/usr/aarch64-linux-gnu/include", "-isystem", gcc_inc,
            "-I" + self._rel("shared", "include"), "-I" + self._rel("tests", "unit", "oracle")]
        return self._objs("gcc", cflags, sorted(glob.glob(self._rel("tests", "unit", "oracle", "*.c"))),
                          os.path.join(self.b, "obj", "oracle"))

    # --- fuzzers (clang's libFuzzer) -----------------------------------------
    def fuzzers(self):
        """tests/fuzz/fuzz_NAME.c -> build/fuzz/fuzz_NAME, over the host's parsers."""
        san = ["-fsanitize=fuzzer-no-link,address,undefined", "-fno-sanitize-recover=undefined"]
        cflags = [f for f in self.host_cflags() if f != "-O2"] + ["-O1"] + san
        srcs = [s for s in self._host_sources() if not s.endswith("/main.c")]
        lib = self._objs("clang", cflags, srcs, os.path.join(self.b, "obj", "fuzz"))
        return self._programs("clang", cflags, ["-fsanitize=fuzzer,address,undefined"], lib,
                              self._rel("tests", "fuzz", "fuzz_*.c"), "fuzz")

    # --- guests --------------------------------------------------------------
    def guest_include(self):
        """libfdt's three headers in a private directory: never -I/usr/include
        in a guest build, or glibc's headers would shadow picolibc's."""
        inc = os.path.join(self.b, "guest-include")
        os.makedirs(inc, exist_ok=True)
        for h in LIBFDT_HEADERS:
            dst = os.path.join(inc, h)
            src = os.path.join("/usr/include", h)
            if not os.path.exists(dst) or os.path.getmtime(dst) < os.path.getmtime(src):
                shutil.copy2(src, dst)
        return inc

    def guest_cflags(self, platform):
        opt = "-Os" if self.config.get("GUEST_OPT_SIZE") == "y" else "-O2"
        return ["--specs=picolibc.specs", "-std=gnu11", opt, "-g"] + WARN + self.repro + \
            self._guest_system_includes() + [
            "-fno-pie", "-fno-omit-frame-pointer", "-ffunction-sections", "-fdata-sections",
            "-fstack-protector-strong",  # canary seeded from the host's rng-seed
            "-I" + self._rel("shared", "include"), "-I" + self._rel("guest", "include"),
            "-I" + self.guest_include(), "-I" + os.path.join(self.b, "config"),
            # picolibc hides CLOCK_MONOTONIC and clock_gettime() unless told the
            # OS has them; ours does (guest/time.c).
            "-D_POSIX_MONOTONIC_CLOCK=200112L", "-D_POSIX_TIMERS=1",
            "-DDUET_PLATFORM_" + platform.upper().replace("-", "_")]

    def _guest_system_includes(self):
        """picolibc's headers and the compiler's own, and nothing else: the
        cross compiler would otherwise fall back to /usr/include, where
        glibc's headers (dlfcn.h, pthread.h, ...) compile against a libc the
        guest does not have."""
        if not hasattr(self, "_sysinc"):
            gcc_inc = subprocess.run([self.cross, "-print-file-name=include"],
                                     stdout=subprocess.PIPE, text=True).stdout.strip()
            self._sysinc = ["-nostdinc", "-isystem", PICOLIBC_INCLUDE, "-isystem", gcc_inc]
        return self._sysinc

    def guest(self, app_dir, platform):
        name = app_name(app_dir)
        cflags = self.guest_cflags(platform)
        if platform not in self._guest_os:
            srcs = []
            for d in (self._rel("guest"), self._rel("guest", "fs"), self._rel("guest", "posix"),
                      self._rel("guest", "sched"), self._rel("guest", "virtio_net"),
                      self._rel("platforms", platform)):
                srcs += sorted(glob.glob(os.path.join(d, "*.c")) + glob.glob(os.path.join(d, "*.S")))
            self._guest_os[platform] = self._objs(self.cross, cflags, srcs,
                                                  os.path.join(self.b, "obj", "guest", platform))
        os_objs = self._guest_os[platform]
        cfg = appcfg.read(app_dir)
        if cfg.debian:
            cfg.base = portsrc.prepared_tree(cfg, self.verbose)
        app_srcs = cfg.source_files()
        if not app_srcs:
            raise SystemExit("build.py: app folder %s has no C sources%s" % (
                app_dir, " matching app.cfg's sources:" if cfg.sources else ""))
        gen = os.path.join(self.b, "gen", "apps", name)
        manifest_c = manifest.write_source(app_dir, os.path.join(gen, "manifest.c"))
        env_c = manifest.write_env_source(cfg.env, os.path.join(gen, "env.c"))
        lib_objs = []
        app_cflags = self._app_cflags(cflags, cfg)
        if "sockets" in cfg.uses:
            app_cflags += self._lwip_cflags() + SOCKETS_FLAGS
            lib_objs = self._lwip_objs(platform, cflags, sockets=True)
        elif "lwip" in cfg.uses:
            app_cflags += self._lwip_cflags()
            lib_objs = self._lwip_objs(platform, cflags)
        objdir = os.path.join(self.b, "obj", "apps", name, platform)
        app_objs = self._objs(self.cross, app_cflags, app_srcs, objdir, base=cfg.base,
                              summarize=True)
        app_objs += self._objs(self.cross, cflags, [manifest_c, env_c], objdir)
        out = os.path.join(self.b, "apps", "%s.%s.elf" % (name, platform))
        app_objs += self._rootfs_objs(cfg, platform, cflags, gen, objdir, out)
        objs = os_objs + lib_objs + app_objs
        ld = self._rel("guest", "guest.ld")
        stack = self.config.get("GUEST_STACK_SIZE", "0x10000")
        link = [self.cross] + cflags + ["-nostartfiles", "-static", "-no-pie", "-T", ld,
                                        "-Wl,--gc-sections", "-Wl,--build-id=none",
                                        "-Wl,-z,max-page-size=4096",  # no 64 KiB file padding
                                        "-Wl,--defsym=__stack_size=" + stack, "-o", out]
        link += [o.output for o in objs] + self._fast_string_objs() + cfg.ldflags + [
            "/usr/lib/aarch64-linux-gnu/libfdt.a"]
        link += ["-l" + lib for lib in cfg.libs if lib != "m"] + ["-lm"]
        return Step(out, [o.output for o in objs] + [ld] + self._fast_string_objs(), link,
                    after=objs, summarize=True)

    def _fast_string_objs(self):
        """memcpy, memmove and memset from picolibc's release build: the
        default (size-optimised) libc has them as byte loops, which made
        every file read and write (and calloc) ~10x slower than need be.
        Taken out of Debian's archive at build time; linked before -lc, so
        they win over its stubs."""
        if not hasattr(self, "_fast_str"):
            lib = os.path.join(os.path.dirname(PICOLIBC_INCLUDE), "lib", "release", "libc.a")
            out = os.path.join(self.b, "obj", "picolibc-release")
            members = ["memcpy.S.o", "memmove.S.o", "memset.S.o"]
            paths = [os.path.join(out, m) for m in members]
            if not all(os.path.exists(p) and os.path.getmtime(p) >= os.path.getmtime(lib)
                       for p in paths):
                os.makedirs(out, exist_ok=True)
                subprocess.run(["aarch64-linux-gnu-ar", "x", "--output", out, lib] + members,
                               check=True)
                for p in paths:
                    os.utime(p)
            self._fast_str = paths
        return self._fast_str

    def _rootfs_objs(self, cfg, platform, cflags, gen, objdir, out):
        """The app's rootfs/ (or app.cfg's rootfs:) packed into the image's
        .duet_rootfs section; qemu-virt also gets it as a flash image beside
        the ELF (OUT minus .elf plus .rootfs), which runner.py attaches."""
        flash = out[:-len(".elf")] + ".rootfs"
        try:
            top = cfg.rootfs_dir()
            if not top:
                if os.path.exists(flash):
                    os.unlink(flash)
                return []
            archive = rootfs.build(top, os.path.join(gen, "rootfs.img"))
            if platform == "qemu-virt":
                os.makedirs(os.path.dirname(flash), exist_ok=True)
                rootfs.flash_image(archive, flash)
        except (rootfs.RootfsError, OSError, appcfg.ManifestError) as e:
            raise SystemExit("build.py: %s" % e)
        src = rootfs.asm_source(os.path.abspath(archive), os.path.join(gen, "rootfs.S"))
        return self._objs(self.cross, cflags, [src], objdir, extra_inputs=[archive])

    def _app_cflags(self, cflags, cfg):
        """Duet's own apps keep -Werror; any other app's warnings are shown,
        never fatal (app.cfg's werror: overrides both ways). The app's
        include: folders and cflags: come last, so they win."""
        own = os.path.abspath(cfg.app_dir).startswith(self._rel("apps") + os.sep)
        werror = cfg.werror if cfg.werror is not None else own
        flags = [f for f in cflags if f not in WARN]
        flags += WARN if werror else ["-Wall"]
        flags += ["-I" + d for d in cfg.include_dirs()] + cfg.cflags
        if cfg.debian:  # the cache's path stays out of debug info and __FILE__
            flags.append("-ffile-prefix-map=%s=%s" % (cfg.base, cfg.debian))
        return flags

    # --- lwIP (apps whose app.cfg says `uses: lwip`) --------------------------
    def _lwip_tree(self):
        if self._lwip_src is None:
            self._lwip_src = debsrc.source_dir(self.verbose)
        return self._lwip_src

    def _lwip_cflags(self):
        """For lwIP, its port and the apps using it. Our include dir comes
        first: lwIP's headers include "lwipopts.h" and "arch/cc.h" from it."""
        tree = self._lwip_tree()
        return ["-I" + self._rel("guest", "lwip", "include"),
                "-I" + os.path.join(tree, "src", "include"),
                "-ffile-prefix-map=%s=lwip" % tree]  # the cache's path stays out

    def _lwip_objs(self, platform, cflags, sockets=False):
        """lwIP's IPv4 core and Ethernet, and our port (guest/lwip/*.c), once
        per platform into build/obj/lwip/PLATFORM. sockets: NO_SYS=0, plus
        lwIP's api/ (tcpip thread, netconn, sockets) and guest/lwip/sys/,
        into build/obj/lwip-sockets/PLATFORM."""
        key = (platform, sockets)
        if key not in self._lwip:
            src = os.path.join(self._lwip_tree(), "src")
            core = (sorted(glob.glob(os.path.join(src, "core", "*.c")))
                    + sorted(glob.glob(os.path.join(src, "core", "ipv4", "*.c")))
                    + [os.path.join(src, "netif", "ethernet.c")])
            port = sorted(glob.glob(self._rel("guest", "lwip", "*.c")))
            flags = cflags + self._lwip_cflags()
            objdir = os.path.join(self.b, "obj", "lwip", platform)
            if sockets:
                core += sorted(glob.glob(os.path.join(src, "api", "*.c")))
                port += sorted(glob.glob(self._rel("guest", "lwip", "sys", "*.c")))
                flags += SOCKETS_FLAGS
                objdir = os.path.join(self.b, "obj", "lwip-sockets", platform)
            self._lwip[key] = (
                self._objs(self.cross, flags + LWIP_WARN, core, objdir, base=self._lwip_tree())
                + self._objs(self.cross, flags, port, objdir))
        return self._lwip[key]


def app_name(app_dir):
    return os.path.basename(os.path.normpath(app_dir))


def _native_libfdt():
    # libfdt-dev (native) conflicts with libfdt-dev:arm64, so link libfdt1's .so by name.
    for p in ("/usr/lib/x86_64-linux-gnu/libfdt.so.1", "/usr/lib/aarch64-linux-gnu/libfdt.so.1"):
        if os.path.exists(p):
            return p
    return "-lfdt"
