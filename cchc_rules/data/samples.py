"""The sample datasets shipped in `datasets/`: one synthetic province before and after the 2025 reform.

Every value is made up, by a seeded generator, from the shipped rulebooks: no file here is a real
unit's score. The shape follows what provinces publish (DOMAIN.md): 19 departments and 8
districts scored in three stages (self-assessment, appraisal rounds 1 and 2), self-scores a little
above the appraised ones, survey answers from several respondent forms, a few units with a
disciplinary sanction or left out of the ranking, field 3 not applicable to units without public
procedures; then the same province after the 2025 merger (departments merged, districts abolished,
communes merged into larger communes and wards) with a crosswalk from old units to new.

How values are made: each unit has a latent quality q (roughly the share of each leaf's maximum it
earns). Per unit × leaf a share s = q + noise is drawn, and the leaf's value is written so that its
points are about s × max, by rule kind (`_value`). The same fixed uniform draw per cell is used at
every stage, so a higher share never gives a lower value: self-assessment adds optimism to s,
appraisal round 1 is sometimes stricter than round 2 (before the unit's explanation), round 2 is s.

`python -m cchc_rules.data.samples` rewrites every sample folder; `--large FOLDER` also writes the
large generated dataset (10,000 communes by default), which is not committed.
"""


from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from cchc_rules.data.load import write_dataset
from cchc_rules.data.model import Dataset
from cchc_rules.data.sample_communes import COMMUNE_GROUP, COMMUNE_RULEBOOK, PROVINCE_2025, communes
from cchc_rules.data.sample_province import PROVINCE_2024, SEED, province, shipped_rulebook
from cchc_rules.data.sample_tables import CITIZENS, SOURCE
from cchc_rules.data.sample_tables import leaf_value as _value
from cchc_rules.shipped import shipped_root

__all__ = ["CITIZENS", "COMMUNE_RULEBOOK", "RULEBOOKS", "SEED", "_value", "communes", "large_communes", "main",
           "province", "regenerate", "samples"]

RULEBOOKS = {  # sample folder → the rulebook (in rulebooks/) that scores it
    "sample-province-2023": PROVINCE_2024,
    "sample-province-2024": PROVINCE_2024,
    "sample-communes-2024": COMMUNE_RULEBOOK,
    "sample-province-2025": PROVINCE_2025,
}


def samples(root: Path | None = None, seed: int = SEED) -> dict[str, Dataset]:
    """Every sample dataset, by folder name."""
    return {**province(root, seed), **communes(root, seed)}


def regenerate(root: Path | None = None, out: Path | None = None, seed: int = SEED) -> list[Path]:
    """Write every sample dataset into `out` (default: the shipped datasets/, the repository's in a checkout)."""
    out = Path(out) if out is not None else (shipped_root() if root is None else root) / "datasets"
    written = []
    for name, dataset in samples(root, seed).items():
        write_dataset(dataset, out / name)
        written.append(out / name)
    return written


LARGE_SEED = 10_000


def large_communes(folder: Path, n: int = 10_000, seed: int = LARGE_SEED, root: Path | None = None) -> Path:
    """The large generated dataset: `n` communes scored with par-communes-2024, made by the seeded
    synthetic generator (not committed; about 10,000 communes existed before 2025)."""
    from cchc_rules.data.synthetic import synthesize

    rulebook = shipped_rulebook(COMMUNE_RULEBOOK, root)
    dataset = synthesize(rulebook, n_units=n, seed=seed, group=COMMUNE_GROUP)
    dataset.meta.year = 2024
    dataset.meta.source = SOURCE.format(seed=seed)
    dataset.meta.rulebook = f"{rulebook.id}.yaml"
    dataset.meta.description = (
        f"{n} xã tổng hợp, chấm theo {rulebook.id}, để đo tốc độ và quy mô. / "
        f"{n} synthetic communes scored with {rulebook.id}, for speed and scale."
    )
    write_dataset(dataset, Path(folder))
    return Path(folder)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m cchc_rules.data.samples",
        description="Viết lại các bộ dữ liệu mẫu trong datasets/ / Rewrite the sample datasets in datasets/.",
    )
    parser.add_argument("--out", type=Path, default=None,
                        help="thư mục đích (mặc định datasets/) / target folder (default datasets/)")
    parser.add_argument("--large", type=Path, default=None, metavar="FOLDER",
                        help="cũng viết bộ dữ liệu lớn vào FOLDER / also write the large dataset into FOLDER")
    parser.add_argument("--n", type=int, default=10_000, help="số xã của bộ lớn / communes in the large dataset")
    parser.add_argument("--seed", type=int, default=LARGE_SEED, help="seed của bộ lớn / seed of the large dataset")
    args = parser.parse_args(argv)
    for path in regenerate(out=args.out):
        print(path)
    if args.large is not None:
        print(large_communes(args.large, n=args.n, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
