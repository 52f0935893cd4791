"""The sample bulletin in a real browser: the handbook page and the standalone HTML download, offline and printable."""

from __future__ import annotations

from wsas.site import layout

PAGE = layout.bulletin_page("lianyungang-2020").removesuffix(".md") + ".html"
HTML = layout.bulletin_download("lianyungang-2020", "2020Q2", "bulletin.html")


def test_the_page_shows_the_sample_with_labelled_charts(page, base_url):
    response = page.goto(base_url + PAGE)
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.locator(".admonition.warning").first.inner_text().startswith("示例数据")
    charts = page.get_by_role("img", name="安全生产专项整治情况评估表（企业）：各地区平均分")
    assert charts.count() == 1 and charts.first.is_visible()
    assert page.locator("svg.wsas-chart[role=img]").count() == 6
    box = charts.first.bounding_box()
    assert box["width"] > 300 and box["height"] > 100


def test_the_home_page_links_to_it(page, base_url):
    page.goto(base_url + "index.html")
    page.get_by_role("link", name="季度通报（示例）").first.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(PAGE)


def test_the_html_download_stands_alone_and_prints_on_a4(page, base_url, tmp_path):
    response = page.goto(base_url + HTML)
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.title() == "【示例】2020年第二季度评估通报"
    assert page.locator("svg[role=img]").count() == 6
    pdf = tmp_path / "bulletin.pdf"
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and b"/MediaBox [0 0 594.9" in data  # A4: 210 mm = 595 pt wide
