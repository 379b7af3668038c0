"""Bilingual labels: the council's view (appraisal report, panel report, report cards, improvement plans)."""

from __future__ import annotations

from cchc_rules.labels.label import Catalogue, Label

# Self-assessed against appraised (used by cchc_rules/report/appraisal_report.py).
APPRAISAL_REPORT: Catalogue = {
    "title": Label("Tự chấm và thẩm định: {rulebook}", "Self-assessed and appraised: {rulebook}"),
    "stages": Label(
        "Tự chấm ở giai đoạn «{self}», thẩm định cuối ở giai đoạn «{final}»; chênh lệch = tự chấm − thẩm định (dương: "
        "đơn vị tự chấm cao hơn điểm được thẩm định).",
        "Self-assessment at stage «{self}», final appraisal at stage «{final}»; gap = self − appraised (positive: the "
        "unit claimed more than it was given).",
    ),
    "agreement": Label("Mức khớp giữa tự chấm và thẩm định", "Agreement of self-assessment and appraisal"),
    "measure": Label("Chỉ tiêu", "Measure"),
    "value": Label("Giá trị", "Value"),
    "units": Label("Số đơn vị", "Units"),
    "units_compared": Label("Số đơn vị so sánh được", "Units compared"),
    "mean_self": Label("Chỉ số tự chấm trung bình", "Mean self-assessed index"),
    "mean_appraised": Label("Chỉ số thẩm định trung bình", "Mean appraised index"),
    "mean_gap": Label("Chênh lệch trung bình", "Mean gap"),
    "median_gap": Label("Chênh lệch trung vị", "Median gap"),
    "mean_abs_gap": Label("Chênh lệch tuyệt đối trung bình", "Mean absolute gap"),
    "max_gap": Label("Chênh lệch lớn nhất", "Largest gap"),
    "over_claimed": Label("Đơn vị tự chấm cao hơn", "Units that over-claimed"),
    "under_claimed": Label("Đơn vị tự chấm thấp hơn", "Units that under-claimed"),
    "equal": Label("Đơn vị khớp hoàn toàn", "Units exactly agreed"),
    "band_changed": Label("Đơn vị đổi xếp loại sau thẩm định", "Units whose band changed on appraisal"),
    "kendall_tau": Label(
        "Kendall tau (hạng tự chấm, hạng thẩm định)",
        "Kendall tau (self-assessed rank, appraised rank)",
    ),
    "spearman": Label("Spearman (hạng tự chấm, hạng thẩm định)", "Spearman (self-assessed rank, appraised rank)"),
    "values_not_appraised": Label("Giá trị chưa được thẩm định", "Values never appraised"),
    "groups": Label("Theo nhóm", "By group"),
    "group": Label("Nhóm", "Group"),
    "unit_table": Label("Từng đơn vị (chênh lệch lớn nhất trước)", "Unit by unit (largest gap first)"),
    "unit_id": Label("Mã", "ID"),
    "name": Label("Đơn vị", "Unit"),
    "self_index": Label("Chỉ số tự chấm", "Self-assessed index"),
    "appraised_index": Label("Chỉ số thẩm định", "Appraised index"),
    "gap": Label("Chênh lệch", "Gap"),
    "self_points": Label("Điểm tự chấm", "Self-assessed points"),
    "appraised_points": Label("Điểm thẩm định", "Appraised points"),
    "gap_points": Label("Chênh lệch điểm", "Gap in points"),
    "self_rank": Label("Hạng tự chấm", "Self-assessed rank"),
    "appraised_rank": Label("Hạng thẩm định", "Appraised rank"),
    "rank_change": Label("Thay đổi hạng (+ = lên hạng)", "Rank change (+ = rose)"),
    "self_band": Label("Xếp loại tự chấm", "Self-assessed band"),
    "appraised_band": Label("Xếp loại thẩm định", "Appraised band"),
    "not_appraised": Label("Giá trị chưa thẩm định", "Values never appraised"),
    "cuts": Label("Tiêu chí bị thẩm định trừ điểm nhiều nhất", "Criteria appraisal cut most"),
    "criterion": Label("Tiêu chí", "Criterion"),
    "code": Label("Mã tiêu chí", "Code"),
    "criterion_name": Label("Tên tiêu chí", "Criterion name"),
    "units_cut": Label("Số đơn vị bị trừ", "Units cut"),
    "units_raised": Label("Số đơn vị được cộng", "Units raised"),
    "mean_cut": Label("Mức trừ trung bình (điểm)", "Mean cut (points)"),
    "total_cut": Label("Tổng điểm bị trừ", "Total points cut"),
    "largest_cut": Label("Mức trừ lớn nhất", "Largest cut"),
    "over_claimers": Label("Đơn vị tự chấm cao hơn nhiều nhất", "Units that over-claimed most"),
    "rounds": Label("Qua từng vòng", "Round by round"),
    "stage": Label("Giai đoạn", "Stage"),
    "index": Label("Chỉ số", "Index"),
    "points": Label("Điểm", "Points"),
    "rank": Label("Hạng", "Rank"),
    "band": Label("Xếp loại", "Band"),
    "change": Label("Thay đổi so với vòng trước", "Change from previous round"),
    "mean_index": Label("Chỉ số trung bình", "Mean index"),
    "mean_change": Label("Thay đổi TB so với vòng trước", "Mean change from previous round"),
    "fields": Label("Chênh lệch theo lĩnh vực", "Gap by field"),
    "field": Label("Lĩnh vực", "Field"),
    "self": Label("Tự chấm", "Self-assessed"),
    "appraised": Label("Thẩm định", "Appraised"),
    "max": Label("Điểm tối đa", "Maximum"),
    "criteria": Label("Chênh lệch theo tiêu chí", "Gap by criterion"),
    "mean_self_g": Label("Tự chấm TB", "Mean self-assessed"),
    "mean_appraised_g": Label("Thẩm định TB", "Mean appraised"),
    "mean_gap_g": Label("Chênh lệch TB", "Mean gap"),
    "chart": Label(
        "Chỉ số tự chấm (trục ngang) và thẩm định (trục dọc); điểm dưới đường chéo: tự chấm cao hơn",
        "Self-assessed index (across) and appraised index (up); below the diagonal: over-claimed",
    ),
    "none": Label("Không có", "None"),
    "illustrative": Label(
        "Bộ tiêu chí minh họa: không phải kết quả chính thức.",
        "Illustrative rulebook: not official results.",
    ),
}

