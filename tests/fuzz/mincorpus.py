#!/usr/bin/python3
"""Pick a small corpus for one harness: at most MAX_FILES inputs, MAX_BYTES in all.

    tests/fuzz/mincorpus.py build/fuzz/fuzz_NAME OUT_DIR DIR...

libFuzzer's -merge=1 keeps every input that adds a feature in the order it
meets them, which after a long run is hundreds of files. This asks the harness
for each input's own features (a merge run of that input alone, edges only:
-use_counters=0), then chooses greedily the input that adds the most features
not yet covered, preferring the named seeds of the first DIR and small inputs on
a tie, until nothing is added or a limit is reached. The chosen files are
copied into OUT_DIR (which must not exist) under their own names.
"""
import os
import shutil
import subprocess
import sys
import tempfile

MAX_FILES = 48
MAX_BYTES = 190 * 1024


def features(harness, path, tmp):
    """The features one input reaches, from the control file of a merge run of it alone."""
    inp, out, ctl = (os.path.join(tmp, d) for d in ("in", "out", "ctl"))
    for d in (inp, out):
        shutil.rmtree(d, ignore_errors=True)
        os.mkdir(d)
    # An existing control file would be taken as an interrupted merge to resume.
    if os.path.exists(ctl):
        os.remove(ctl)
    os.symlink(os.path.abspath(path), os.path.join(inp, "x"))
    subprocess.run([harness, "-merge=1", "-use_counters=0", "-close_fd_mask=3",
                    "-merge_control_file=" + ctl, out, inp],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    feats = set()
    with open(ctl) as f:
        for line in f:
            if line.startswith("FT "):
                feats.update(int(x) for x in line.split()[2:])
    return feats


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    harness, out_dir, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    if os.path.exists(out_dir):
        sys.exit(f"{out_dir} exists")
    inputs = []           # (path, is_seed, size, features)
    with tempfile.TemporaryDirectory() as tmp:
        for i, d in enumerate(dirs):
            for name in sorted(os.listdir(d)):
                path = os.path.join(d, name)
                inputs.append((path, i == 0, os.path.getsize(path), features(harness, path, tmp)))
    covered, chosen, total = set(), [], 0
    while len(chosen) < MAX_FILES:
        best = max((inp for inp in inputs if inp not in chosen and total + inp[2] <= MAX_BYTES),
                   key=lambda inp: (len(inp[3] - covered), inp[1], -inp[2]), default=None)
        if best is None or not best[3] - covered:
            break
        chosen.append(best)
        covered |= best[3]
        total += best[2]
    everything = set().union(*(inp[3] for inp in inputs)) if inputs else set()
    os.makedirs(out_dir)
    for path, _, _, _ in chosen:
        shutil.copy(path, os.path.join(out_dir, os.path.basename(path)))
    print(f"{len(chosen)} of {len(inputs)} inputs, {total} bytes, "
          f"{len(covered)} of {len(everything)} features")


if __name__ == "__main__":
    main()
