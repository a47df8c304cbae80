#!/usr/bin/python3
"""make bench's chart: cycles Mantle adds to each exit path (log scale, GICv2 and GICv3 side by side),
and the ratios of boot and I/O, drawn by gnuplot into one PNG next to results.json."""
import json
import os
import subprocess
import sys
import tempfile


def main(results, png):
    with open(results) as f:
        rows = json.load(f)
    cycles = {}
    ratios = {}
    for r in rows:
        if r.get("unit") == "cycles":
            value = r["added"] if r.get("added") is not None else r["mantle"]
            cycles.setdefault(r["operation"], {})[r["gic"]] = max(value, 1)
        elif r.get("ratio") is not None:
            ratios.setdefault(r["operation"], {})[r["gic"]] = r["ratio"]
    with tempfile.TemporaryDirectory() as tmp:
        def table(name, data):
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                for op, by_gic in data.items():
                    label = op.replace('"', "'")
                    f.write(f'"{label}" {by_gic.get(2, "NaN")} {by_gic.get(3, "NaN")}\n')
            return path
        exits, other = table("exits.dat", cycles), table("ratios.dat", ratios)
        script = f"""
set terminal pngcairo size 1400,1000 font ",10"
set output "{png}"
set multiplot layout {2 if ratios else 1},1 title "Mantle under QEMU -icount shift=0 (cycles = instructions)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -35 left
set key top left
set grid ytics
set logscale y
set ylabel "cycles added over native (or total, no native)"
plot "{exits}" using 2:xtic(1) title "GICv2", "" using 3 title "GICv3"
"""
        if ratios:
            script += f"""
unset logscale y
set ylabel "Mantle / native"
set yrange [0:*]
plot "{other}" using 2:xtic(1) title "GICv2", "" using 3 title "GICv3"
"""
        script += "unset multiplot\n"
        subprocess.run(["gnuplot"], input=script, text=True, check=True)
    print(f"chart: {png}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
