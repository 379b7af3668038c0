"""The units of the synthetic sample province: departments, districts and communes, before and after 2025.

Every name and latent quality is made up (`data.samples` explains how values follow from them).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np


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


def slug(text: str) -> str:
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


def commune_lists(rng: np.random.Generator) -> tuple[list[Commune], list[NewCommune], dict[str, str]]:
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
        sizes = partition(len(members), rng)
        start = 0
        for size in sizes:
            part = members[start : start + size]
            start += size
            place = part[0][0]  # the new unit takes its first member's place name
            kind = "Phường" if city else "Xã"
            new_id = f"{slug(kind)}-{slug(place)}"
            ids = [f"{slug(k)}-{slug(n)}" for n, k, _ in part]
            quality = float(np.mean([q for _, _, q in part]))
            new.append(NewCommune(new_id, f"UBND {kind.lower()} {place}", tuple(ids), quality))
            for member_id, (name, old_kind, q) in zip(ids, part):
                old.append(Commune(member_id, f"UBND {old_kind.lower()} {name}", district_id, q, new_id))
        seat[district_id] = new[-len(sizes)].unit_id
    return old, new, seat


def partition(n: int, rng: np.random.Generator) -> list[int]:
    """Group sizes of 2 to 4 adding up to n (n ≥ 2)."""
    sizes: list[int] = []
    while n > 4:
        size = int(rng.integers(2, 5))
        if n - size == 1:
            size += 1
        sizes.append(size)
        n -= size
    return [*sizes, n] if n else sizes