# The panel of several years (used by cchc_rules/report/panel_report.py).
PANEL_REPORT: Catalogue = {
    "years": Label("Các năm", "Years"),
    "year": Label("Năm", "Year"),
    "rulebook": Label("Bộ tiêu chí", "Rulebook"),
    "units": Label("Số đơn vị", "Units"),
    "mean_index": Label("Chỉ số trung bình", "Mean index"),
    "risers": Label("Tăng hạng nhiều nhất (theo phần trăm)", "Biggest risers (percentile rank)"),
    "fallers": Label("Giảm hạng nhiều nhất (theo phần trăm)", "Biggest fallers (percentile rank)"),
    "unit_id": Label("Mã", "ID"),
    "name": Label("Đơn vị", "Unit"),
    "group": Label("Nhóm", "Group"),
    "from_year": Label("Từ năm", "From year"),
    "ancestors": Label("Đơn vị tiền thân", "Predecessors"),
    "pct_from": Label("Vị trí % đầu kỳ", "Percentile rank, first"),
    "pct_to": Label("Vị trí % cuối kỳ", "Percentile rank, last"),
    "pct_shift": Label("Thay đổi vị trí % (+ = lên)", "Percentile rank change (+ = up)"),
    "index_from": Label("Chỉ số đầu kỳ", "Index, first"),
    "index_to": Label("Chỉ số cuối kỳ", "Index, last"),
    "index_delta": Label("Thay đổi chỉ số", "Index change"),
    "chart": Label(
        "Vị trí theo phần trăm qua các năm (thấp hơn là tốt hơn; các đơn vị tăng, giảm nhiều nhất được tô màu)",
        "Percentile rank over the years (lower is better; the biggest risers and fallers in colour)",
    ),
    "trend": Label(
        "Xu hướng của từng đơn vị năm cuối (qua bảng chuyển đổi)",
        "Each last-year unit's trend (through the crosswalks)",
    ),
    "index": Label("Chỉ số", "Index"),
    "pct_rank": Label("Vị trí %", "Percentile rank"),
    "steps": Label("Từng năm so với năm trước", "Each year against the one before"),
    "compared": Label("Đơn vị so sánh được", "Units compared"),
    "band_changes": Label("Đổi xếp loại", "Band changes"),
    "mean_delta": Label("Thay đổi chỉ số TB", "Mean index change"),
    "step": Label("Hai năm", "Years"),
    "note": Label(
        "Vị trí theo phần trăm = hạng ÷ số đơn vị được xếp hạng trong nhóm; so sánh được giữa các năm có số đơn vị "
        "hoặc bộ tiêu chí khác nhau. Đơn vị sáp nhập: chỉ số và vị trí của năm cũ là trung bình của các đơn vị tiền "
        "thân.",
        "Percentile rank = rank ÷ ranked units of the group; comparable across years whose groups or rulebooks "
        "differ. Merged units: an earlier year's index and rank are the means over the predecessors.",
    ),
    "title": Label("Bảng nhiều năm: {title}", "Panel: {title}"),
    "illustrative": Label(
        "Bộ tiêu chí minh họa: không phải kết quả chính thức.",
        "Illustrative rulebooks: not official results.",
    ),
    "changes": Label("Thay đổi từng năm", "Year-on-year changes"),
    "lineage": Label("Xu hướng qua bảng chuyển đổi", "Trends through crosswalks"),
    "units_sheet": Label("Kết quả từng năm", "Results by year"),
    "movers": Label("Tăng giảm", "Risers and fallers"),
    "rank": Label("Hạng", "Rank"),
    "pool": Label("Số đơn vị xếp hạng", "Ranked units"),
    "band": Label("Xếp loại", "Band"),
    "published": Label("Chỉ số công bố", "Published index"),
}

