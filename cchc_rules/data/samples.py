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
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cchc_rules.data.load import dataset_from_frames, write_dataset
from cchc_rules.data.model import Dataset, DatasetMeta
from cchc_rules.dsl.load import load_rulebook
from cchc_rules.dsl.models import Node, Rule, Rulebook
from cchc_rules.numbers import plain

REPO = Path(__file__).resolve().parents[2]
SEED = 2023
SOURCE = (
    "Dữ liệu mẫu tổng hợp, không phải số liệu thật, do cchc_rules.data.samples tạo (seed {seed}) / "
    "Synthetic sample data, not real scores, made by cchc_rules.data.samples (seed {seed})"
)


# ---------------------------------------------------------------- units
@dataclass(frozen=True)
class Unit:
    """A unit of the sample province; `quality` is its latent share of each leaf's maximum."""

    unit_id: str
    name: str
    group: str
    quality: float
    flags: tuple[str, ...] = ()
    procedures: bool = True  # False: no public procedures, so field 3 is NA (Hà Nam 2023)
    attributes: tuple[tuple[str, str], ...] = ()

    @property
    def district(self) -> str:
        return dict(self.attributes).get("district", "")


# id, name, latent quality 2023, 2024, successor after the 2025 merger (the department it joined)
DEPARTMENTS: list[tuple[str, str, float, float, str]] = [
    ("vp-ubnd", "Văn phòng UBND tỉnh", 0.93, 0.94, "vp-ubnd"),
    ("so-noi-vu", "Sở Nội vụ", 0.95, 0.94, "so-noi-vu"),
    ("so-tu-phap", "Sở Tư pháp", 0.94, 0.95, "so-tu-phap"),
    ("so-khdt", "Sở Kế hoạch và Đầu tư", 0.93, 0.93, "so-tai-chinh"),
    ("so-tai-chinh", "Sở Tài chính", 0.94, 0.93, "so-tai-chinh"),
    ("so-cong-thuong", "Sở Công Thương", 0.92, 0.92, "so-cong-thuong"),
    ("so-nnptnt", "Sở Nông nghiệp và Phát triển nông thôn", 0.91, 0.90, "so-nnmt"),
    ("so-gtvt", "Sở Giao thông vận tải", 0.90, 0.91, "so-xay-dung"),
    ("so-xay-dung", "Sở Xây dựng", 0.92, 0.91, "so-xay-dung"),
    ("so-tnmt", "Sở Tài nguyên và Môi trường", 0.89, 0.90, "so-nnmt"),
    ("so-tttt", "Sở Thông tin và Truyền thông", 0.95, 0.96, "so-khcn"),
    ("so-ldtbxh", "Sở Lao động - Thương binh và Xã hội", 0.90, 0.90, "so-noi-vu"),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch", 0.90, 0.88, "so-vhttdl"),
    ("so-khcn", "Sở Khoa học và Công nghệ", 0.91, 0.92, "so-khcn"),
    ("so-gddt", "Sở Giáo dục và Đào tạo", 0.93, 0.94, "so-gddt"),
    ("so-y-te", "Sở Y tế", 0.88, 0.89, "so-y-te"),
    ("thanh-tra", "Thanh tra tỉnh", 0.90, 0.91, "thanh-tra"),
    ("ban-dan-toc", "Ban Dân tộc", 0.76, 0.78, "so-dtdt"),
    ("ban-ql-kcn", "Ban Quản lý các khu công nghiệp", 0.45, 0.66, "ban-ql-kcn"),
]
NO_PROCEDURES = {"vp-ubnd", "thanh-tra"}  # as in Hà Nam 2023: the office and the inspectorate

