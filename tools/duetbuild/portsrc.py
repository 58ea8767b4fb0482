"""A ported program's source tree: app.cfg's `debian: PACKAGE` fetched into
the cache (debsrc.py) and its `prepare:` command run there once; the stamp
keeps the command, so a changed one runs again."""
import os
import subprocess

from . import debsrc, ui


def prepared_tree(cfg, verbose=False):
    tree = debsrc.source_dir(verbose, cfg.debian)
    if not cfg.prepare:
        return tree
    stamp = os.path.join(tree, ".duet-prepared")
    try:
        if open(stamp).read() == cfg.prepare:
            return tree
    except FileNotFoundError:
        pass
    ui.info("preparing %s: %s" % (cfg.debian, cfg.prepare))
    r = subprocess.run(["sh", "-c", cfg.prepare], cwd=tree, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    log = os.path.join(tree, ".duet-prepare.log")
    with open(log, "w") as f:
        f.write(r.stdout)
    if r.returncode != 0:
        raise debsrc.FetchError("%s: prepare: %r failed (status %d) in %s; last lines (all "
                                "in %s):\n%s" % (os.path.join(cfg.app_dir, "app.cfg"),
                                                 cfg.prepare, r.returncode, tree, log,
                                                 r.stdout[-1500:].rstrip()))
    with open(stamp, "w") as f:
        f.write(cfg.prepare)
    return tree