# A unit's report card (used by cchc_rules/report/card.py).
CARD: Catalogue = {
    "card": Label("Phiếu kết quả Chỉ số CCHC", "PAR INDEX report card"),
    "index": Label("Chỉ số", "Index"),
    "band": Label("Xếp loại", "Band"),
    "rank": Label("Hạng trong nhóm", "Rank in group"),
    "of": Label("trên", "of"),
    "percentile": Label("Vị trí theo phần trăm (hạng ÷ số đơn vị; càng nhỏ càng tốt)",
                        "Percentile rank (rank ÷ units; lower is better)"),
    "fields": Label("Các lĩnh vực so với trung bình nhóm", "Fields against the group average"),
    "field": Label("Lĩnh vực", "Field"),
    "points": Label("Điểm", "Points"),
    "max": Label("Tối đa", "Maximum"),
    "sub_index": Label("Chỉ số thành phần", "Sub-index"),
    "group_mean": Label("TB nhóm", "Group mean"),
    "difference": Label("Chênh lệch", "Difference"),
    "strongest": Label("Tiêu chí mạnh nhất", "Strongest criteria"),
    "weakest": Label("Tiêu chí yếu nhất", "Weakest criteria"),
    "criterion": Label("Tiêu chí", "Criterion"),
    "short": Label("Còn thiếu", "Short of maximum"),
    "change": Label("Thay đổi so với năm trước", "Change since last year"),
    "last_index": Label("Chỉ số năm trước", "Last year's index"),
    "delta": Label("Thay đổi chỉ số", "Index change"),
    "last_rank": Label("Hạng năm trước", "Last year's rank"),
    "shift": Label("Thay đổi hạng (+ = lên)", "Rank change (+ = up)"),
    "last_band": Label("Xếp loại năm trước", "Last year's band"),
    "predecessors": Label("Tính từ các đơn vị cũ", "From the former units"),
    "not_like": Label(
        "Hai năm khác thang điểm hoặc số đơn vị trong nhóm: so sánh hạng không hoàn toàn tương đương.",
        "The years differ in scale or group size: rank changes are not like for like.",
    ),
    "no_change": Label("Không có số liệu năm trước cho đơn vị này.", "No previous data for this unit."),
    "gap": Label("Tự chấm và thẩm định", "Self-assessed and appraised"),
    "self_index": Label("Chỉ số tự chấm", "Self-assessed index"),
    "appraised_index": Label("Chỉ số thẩm định", "Appraised index"),
    "gap_value": Label("Chênh lệch (tự chấm − thẩm định)", "Gap (self − appraised)"),
    "gap_fields": Label("Chênh lệch lớn nhất ở", "Largest gaps in"),
    "not_appraised": Label("giá trị chưa được thẩm định", "values never appraised"),
    "plan": Label("Kế hoạch cải thiện", "Improvement plan"),
    "plan_rise": Label(
        "Đạt điểm tối đa ở các tiêu chí sau sẽ đưa đơn vị lên xếp loại «{target}» (tính lại bằng công cụ chấm điểm, "
        "mọi đơn vị khác giữ nguyên):",
        "Full marks on these criteria would lift the unit to «{target}» (rescored by the engine, every other unit as "
        "it is):",
    ),
    "plan_keep": Label(
        "Đơn vị đang ở xếp loại cao nhất «{target}». Mất điểm ở các tiêu chí sau sẽ làm đơn vị tụt xếp loại (tính lại "
        "bằng công cụ chấm điểm):",
        "The unit is in the best band «{target}». Losing the points of these criteria would make it fall (rescored by "
        "the engine):",
    ),
    "adds": Label("Điểm tiêu chí thêm", "Criterion points added"),
    "adds_index": Label("Chỉ số thêm (riêng)", "Index added (alone)"),
    "loses": Label("Điểm tiêu chí mất", "Criterion points lost"),
    "after": Label("Chỉ số sau đó", "Index then"),
    "rank_after": Label("Hạng sau đó", "Rank then"),
    "band_after": Label("Xếp loại sau đó", "Band then"),
    "illustrative": Label(
        "Bộ tiêu chí minh họa: không phải kết quả chính thức.",
        "Illustrative rulebook: not official results.",
    ),
    "unrounded": Label(
        "Số liệu đầy đủ, chưa làm tròn: tệp cards.xlsx và cards.json.",
        "The full, unrounded figures: cards.xlsx and cards.json.",
    ),
}