# The 14 departments after the 2025 merger; merged ones take their members' mean quality.
DEPARTMENTS_2025: list[tuple[str, str]] = [
    ("vp-ubnd", "Văn phòng UBND tỉnh"),
    ("so-noi-vu", "Sở Nội vụ"),
    ("so-tu-phap", "Sở Tư pháp"),
    ("so-tai-chinh", "Sở Tài chính"),
    ("so-cong-thuong", "Sở Công Thương"),
    ("so-nnmt", "Sở Nông nghiệp và Môi trường"),
    ("so-xay-dung", "Sở Xây dựng"),
    ("so-khcn", "Sở Khoa học và Công nghệ"),
    ("so-vhttdl", "Sở Văn hóa, Thể thao và Du lịch"),
    ("so-gddt", "Sở Giáo dục và Đào tạo"),
    ("so-y-te", "Sở Y tế"),
    ("thanh-tra", "Thanh tra tỉnh"),
    ("so-dtdt", "Sở Dân tộc và Tôn giáo"),
    ("ban-ql-kcn", "Ban Quản lý các khu công nghiệp"),
]

# id, name (the UBND of the district), latent quality 2023, 2024, number of communes, city?
DISTRICTS: list[tuple[str, str, float, float, int, bool]] = [
    ("tp-hoa-an", "UBND thành phố Hòa An", 0.88, 0.89, 8, True),
    ("h-dong-son", "UBND huyện Đông Sơn", 0.85, 0.84, 20, False),
    ("h-tay-son", "UBND huyện Tây Sơn", 0.83, 0.86, 20, False),
    ("h-nam-binh", "UBND huyện Nam Bình", 0.89, 0.88, 11, False),
    ("h-bac-ha", "UBND huyện Bắc Hà", 0.84, 0.83, 12, False),
    ("h-thuong-lam", "UBND huyện Thượng Lâm", 0.78, 0.82, 10, False),
    ("h-phu-luong", "UBND huyện Phú Lương", 0.76, 0.74, 12, False),
    ("h-van-lang", "UBND huyện Văn Lãng", 0.42, 0.62, 10, False),
]
COMMUNE_DISTRICTS = ("h-dong-son", "h-tay-son")  # the two districts of sample-communes-2024

COMMUNE_NAMES = (
    "An Lạc", "An Bình", "An Phú", "An Thịnh", "Bình Minh", "Bình Trung", "Bình Văn", "Cẩm Giàng",
    "Cao Sơn", "Cốc Đán", "Đại Đồng", "Đại Sảo", "Đông Hòa", "Đông Viên", "Đồng Tâm", "Đồng Lạc",
    "Dương Quang", "Giáo Hiệu", "Hà Hiệu", "Hòa Bình", "Hòa Mục", "Hợp Thành", "Hưng Đạo", "Kim Đồng",
    "Kim Hỷ", "Lam Sơn", "Lãng Ngâm", "Liêm Thủy", "Liên Minh", "Lương Bằng", "Lương Thượng", "Minh Khai",
    "Mỹ Phương", "Nam Cường", "Nam Mẫu", "Nghĩa Tá", "Nông Hạ", "Phong Huân", "Phúc Lộc", "Phương Linh",
    "Quang Thuận", "Quang Trung", "Quảng Bạch", "Quảng Chu", "Sỹ Bình", "Tân Lập", "Tân Sơn", "Tân Tiến",
    "Thanh Bình", "Thanh Mai", "Thanh Vận", "Thượng Ân", "Thượng Quan", "Trung Hòa", "Trung Minh",
    "Văn Minh", "Văn Vũ", "Vân Tùng", "Vi Hương", "Xuân Dương", "Xuân La", "Yên Cư", "Yên Hân", "Yên Phong",
    "Yên Thượng", "Yên Thịnh", "Bằng Lãng", "Bằng Phúc", "Cư Lễ", "Côn Minh", "Cường Lợi", "Đức Vân",
    "Hảo Nghĩa", "Hiệp Lực", "Kim Lư", "Lạng San", "Lục Bình", "Lương Hạ", "Nà Phặc", "Ngọc Phái",
    "Quân Hà", "Quang Phong", "Sơn Thành", "Tân An", "Thuần Mang", "Trần Phú", "Văn Học", "Vũ Muộn",
    "Xuân Lạc", "Yến Dương", "Cao Kỳ", "Đôn Phong", "Hoàng Trĩ", "Khang Ninh", "Mai Lạp", "Như Cố",
    "Quảng Khê", "Tân Sơn Hạ", "Thạch Ngõa", "Vũ Loan", "Bộc Bố", "Công Bằng", "Giáo Hóa", "Nhạn Môn",
    "Phúc Lợi", "Phương Viên", "Rã Bản", "Tú Trĩ", "Bản Thi", "Cổ Linh", "Nghiên Loan", "Xuân Phong",
)


