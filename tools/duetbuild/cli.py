"""The subcommands of ./build.py."""
import os
import shlex
import shutil
import sys

from . import debsrc, manifest, setup, ui
from .config import Config
from .make import BuildError, run_steps
from .manifest import ManifestError
from .targets import PLATFORMS, Targets, app_name


class Project:
    """The tree, its build directory and configuration, and how to build things."""

    def __init__(self, root, verbose):
        self.root, self.verbose = root, verbose
        self.build_dir = os.path.join(root, "build")
        self.config = Config(root, self.build_dir)
        self._targets = None

    @property
    def targets(self):
        if self._targets is None:
            self._targets = Targets(self.root, self.build_dir, self.config.values(),
                                    self.verbose)
        return self._targets

    def app_dir(self, app):
        """apps/NAME, apps/ports/NAME, or a path to an app folder anywhere."""
        path = None
        if os.sep in app or app.startswith("."):
            path = os.path.abspath(app)
        else:
            for where in (("apps", app), ("apps", "ports", app)):
                path = os.path.join(self.root, *where)
                if os.path.isdir(path):
                    break
        if not os.path.isdir(path):
            known = ", ".join(self.all_apps())
            raise SystemExit("build.py: no app '%s' (an app is a folder of C sources; "
                             "in apps/: %s)" % (app, known))
        return path

    def all_apps(self):
        """Duet's own apps (apps/NAME), built by default; ports of other
        people's programs (apps/ports/NAME) are built when named."""
        d = os.path.join(self.root, "apps")
        return sorted(a for a in os.listdir(d) if os.path.isdir(os.path.join(d, a))
                      and a != "ports")

    def build(self, apps=None, platforms=None, host=True, native=True, unit=False, bench=False):
        """Builds what is asked; returns the paths of the guest images."""
        t = self.targets
        steps, images = [], []
        if host:
            steps.append(t.host_static())
        if bench:
            steps += [t.netload(), t.fsbench_native()]
        if native:
            steps.append(t.host_native()[0])
        if unit:
            steps += t.unit_tests() + t.tsan_tests()
        for app in apps if apps is not None else self.all_apps():
            for plat in platforms or [self.platform()]:
                s = t.guest(self.app_dir(app), plat)
                steps.append(s)
                images.append(s.output)
        run_steps(steps, self.verbose)
        return images

    def build_lab_native(self, apps):
        """Apps as static aarch64 Linux programs for the lab (targets.lab_native)."""
        steps = [self.targets.lab_native(self.app_dir(a)) for a in apps]
        run_steps(steps, self.verbose)
        return [s.output for s in steps]

    def fetch_libraries(self):
        """Fetches lwIP now if an app in apps/ uses it, so builds need no network."""
        if any("lwip" in manifest.uses(self.app_dir(a)) for a in self.all_apps()):
            debsrc.source_dir(self.verbose)

    def platform(self):
        return self.config.values()["PLATFORM"]

    def host_binary(self):
        return os.path.join(self.build_dir, "host", "duet")


def dispatch(root, args):
    if args.command == "clean":
        shutil.rmtree(os.path.join(root, "build"), ignore_errors=True)
        return 0
    if not setup.ensure(args.verbose):
        return 1
    proj = Project(root, args.verbose)
    try:
        if args.command == "setup":
            proj.fetch_libraries()
            ui.info("setup: everything is installed")
            return 0
        if args.command == "defconfig":
            proj.config.defconfig(args.platform)
            return 0
        if args.command == "menuconfig":
            proj.config.menuconfig()
            return 0
        if args.command == "build":
            imgs = proj.build(args.apps or None)
            ui.info("built %s, %s and %d guest image(s) in %s" % (
                os.path.relpath(proj.host_binary(), root), "build/native/duet", len(imgs),
                os.path.relpath(proj.build_dir, root)))
            return 0
        if args.command == "run":
            from . import runner
            if args.gdb or args.gdb_port is not None or args.net or args.port:
                if args.core_dir:
                    ui.error("--core-dir goes without --net, --port and --gdb (for now)")
                    return 2
                from . import netrun
                return netrun.run(proj, args.app, args.args, args.mem, args.host_opts,
                                  args.port, args.net, args.gdb_port, args.gdb, args.platform)
            if getattr(args, "core_dir", None):
                from . import debugrun
                return debugrun.run_with_core(proj, args.app, args.args, args.mem, args.core_dir)
            return runner.run_app(proj, args.app, args.args, args.platform, args.mem,
                                  args.host_opts)
        if args.command == "lab":
            from . import runner
            return runner.lab(proj, args.script, args.shell)
        if args.command == "test":
            from . import testrun
            return testrun.main(proj, unit_only=args.unit, pattern=args.pattern)
        if args.command == "fuzz":
            from . import fuzz
            return fuzz.main(proj, args.seconds)
        if args.command == "bench":
            if args.compare:
                from .bench import compare as benchcmp
                new = args.compare[1] if len(args.compare) > 1 else os.path.join(
                    proj.build_dir, "bench", "results.json")
                return benchcmp.compare(args.compare[0], new)
            from .bench import run as bench
            return bench.main(proj, getattr(args, "only", None))
    except BuildError as e:
        ui.error("build failed: " + str(e))
        return 1
    except (ManifestError, debsrc.FetchError) as e:
        ui.error(str(e))
        return 1
    except Exception as e:  # the lab's downloads (kernel, payloads) say what failed
        from duetlab import LabError
        if not isinstance(e, LabError):
            raise
        ui.error("lab: " + str(e))
        return 1
    raise SystemExit("build.py: unknown command " + args.command)


def shell_line(argv):
    return " ".join(shlex.quote(a) for a in argv)


def app_image_name(app_dir, platform):
    return "%s.%s.elf" % (app_name(app_dir), platform)