# Notes of an improvement plan (used by cchc_rules/analysis/improvement.py).
IMPROVEMENT_NOTES: Catalogue = {
    "top": Label(
        "Đơn vị đang ở xếp loại cao nhất của nhóm; danh sách là các tiêu chí phải giữ: mất điểm cả các tiêu chí này "
        "sẽ làm đơn vị tụt xếp loại.",
        "The unit is in its group's best band; the list is what it must keep: losing the points of all of these would "
        "make it fall.",
    ),
    "unreachable": Label(
        "Kể cả đạt điểm tối đa mọi tiêu chí, đơn vị vẫn không lên được xếp loại kế tiếp (do điều kiện, hạn mức hoặc "
        "điểm cộng, trừ); danh sách là toàn bộ các tiêu chí còn thiếu điểm.",
        "Even full marks on every criterion do not reach the next band (a condition, a quota or the adjustments hold "
        "it back); the list is every criterion still short of its maximum.",
    ),
    "safe": Label(
        "Không tiêu chí nào, kể cả mất hết điểm, làm đơn vị tụt xếp loại.",
        "No criterion, even lost entirely, would make the unit fall.",
    ),
    "limited": Label(
        "Xếp loại này còn có hạn mức hoặc điều kiện (không chỉ ngưỡng điểm): kế hoạch đã tính chúng với kết quả của "
        "các đơn vị khác như hiện nay; nếu họ thay đổi, số tiêu chí cần có thể khác.",
        "This band also has a quota or conditions (not only a minimum index): the plan counts them with the other "
        "units' results as they are now; if those change, so may the criteria needed.",
    ),
    "unscored": Label("Đơn vị không được chấm điểm: không có kế hoạch.", "The unit is not scored: no plan."),
}

# `cchc card`: its message and the index page's title (used by cchc_rules/commands/card.py).
CARD_COMMAND: Catalogue = {
    "wrote": Label(
        "Đã ghi {n} phiếu kết quả vào {path}/ (index.html, cards.xlsx, cards.json)",
        "{n} report cards written to {path}/ (index.html, cards.xlsx, cards.json)",
    ),
    "index": Label("Phiếu kết quả từng đơn vị", "Report cards"),
}

# The pages of the council's reports (used by cchc_rules/report/pages.py).
PAGES: Catalogue = {
    "made_by": Label(
        "Tạo bởi cchc-rules. Số liệu chưa làm tròn nằm trong tệp XLSX và JSON.",
        "Made by cchc-rules. The unrounded figures are in the XLSX and JSON files.",
    ),
    "wrote": Label("Đã ghi báo cáo vào {path}/ ({files})", "Report written to {path}/ ({files})"),
}