def _slug(text: str) -> str:
    """An ASCII id from a Vietnamese name ('Đông Hòa' → 'dong-hoa')."""
    flat = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    flat = "".join(c for c in flat if unicodedata.category(c) != "Mn").lower()
    return "-".join("".join(c if c.isalnum() else " " for c in flat).split())


@dataclass(frozen=True)
class Commune:
    unit_id: str
    name: str
    district: str
    quality: float  # 2024
    successor: str  # the 2025 commune or ward it became part of


@dataclass(frozen=True)
class NewCommune:
    unit_id: str
    name: str
    members: tuple[str, ...]  # the old communes merged into it
    quality: float


def _communes(rng: np.random.Generator) -> tuple[list[Commune], list[NewCommune], dict[str, str]]:
    """Old communes of every district, the 2025 communes and wards made from them (about three
    old communes each, as 10,000 → 3,321 nationally), and each district's successor (the new unit
    that holds its seat)."""
    names = list(COMMUNE_NAMES)
    order = rng.permutation(len(names))
    pool = iter(names[i] for i in order)
    old: list[Commune] = []
    new: list[NewCommune] = []
    seat: dict[str, str] = {}
    for district_id, _, _, q24, count, city in DISTRICTS:
        members = []
        for i in range(count):
            name = next(pool)
            kind = "Phường" if city else ("Thị trấn" if i == 0 else "Xã")
            q = float(np.clip(q24 + rng.normal(0, 0.06), 0.3, 0.98))
            members.append((name, kind, q))
        sizes = _partition(len(members), rng)
        start = 0
        for size in sizes:
            part = members[start : start + size]
            start += size
            place = part[0][0]  # the new unit takes its first member's place name
            kind = "Phường" if city else "Xã"
            new_id = f"{_slug(kind)}-{_slug(place)}"
            ids = [f"{_slug(k)}-{_slug(n)}" for n, k, _ in part]
            quality = float(np.mean([q for _, _, q in part]))
            new.append(NewCommune(new_id, f"UBND {kind.lower()} {place}", tuple(ids), quality))
            for member_id, (name, old_kind, q) in zip(ids, part):
                old.append(Commune(member_id, f"UBND {old_kind.lower()} {name}", district_id, q, new_id))
        seat[district_id] = new[-len(sizes)].unit_id
    return old, new, seat


def _partition(n: int, rng: np.random.Generator) -> list[int]:
    """Group sizes of 2 to 4 adding up to n (n ≥ 2)."""
    sizes: list[int] = []
    while n > 4:
        size = int(rng.integers(2, 5))
        if n - size == 1:
            size += 1
        sizes.append(size)
        n -= size
    return [*sizes, n] if n else sizes


# ---------------------------------------------------------------- values by rule kind
@dataclass
class Draws:
    """Random numbers per unit × leaf, fixed for every stage (and carried, correlated, to the next
    year): `noise` moves the leaf's share around the unit's quality, `u` decides discrete outcomes
    (a binary yes, a level, a rounding), `total` is a ratio's denominator."""

    noise: np.ndarray
    u: np.ndarray
    total: np.ndarray

    @classmethod
    def new(cls, n_units: int, leaves: Sequence[Node], rng: np.random.Generator) -> Draws:
        shape = (n_units, len(leaves))
        high = np.array([_ratio_size(leaf) for leaf in leaves])
        total = np.floor(rng.uniform(0.2, 1.0, shape) * high).astype(int) + 1
        total[rng.random(shape) < 0.03] = 0  # nothing of that kind in the year
        return cls(rng.normal(0, 1, shape), rng.random(shape), total)

    def next_year(self, rng: np.random.Generator, rho: float = 0.7) -> Draws:
        """Next year's draws: leaf shares correlated with this year's (`rho`), same discrete draws."""
        fresh = rng.normal(0, 1, self.noise.shape)
        total = np.maximum(np.rint(self.total * rng.uniform(0.85, 1.2, self.total.shape)), 0).astype(int)
        return Draws(rho * self.noise + math.sqrt(1 - rho**2) * fresh, self.u, total)


