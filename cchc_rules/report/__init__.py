"""Reports for people: bilingual labels and tables (`labels`), altair charts (`charts`,
`uncertainty_chart`), and the HTML pages of scenario runs (`html`). Charts render offline: the
`png` renderer in notebooks, `chart.save(path, inline=True)` for HTML.
"""
