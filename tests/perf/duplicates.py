"""How fast Design's "Duplicates" key finds its groups in the biggest labs, against the plain scan.

    python tests/perf/duplicates.py [--runs N] [--dir FOLDER] [--skip-varied]

Times ``funnel.suggest_duplicates`` and, in the same run on the same ideas, the plain scan it
replaced (``reference_suggest_duplicates`` in tests/test_duplicates_speed.py, which rates every
pair of titles sharing a word), checks that both give the same groups, and prints both times
and their ratio. Two sets of 3,000 ideas:

* the scale session: tests/perf/scale.py's ``build_session`` (titles such as "Ide 12: layanan
  antrean untuk warga 12" from its 16 words), opened as the app opens it and compared on
  ``session.ideas()``;
* varied titles: 2 to 7 words from ~150 words of local government (the common ones more often),
  some with a prefix, a number or capitals, and one in eight an earlier title slightly changed
  (a word dropped or added, a letter changed, capitals), as a workshop's ideas come.

Each time is the median of ``--runs`` calls for the new code and of one call for the plain scan
(it takes seconds to a minute); CPU time in brackets, since on a machine busy with other work the
wall time includes waiting for a core. Target: well under a second for 3,000 ideas. Timings are
only comparable within one run: the ratio is the figure to look at. The last line is one JSON
object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[2]
for folder in (REPO, REPO / "tests", REPO / "tests" / "perf"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

TARGET_S = 1.0
VOCABULARY = """layanan antrean posyandu sekolah pasar sampah air jalan izin pajak desa nelayan
petani UMKM kesehatan digital aplikasi data warga KTP keliling bank kampung harga sehat bersih
puskesmas bidan ibu anak balita gizi stunting dokumen online terpadu satu pintu mobil sistem
informasi pengaduan cepat gratis lansia disabilitas perempuan pemuda pelatihan modal koperasi
wisata budaya lingkungan hijau taman lampu banjir drainase irigasi sawah pupuk benih ikan kapal
pelabuhan transportasi angkutan parkir retribusi perizinan rumah sakit rujukan obat vaksin
imunisasi guru buku perpustakaan beasiswa distrik kabupaten kantor pelayanan publik adminduk
akta lahir kartu keluarga nikah kematian jemput bola WhatsApp SMS ponsel portal peta lokasi foto
laporan jadwal dokter pasien ambulans siaga relawan bencana tanggul sungai hutan kebun ternak
hewan pangan lokal lumbung menu kelas belajar baca cerita rakyat musyawarah bansos iuran dana kas
program bersama tarif tetap SIM bayar QRIS agen denda hadiah sepeda surat keterangan tanda tangan
elektronik""".split()
LINKS = ("untuk", "di", "dan", "bagi", "lewat", "dengan", "ke", "dari")


def varied_titles(count: int, seed: int = 7) -> list[str]:
    """``count`` titles of 2-7 words, the first words of :data:`VOCABULARY` the most frequent
    (Zipf-like), one in eight an earlier title slightly changed."""
    rng = random.Random(seed)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(VOCABULARY))]
    titles: list[str] = []
    for _ in range(count):
        if titles and rng.random() < 0.12:
            words = rng.choice(titles).split()
            change = rng.randrange(4)
            if change == 0 and len(words) > 2:
                del words[rng.randrange(len(words))]
            elif change == 1:
                words.insert(rng.randrange(len(words) + 1), rng.choice(VOCABULARY))
            elif change == 2:
                at = rng.randrange(len(words))
                word = words[at]
                if len(word) > 3:
                    letter = rng.randrange(len(word))
                    words[at] = word[:letter] + rng.choice("aeiou") + word[letter + 1:]
            else:
                words = [w.upper() if rng.random() < 0.3 else w for w in words]
            titles.append(" ".join(words))
            continue
        size = rng.randint(2, 7)
        words = rng.choices(VOCABULARY, weights, k=size)
        if size > 3:
            words.insert(rng.randrange(1, size), rng.choice(LINKS))
        title = " ".join(words)
        if rng.random() < 0.3:
            title = title.capitalize()
        if rng.random() < 0.15:
            title = f"{title.split()[0].upper()}: {title}"
        if rng.random() < 0.1:
            title += f" {rng.randint(1, 99)}"
        titles.append(title)
    return titles


def timed(call: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    """The median wall and CPU seconds of ``runs`` calls, and what the last call returned."""
    walls, cpus = [], []
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = call()
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - wall)
    return statistics.median(walls), statistics.median(cpus), result


def compare(name: str, ideas: list, runs: int) -> dict[str, Any]:
    """Time both on ``ideas``, check they agree, print the figures; the figures."""
    from facilitator.core import funnel
    from test_duplicates_speed import reference_suggest_duplicates

    ref_wall, ref_cpu, expected = timed(
        lambda: reference_suggest_duplicates(None, ideas=ideas), 1)
    new_wall, new_cpu, groups = timed(lambda: funnel.suggest_duplicates(None, ideas=ideas), runs)
    if groups != expected:
        raise SystemExit(f"{name}: the groups differ from the plain scan's")
    ratio, cpu_ratio = ref_wall / new_wall, ref_cpu / new_cpu
    print(f"\n{name}: {len(ideas)} ideas, {len(groups)} groups, "
          f"{sum(len(g) for g in groups)} ideas in them (the same from both)")
    print(f"  plain scan (reference)   {ref_wall * 1000:9.1f} ms  ({ref_cpu * 1000:9.1f} CPU)")
    print(f"  suggest_duplicates       {new_wall * 1000:9.1f} ms  ({new_cpu * 1000:9.1f} CPU)"
          f"   target < {TARGET_S * 1000:.0f} ms   {'ok' if new_wall < TARGET_S else 'MISSED'}")
    print(f"  ratio                    {ratio:9.1f} x   (CPU time ratio {cpu_ratio:.1f} x)")
    return {"ideas": len(ideas), "groups": len(groups), "reference_ms": round(ref_wall * 1000, 1),
            "new_ms": round(new_wall * 1000, 1), "reference_cpu_ms": round(ref_cpu * 1000, 1),
            "new_cpu_ms": round(new_cpu * 1000, 1), "ratio": round(ratio, 1),
            "cpu_ratio": round(cpu_ratio, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="calls of the new code timed (5)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="where the scratch session goes (a temporary folder)")
    parser.add_argument("--skip-varied", action="store_true",
                        help="only the scale session (the plain scan of the varied titles takes "
                             "about a minute)")
    args = parser.parse_args(argv)

    import scale
    from facilitator.core.records import Idea
    from facilitator.core.session import Session

    print(f"suggest_duplicates benchmark · Python {sys.version.split()[0]} · {sys.platform}"
          f" · {os.cpu_count()} CPUs · load average {os.getloadavg()[0]:.2f}"
          f" · median of {args.runs} calls against one of the plain scan")
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="facilitator-dup-", dir=args.dir) as scratch:
        path = Path(scratch) / "scale.json"
        scale.build_session(path)
        session = Session.open(path, actor="bench@duplicates")
        try:
            figures["scale"] = compare("Scale session (tests/perf/scale.py)", session.ideas(),
                                       args.runs)
        finally:
            session.close()
    if not args.skip_varied:
        ideas = [Idea(id=f"ide{n}", title=title)
                 for n, title in enumerate(varied_titles(scale.IDEAS))]
        figures["varied"] = compare("Varied titles", ideas, args.runs)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