def _ratio_size(leaf: Node) -> int:
    """The largest denominator of a ratio leaf: thousands for procedure files, hundreds for
    staff, a handful for plans, tasks, documents and targets (guessed from the English name)."""
    name = leaf.name.get("en", "") if isinstance(leaf.name, dict) else leaf.name
    name = name.lower()
    if "file" in name:
        return 3000
    if "staff" in name or "user" in name:
        return 150
    return 12


def _num(values: np.ndarray, decimals: int) -> np.ndarray:
    """Numbers as a person types them: rounded, no trailing zeros (2.50 → '2.5', 3.0 → '3')."""
    return np.array([plain(v) for v in np.round(np.asarray(values, dtype=float), decimals)], dtype=object)


def _value(leaf: Node, s: np.ndarray, u: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The text a unit writes for `leaf` so that its points come near share `s` of the max; for a
    fixed `u`, a higher `s` never gives fewer points (so self ≥ appraisal holds leaf by leaf)."""
    rule: Rule = leaf.rule  # type: ignore[assignment]
    kind, top = rule.kind, float(leaf.max or 0.0)
    if kind == "binary":
        return np.where(u < s, "1", "0").astype(object)
    if kind == "ladder":
        mins = [step.min for step in rule.ladder if step.min is not None]
        hi, lo = max(mins), min(mins)
        base = lo - max(hi - lo, 0.2 * abs(hi), 1.0)
        base = max(base, 0.0) if lo >= 0 else base
        value = base + (hi - base) * np.minimum(1.0, s / 0.9)
        return _num(value, 0 if hi - base <= 10 else 1)
    if kind == "linear":
        a, b = rule.linear.from_, rule.linear.to
        return _num(a + (b - a) * s, 1)
    if kind == "ratio":
        done = np.minimum(total, np.floor(total * s + u * (s < 1))).astype(int)
        return np.array([f"{d}/{t}" for d, t in zip(done, total)], dtype=object)
    if kind == "levels":
        names = sorted(rule.levels, key=lambda n: -rule.levels[n])
        shares = np.array([rule.levels[n] / top if top else 0.0 for n in names])
        target = s + (u - 0.5) * 0.2
        return np.array(names, dtype=object)[np.abs(target[:, None] - shares[None, :]).argmin(axis=1)]
    if kind == "deduct":
        faults = max(1, math.ceil(top / rule.deduct.per))
        return _num(np.floor((1 - s) * faults + u * 0.999), 0)
    if kind == "points":
        return _num(np.minimum(top, np.floor(top * s * 4 + u) / 4), 2)
    if kind == "relative":
        better = rule.relative.better == "higher"
        return _num(np.where(better, 40 + 60 * s, 60 - 50 * s), 1)
    raise ValueError(f"leaf {leaf.id}: rule kind {kind} has no value in assessments.csv")


def _stage_shares(quality: np.ndarray, draws: Draws, n_stages: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Per stage, the share of each unit × leaf: the last stage (final appraisal) around the
    unit's quality; the self-assessment above it on about a third of the leaves (optimism the
    appraisal removes); intermediate rounds sometimes below the last (cut, then restored after the
    unit's explanation)."""
    final = np.clip(quality[:, None] + 0.08 * draws.noise, 0, 1)
    shape = final.shape
    lift = np.where(rng.random(shape) < 0.3, rng.uniform(0.05, 0.35, shape), 0.0)
    cut = np.where(rng.random(shape) < 0.12, rng.uniform(0.05, 0.25, shape), 0.0)
    if n_stages == 1:
        return [final]
    middle = [np.clip(final - cut, 0, 1)] * (n_stages - 2)
    return [np.clip(final + lift, 0, 1), *middle, final]


# ---------------------------------------------------------------- survey answers
CITIZENS = "NGUOIDAN"  # the form of citizens' answers, for survey questions that list no forms


@dataclass(frozen=True)
class Respondent:
    """Who answers: a form code, the unit they work in (`respondent_unit`, for exclude_own_unit),
    the groups they rate and, when `within` is given, only the units of those ids or districts."""

    respondent_id: str
    form: str
    unit: str
    rates: tuple[str, ...]
    within: tuple[str, ...] = ()

    def rates_unit(self, unit: Unit) -> bool:
        return unit.group in self.rates and (not self.within or bool({unit.unit_id, unit.district} & set(self.within)))

    def asked(self, forms: dict[str, float]) -> bool:
        """A question lists the forms that answer it; one that lists none is asked of citizens."""
        return self.form in forms if forms else self.form == CITIZENS


def _survey(rulebook: Rulebook, units: Sequence[Unit], respondents: Sequence[Respondent],
            rng: np.random.Generator) -> pd.DataFrame | None:
    """Every respondent asked a question answers it about every unit it rates;
    the answer's weight lands near the unit's quality; one answer in 25 is a skip answer."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for leaf in rulebook.leaves():
        if leaf.rule is None or leaf.rule.kind != "survey":
            continue
        rule = leaf.rule.survey
        options = sorted(rule.options, key=lambda o: -rule.options[o])
        weights = np.array([rule.options[o] for o in options])
        for unit in units:
            if not rulebook.applies(leaf.id, unit.group):
                continue
            who = [r for r in respondents if r.rates_unit(unit) and r.asked(rule.forms)]
            target = np.clip(unit.quality + 0.03 + rng.normal(0, 0.18, len(who)), 0, 1)
            picked = np.abs(target[:, None] - weights[None, :]).argmin(axis=1)
            skipped = rng.random(len(who)) < (0.04 if rule.skip else 0.0)
            for r, k, skip in zip(who, picked, skipped):
                answer = rule.skip[0] if skip else options[k]
                rows.append((r.respondent_id, r.form, unit.unit_id, leaf.id, answer, r.unit))
    if not rows:
        return None
    return pd.DataFrame(rows, columns=["respondent_id", "form", "unit_id", "criterion_id", "answer", "respondent_unit"])


# ---------------------------------------------------------------- one dataset's tables
NA_NODES = ("3", "7.3")  # not assessed for units without public procedures (Hà Nam 2023)
CUT_NOTES = (
    "Thiếu tài liệu kiểm chứng",
    "Tài liệu kiểm chứng không thuộc năm đánh giá",
    "Số liệu tự chấm không khớp số liệu trên hệ thống",
    "Thực hiện chưa đúng thời hạn quy định",
)
RESTORED_NOTE = "Chấp nhận giải trình, bổ sung tài liệu kiểm chứng"


def _units_frame(units: Sequence[Unit]) -> pd.DataFrame:
    rows = [{"unit_id": u.unit_id, "name": u.name, "group": u.group, "flags": ";".join(u.flags), **dict(u.attributes)}
            for u in units]
    return pd.DataFrame(rows).fillna("")


def _not_assessed(rulebook: Rulebook) -> set[str]:
    """Leaves under the nodes of `NA_NODES` (by code)."""
    out: set[str] = set()
    for node, _, _ in rulebook.walk():
        if node.label in NA_NODES:
            out.update(leaf.id for leaf, _, _ in node.walk() if leaf.is_leaf)
    return out


def _assessments(rulebook: Rulebook, units: Sequence[Unit], draws: Draws, rng: np.random.Generator) -> pd.DataFrame:
    """One row per unit × applicable leaf (survey leaves come from survey.csv), then adjustments;
    a note at the first appraisal round wherever it changed the self-assessed value, and at the
    last where the unit's explanation was accepted."""
    stages = rulebook.stages
    leaves = rulebook.leaves()
    quality = np.array([u.quality for u in units])
    shares = _stage_shares(quality, draws, len(stages), rng)
    texts = [
        [_value(leaf, s[:, j], draws.u[:, j], draws.total[:, j]) for s in shares]
        if leaf.rule is not None and leaf.rule.kind != "survey" else None
        for j, leaf in enumerate(leaves)
    ]
    na = _not_assessed(rulebook)
    note_stages = stages[1:2] + stages[-1:] if len(stages) > 1 else []
    note_columns = list(dict.fromkeys(f"note_{stage}" for stage in note_stages))
    note_pick = rng.integers(0, len(CUT_NOTES), draws.u.shape)
    rows = []
    for i, unit in enumerate(units):
        for j, leaf in enumerate(leaves):
            if texts[j] is None or not rulebook.applies(leaf.id, unit.group):
                continue
            values = ["NA"] * len(stages) if (leaf.id in na and not unit.procedures) else [t[i] for t in texts[j]]
            rows.append([unit.unit_id, leaf.id, *values, *_notes(values, CUT_NOTES[note_pick[i, j]])])
        rows.extend(_adjustment_rows(rulebook, unit, len(note_columns), rng))
    frame = pd.DataFrame(rows, columns=["unit_id", "criterion_id", *stages, *note_columns])
    return frame.fillna("")


def _notes(values: list[str], cut: str) -> list[str]:
    """Notes of the first appraisal round (what it cut) and of the last (explanation accepted)."""
    if len(values) < 2:
        return []
    first = cut if values[1] != values[0] else ""
    return [first, RESTORED_NOTE if values[-1] != values[-2] else ""] if len(values) > 2 else [first]


def _adjustment_rows(rulebook: Rulebook, unit: Unit, n_notes: int, rng: np.random.Generator) -> list[list[str]]:
    """Bonus for about one good unit in four (claimed at self-assessment, sometimes halved by the
    council); penalties (counts) for about one weaker unit in six, found by the appraisal."""
    stages = rulebook.stages
    rows = []
    for adj in rulebook.adjustments:
        draw = rng.random()
        if adj.sign > 0 and draw < 0.25 + (unit.quality - 0.85):
            claimed = float(np.floor(rng.uniform(0.5, adj.cap or 1.0) * 4) / 4)
            granted = claimed if rng.random() < 0.6 else claimed / 2
            values = [_num(np.array([claimed]), 2)[0]] + [_num(np.array([granted]), 3)[0]] * (len(stages) - 1)
        elif adj.sign < 0 and draw < 0.45 - unit.quality * 0.4:
            count = str(int(rng.integers(1, 3)))
            values = [""] + [count] * (len(stages) - 1)
        else:
            continue
        rows.append([unit.unit_id, adj.id, *values, *([""] * n_notes)])
    return rows


# ---------------------------------------------------------------- the sample province
FLAGS: dict[int, dict[str, tuple[str, ...]]] = {
    2023: {"so-tttt": ("discipline",), "h-nam-binh": ("discipline",), "thanh-tra": ("not_ranked",)},
    2024: {"so-tu-phap": ("discipline",), "thanh-tra": ("not_ranked",)},
}
PROVINCE_2024 = "par-province-2024"
COUNCIL_DELEGATES = 10


def _rulebook(name: str, root: Path) -> Rulebook:
    return load_rulebook(root / "rulebooks" / f"{name}.yaml")


def _province_units(year: int) -> list[Unit]:
    flags = FLAGS.get(year, {})
    column = 2 if year == 2023 else 3
    departments = [
        Unit(row[0], row[1], "department", row[column], flags.get(row[0], ()), row[0] not in NO_PROCEDURES)
        for row in DEPARTMENTS
    ]
    districts = [Unit(row[0], row[1], "district", row[column], flags.get(row[0], ())) for row in DISTRICTS]
    return departments + districts


def _province_respondents(units: Sequence[Unit], leaders: dict[str, str]) -> list[Respondent]:
    """Provincial council delegates (form HDND), and one leader of each unit of the groups in
    `leaders` (group → form); each rates every unit (their own unit's answers are left out by the
    rule's exclude_own_unit)."""
    rates = tuple(dict.fromkeys(u.group for u in units))
    out = [Respondent(f"HDND-{i:02d}", "HDND", "", rates) for i in range(1, COUNCIL_DELEGATES + 1)]
    for group, form in leaders.items():
        members = [u for u in units if u.group == group]
        out += [Respondent(f"{form}-{i:02d}", form, u.unit_id, rates) for i, u in enumerate(members, 1)]
    return out


def province(root: Path = REPO, seed: int = SEED) -> dict[str, Dataset]:
    """sample-province-2023 and -2024: 19 departments and 8 districts scored with par-province-2024;
    2024 leaf by leaf correlated with 2023."""
    rulebook = _rulebook(PROVINCE_2024, root)
    rng = np.random.default_rng([seed, 1])
    out = {}
    draws = Draws.new(len(DEPARTMENTS) + len(DISTRICTS), rulebook.leaves(), rng)
    for year in (2023, 2024):
        if year == 2024:
            draws = draws.next_year(rng)
        units = _province_units(year)
        out[f"sample-province-{year}"] = dataset_from_frames(
            _units_frame(units),
            _assessments(rulebook, units, draws, rng),
            _survey(rulebook, units, _province_respondents(units, {"department": "LDSO", "district": "LDHUYEN"}), rng),
            _meta(year, seed, rulebook, (
                f"Tỉnh mẫu năm {year}: 19 sở, ban, ngành và 8 UBND cấp huyện; tự chấm, thẩm định vòng 1 và 2; "
                "phiếu khảo sát của đại biểu HĐND, lãnh đạo sở và lãnh đạo huyện",
                f"Sample province, {year}: 19 departments and 8 district committees; self-assessment, "
                "appraisal rounds 1 and 2; survey answers of council delegates, department and district leaders",
            )),
        )
    return out


def _meta(year: int, seed: int, rulebook: Rulebook, description: tuple[str, str],
          crosswalk: pd.DataFrame | None = None) -> DatasetMeta:
    text = f"{description[0]} (chấm theo {rulebook.id}). / {description[1]} (scored with {rulebook.id})."
    return DatasetMeta(year=year, source=SOURCE.format(seed=seed), description=text, crosswalk=crosswalk,
                       rulebook=f"{rulebook.id}.yaml")


# ---------------------------------------------------------------- communes, before and after the merger
COMMUNE_RULEBOOK = "par-communes-2024"
COMMUNE_GROUP = "commune"
COMMUNE_FLAGS = {0: ("discipline",), 17: ("discipline",), 29: ("not_ranked",)}  # by position among the 40
CITIZENS_PER_COMMUNE = 15
DISTRICT_OFFICES = 6  # heads of the district's specialised offices (phòng) answering form PHONG
DISTRICT_LEADERS = 3


def _commune_respondents(units: Sequence[Unit], districts: Sequence[str]) -> list[Respondent]:
    """Citizens of each commune (about their own commune only), and the leaders and office heads
    of each district (about the communes of their district)."""
    out = [
        Respondent(f"{CITIZENS}-{i * CITIZENS_PER_COMMUNE + k:04d}", CITIZENS, "", (unit.group,), (unit.unit_id,))
        for i, unit in enumerate(units)
        for k in range(1, CITIZENS_PER_COMMUNE + 1)
    ]
    for district in districts:
        out += [Respondent(f"LDHUYEN-{district}-{i}", "LDHUYEN", district, (COMMUNE_GROUP,), (district,))
                for i in range(1, DISTRICT_LEADERS + 1)]
        out += [Respondent(f"PHONG-{district}-{i}", "PHONG", "", (COMMUNE_GROUP,), (district,))
                for i in range(1, DISTRICT_OFFICES + 1)]
    return out


def communes(root: Path = REPO, seed: int = SEED) -> dict[str, Dataset]:
    """sample-communes-2024 (the communes of two districts, scored by their district with
    par-communes-2024) and sample-province-2025 (the province after the merger: 14 departments
    and the new communes and wards, scored with par-province-2025, with a crosswalk from the
    2024 units)."""
    rng = np.random.default_rng([seed, 2])
    old, new, seat = _communes(rng)
    rulebook = _rulebook(COMMUNE_RULEBOOK, root)
    members = [c for c in old if c.district in COMMUNE_DISTRICTS]
    units = [Unit(c.unit_id, c.name, COMMUNE_GROUP, c.quality, COMMUNE_FLAGS.get(i, ()),
                  attributes=(("district", c.district),)) for i, c in enumerate(members)]
    out = {
        "sample-communes-2024": dataset_from_frames(
            _units_frame(units),
            _assessments(rulebook, units, Draws.new(len(units), rulebook.leaves(), rng), rng),
            _survey(rulebook, units, _commune_respondents(units, COMMUNE_DISTRICTS), rng),
            _meta(2024, seed, rulebook, (
                "40 xã, thị trấn của hai huyện mẫu, do UBND huyện đánh giá; tự chấm và thẩm định; phiếu của "
                "người dân, lãnh đạo huyện và các phòng chuyên môn",
                "40 communes and towns of two sample districts, assessed by their district; self-assessment and "
                "appraisal; answers of citizens, district leaders and district offices",
            )),
        )
    }
    out["sample-province-2025"] = _province_2025(root, seed, rng, new, seat, [u.unit_id for u in units])
    return out


PROVINCE_2025 = "par-province-2025"
FLAGS_2025 = {"so-xay-dung": ("discipline",)}


def _province_2025(root: Path, seed: int, rng: np.random.Generator, new: Sequence[NewCommune],
                   seat: dict[str, str], old_communes: Sequence[str]) -> Dataset:
    rulebook = _rulebook(PROVINCE_2025, root)
    successor = {row[0]: row[4] for row in DEPARTMENTS}
    quality_2024 = {row[0]: row[3] for row in DEPARTMENTS}
    departments = []
    for unit_id, name in DEPARTMENTS_2025:
        members = [quality_2024[old] for old, new_id in successor.items() if new_id == unit_id]
        q = float(np.clip(np.mean(members) + rng.normal(0, 0.02), 0.3, 0.98))
        flags = FLAGS_2025.get(unit_id, ())
        departments.append(Unit(unit_id, name, "department", q, flags, unit_id not in NO_PROCEDURES))
    merged = [Unit(c.unit_id, c.name, COMMUNE_GROUP, c.quality) for c in new]
    units = departments + merged
    commune_of = {old_id: c.unit_id for c in new for old_id in c.members}
    crosswalk = pd.DataFrame(
        [(old_id, successor[old_id]) for old_id in successor]
        + [(row[0], seat[row[0]]) for row in DISTRICTS]
        + [(old_id, commune_of[old_id]) for old_id in old_communes],
        columns=["old_unit_id", "new_unit_id"],
    )
    return dataset_from_frames(
        _units_frame(units),
        _assessments(rulebook, units, Draws.new(len(units), rulebook.leaves(), rng), rng),
        _survey(rulebook, units, _province_respondents(units, {"department": "LDSO", COMMUNE_GROUP: "LDXA"}), rng),
        _meta(2025, seed, rulebook, (
            f"Tỉnh mẫu sau sắp xếp năm 2025: {len(departments)} sở, ngành và {len(merged)} xã, phường "
            "(không còn cấp huyện); crosswalk.csv nối các đơn vị năm 2024 với đơn vị mới",
            f"The sample province after the 2025 merger: {len(departments)} departments and {len(merged)} "
            "communes and wards (no district level); crosswalk.csv maps the 2024 units to the new ones",
        ), crosswalk),
    )


# ---------------------------------------------------------------- all samples, the large one, the command
RULEBOOKS = {  # sample folder → the rulebook (in rulebooks/) that scores it
    "sample-province-2023": PROVINCE_2024,
    "sample-province-2024": PROVINCE_2024,
    "sample-communes-2024": COMMUNE_RULEBOOK,
    "sample-province-2025": PROVINCE_2025,
}


def samples(root: Path = REPO, seed: int = SEED) -> dict[str, Dataset]:
    """Every sample dataset, by folder name."""
    return {**province(root, seed), **communes(root, seed)}


def regenerate(root: Path = REPO, out: Path | None = None, seed: int = SEED) -> list[Path]:
    """Write every sample dataset into `out` (default: the repository's datasets/)."""
    out = Path(out) if out is not None else root / "datasets"
    written = []
    for name, dataset in samples(root, seed).items():
        write_dataset(dataset, out / name)
        written.append(out / name)
    return written


LARGE_SEED = 10_000


def large_communes(folder: Path, n: int = 10_000, seed: int = LARGE_SEED, root: Path = REPO) -> Path:
    """The large generated dataset: `n` communes scored with par-communes-2024, made by the seeded
    synthetic generator (not committed; about 10,000 communes existed before 2025)."""
    from cchc_rules.data.synthetic import synthesize

    rulebook = _rulebook(COMMUNE_RULEBOOK, root)
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
