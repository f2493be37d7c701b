"""Shared helper of the document tests: render a report to PDF as users get it, read its words
with their boxes, rasterise its pages, and check its layout.

- ``render_report(env, report, res_ids, data=None)`` renders through wkhtmltopdf with the report
  styles loaded from Odoo's running HTTP server (call it from an ``HttpCase``), and fails the
  calling test when the styles could not be loaded.
- ``pdf_from_bytes(pdf)`` reads any PDF (an attachment, a merged batch).
- ``RenderedPdf.contains(phrase)`` compares normalised text and ignores where lines wrap.
- ``RenderedPdf.layout_problems()`` lists what a reader would notice (see its docstring).
- ``RenderedPdf.images(dpi)`` gives one PNG per page, to look at a document.

Words come from ``pdftotext -bbox-layout`` (poppler-utils): boxes in PDF points (1/72 inch),
origin at the top left corner of the page.
"""

import html
import itertools
import logging
import os
import pathlib
import re
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from lxml import etree
from lxml import html as lxml_html

import odoo.service.server

MM = 72 / 25.4  # PDF points per millimetre
# The top and bottom margins of Odoo's A4 paper format (base.paperformat_euro, the format of the
# addon's reports and of the invoices by default), where the layout prints header and footer.
HEADER_MM = 52.0
FOOTER_MM = 32.0
# The horizontal margins of Odoo's A4 paper formats with css_margins: 0 for wkhtmltopdf, the
# report styles add 7 mm plus the container's padding (web/.../report.scss).
CSS_MARGIN_MM = 7.0
# Office printers cannot print the outer 4-5 mm of a sheet.
PRINTER_MARGIN_MM = 5.0
# A continuation page with fewer body words than this holds only a closing or signature block.
MIN_CONTINUATION_WORDS = 25
# Two boxes "overlap" when they share more than this (points) in both directions: glyph boxes
# of consecutive lines may touch by a point or two, printed-over text shares several.
OVERLAP_TOLERANCE = 1.5
# Words of a line further apart than this (points) are in two table cells: a space is 2-3 points.
RUN_GAP = 4.5

_REPORT_LOGGER = "odoo.addons.base.models.ir_actions_report"
# What wkhtmltopdf prints when it could not fetch the report's styles (or any resource) from the
# server: refused or unreachable, missing (404), denied. Not listed: the UnknownContentError or
# ProtocolUnknownError that follows the empty ``background-image: url()`` of Odoo's own layouts
# (web.external_layout_*), which wkhtmltopdf resolves to the server's home page; the layout
# checks would show a document laid out without its styles (text in the margins).
_LOAD_FAILURES = re.compile(
    r"ConnectionRefused|Connection refused|Could not load|Failed to load|HostNotFound|"
    r"TimeoutError|ContentNotFound|ContentAccessDenied|AuthenticationRequired|"
    r"RemoteHostClosed|ProxyConnection",
    re.IGNORECASE,
)
_XHTML = "{http://www.w3.org/1999/xhtml}"


def normalise(text: str) -> str:
    """HTML entities unescaped, every run of whitespace (including the narrow no-break spaces
    of French amounts, U+202F, and no-break spaces, U+00A0) as one space, stripped."""
    text = html.unescape(text or "")
    text = text.replace("\u202f", " ").replace("\xa0", " ").replace("\u2009", " ")
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Word:
    page: int  # 1-based
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self):
        return self.y1 - self.y0

    def overlap(self, other):
        """(width, height) shared by the boxes of two words (0 or negative: apart)."""
        return (
            min(self.x1, other.x1) - max(self.x0, other.x0),
            min(self.y1, other.y1) - max(self.y0, other.y0),
        )


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list = field(default_factory=list)
    # the words of each line as pdftotext grouped them (indexes into ``words``)
    lines: list = field(default_factory=list)

    @property
    def text(self):
        return normalise(" ".join(word.text for word in self.words))


class RenderedPdf:
    """A PDF with its pages and words.

    ``margins_mm`` (left, right) are the horizontal margins of the paper format (points beyond
    them are outside the printable area), ``header_mm``/``footer_mm`` the heights of the top and
    bottom margins where the layout prints its header and footer (by default those of Odoo's A4
    paper format; ``paperformat_options(report)`` gives a report's), ``expected_cells`` the texts
    of the HTML table cells and ``closing_blocks`` the texts of the closing blocks (closing
    paragraph, salutation, signature) of the report's HTML, used by ``layout_problems``."""

    def __init__(
        self,
        pdf,
        pages,
        margins_mm=(CSS_MARGIN_MM, CSS_MARGIN_MM),
        header_mm=HEADER_MM,
        footer_mm=FOOTER_MM,
        expected_cells=(),
        closing_blocks=(),
        table_headers=(),
    ):
        self.pdf = pdf
        self.pages = pages
        self.margins_mm = margins_mm
        self.header_mm = header_mm
        self.footer_mm = footer_mm
        self.expected_cells = list(expected_cells)
        self.closing_blocks = list(closing_blocks)
        self.table_headers = [list(cells) for cells in table_headers]

    def __repr__(self):
        return f"<RenderedPdf {len(self.pages)} page(s), {len(self.words)} words>"

    # -- text -----------------------------------------------------------------------------

    @cached_property
    def words(self):
        return [word for page in self.pages for word in page.words]

    @cached_property
    def text(self):
        """Normalised text of the whole document, page by page, in pdftotext's reading order."""
        return normalise(" ".join(page.text for page in self.pages))

    def words_on(self, page):
        return list(self.pages[page - 1].words)

    def has_word(self, text):
        """Whether one word of the document is exactly ``text``."""
        return any(word.text == text for word in self.words)

    def contains(self, phrase):
        """Whether the normalised ``phrase`` is in the document, wherever its lines wrap.

        The phrase may start inside a word and end inside one. Besides pdftotext's reading
        order, a phrase may go on from the last word of a run of words (the words of a line
        closer than ``RUN_GAP``: the text of one table cell on that line) to the first word of
        a run just below that is aligned with it: same left edge, same right edge or same
        centre (a table cell whose text wraps: "1A 999 888" / "7776 5", "Jours de" / "retard");
        at such a wrap, the phrase's space may also be no space at all (a reference broken
        after a "/")."""
        phrase = normalise(phrase)
        if not phrase:
            return True
        if phrase in self.text:
            return True
        return any(self._matches_from(page, phrase) for page in self.pages)

    def _matches_from(self, page, phrase):
        successors = self._successors(page)
        words = page.words

        def match(index, offset, pos):
            text = words[index].text[offset:]
            rest = phrase[pos:]
            if rest.startswith(text):
                pos += len(text)
            elif text.startswith(rest):
                return True
            else:
                return False
            if pos == len(phrase):
                return True
            for nxt, wrap in successors[index]:
                if phrase[pos] == " " and match(nxt, 0, pos + 1):
                    return True
                if wrap and match(nxt, 0, pos):
                    return True
            return False

        first = phrase[0]
        for index, word in enumerate(words):
            for offset, char in enumerate(word.text):
                if char == first and match(index, offset, 0):
                    return True
        return False

    def _runs(self, page):
        """The runs of words of each line: words apart by less than ``RUN_GAP`` points (a
        wider gap separates two table cells), as lists of word indexes."""
        words = page.words
        runs = []
        for line in page.lines:
            run = [line[0]]
            for a, b in itertools.pairwise(line):
                if words[b].x0 - words[a].x1 > RUN_GAP:
                    runs.append(run)
                    run = []
                run.append(b)
            runs.append(run)
        return runs

    def _successors(self, page):
        """For each word of ``page``, the words that may follow it in a phrase, with whether
        going there crosses a line wrap."""
        cache = self.__dict__.setdefault("_successor_cache", {})
        if page.number in cache:
            return cache[page.number]
        words = page.words
        successors = [[] for _ in words]
        for line_no, line in enumerate(page.lines):
            for a, b in itertools.pairwise(line):
                successors[a].append((b, False))
            if line_no + 1 < len(page.lines):
                successors[line[-1]].append((page.lines[line_no + 1][0], True))
        runs = self._runs(page)
        for run in runs:
            first, last = words[run[0]], words[run[-1]]
            height = max(last.height, 1.0)
            centre = (first.x0 + last.x1) / 2
            for other in runs:
                head, tail = words[other[0]], words[other[-1]]
                if not last.y0 + 0.5 * height < head.y0 < last.y1 + 1.2 * height:
                    continue
                if (
                    abs(head.x0 - first.x0) < 2.0
                    or abs(tail.x1 - last.x1) < 2.0
                    or abs((head.x0 + tail.x1) / 2 - centre) < 2.0
                ):
                    successors[run[-1]].append((other[0], True))
        cache[page.number] = successors
        return successors

    def documents(self):
        """The pages of each document of a batch, from the footer's "N / M" page numbers."""
        documents = []
        for page in self.pages:
            numbers = self._page_numbers(page)
            if not documents or (numbers and numbers[0] == 1):
                documents.append([])
            documents[-1].append(page)
        return documents

    def top_of_page(self, page, row_start):
        """The words at the top of ``page``'s body, above the first word matching the regular
        expression ``row_start`` (the first cell of a table row), and the number of words
        matching it on the page: on page 2 of a long table, the repeated header, then rows."""
        body = self._body_words(self.pages[page - 1])
        starts = [word for word in body if re.fullmatch(row_start, word.text)]
        if not starts:
            return [], 0
        first = min(word.y0 for word in starts)
        above = [word for word in body if word.y1 <= first + OVERLAP_TOLERANCE]
        return [word.text for word in sorted(above, key=lambda w: (w.x0, w.y0))], len(starts)

    # -- pictures -------------------------------------------------------------------------

    def images(self, dpi=60):
        """One PNG per page (``pdftoppm -png``), in a new temporary directory."""
        folder = pathlib.Path(tempfile.mkdtemp(prefix="dunning-pdf-"))
        source = folder / "document.pdf"
        source.write_bytes(self.pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(source), str(folder / "page")],
            check=True,
            capture_output=True,
        )
        return sorted(folder.glob("page*.png"), key=lambda path: int(path.stem.split("-")[-1]))

    # -- layout ---------------------------------------------------------------------------

    def layout_problems(self):
        """What a reader would notice, as sentences; empty when the layout is right.

        - Overprinted text: two words of a page whose boxes share more than
          ``OVERLAP_TOLERANCE`` points both across and down (a table header repeated on page 2
          over the first rows, a cell running into the next one).
        - Text outside the printable area: a word box beyond the page's printable width (the
          paper format's left and right margins, the report styles' 7 mm when it uses CSS
          margins) or within 5 mm of the top or bottom edge (what printers cannot print); a word
          cut at the right edge shows as a box running into the right margin, a line cut by
          the page break as boxes across the body's bottom (or top) edge, the paper format's
          bottom (top) margin. A document laid out without its styles fails here too: its text
          starts at the very edge of the page.
        - A page holding only a closing or signature block: a page after the first page of its
          document (the footer's "N / M" page number, else the document's second page and next)
          whose words between the header and the footer (the paper format's top and bottom
          margins) are all words of the document's closing blocks (``closing_blocks``: the HTML
          elements named ``dunning_closing`` or ``dunning_signature``), or are fewer than
          ``MIN_CONTINUATION_WORDS`` and mostly not words of a table cell (a page with the
          repeated header and the last rows of a table is fine).
        - A truncated or lost table cell: the text of each cell of the report's HTML tables
          (``expected_cells``, known when the PDF comes from ``render_report``) is found in the
          PDF with ``contains`` (wraps allowed); a cell cut by the page or clipped by its
          column, or a row lost at a page break, misses there.
        """
        problems = []
        for page in self.pages:
            problems += self._overlaps(page)
            problems += self._outside(page)
        problems += self._lonely_pages()
        missing = [cell for cell in dict.fromkeys(self.expected_cells) if not self.contains(cell)]
        if missing:
            shown = ", ".join(repr(cell) for cell in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            problems.append(
                f"{len(missing)} table cell(s) of the HTML are missing or cut in the PDF: "
                f"{shown}{more}"
            )
        return problems

    def _overlaps(self, page):
        problems = []
        words = sorted(page.words, key=lambda w: w.y0)
        for i, word in enumerate(words):
            for other in words[i + 1 :]:
                if other.y0 >= word.y1 - OVERLAP_TOLERANCE:
                    break
                width, height = word.overlap(other)
                if width > OVERLAP_TOLERANCE and height > OVERLAP_TOLERANCE:
                    problems.append(
                        f"page {page.number}: {word.text!r} and {other.text!r} are printed over "
                        f"each other at ({word.x0:.0f}, {word.y0:.0f}) pt"
                    )
        if len(problems) > 10:
            problems = [*problems[:10], f"page {page.number}: {len(problems) - 10} more overlaps"]
        return problems

    def _outside(self, page):
        left = self.margins_mm[0] * MM - 1.0
        right = page.width - self.margins_mm[1] * MM + 1.0
        top = PRINTER_MARGIN_MM * MM
        bottom = page.height - PRINTER_MARGIN_MM * MM
        problems = [
            f"page {page.number}: {word.text!r} at ({word.x0:.0f}, {word.y0:.0f})-"
            f"({word.x1:.0f}, {word.y1:.0f}) pt is outside the printable area"
            for word in page.words
            if word.x0 < left or word.x1 > right or word.y0 < top or word.y1 > bottom
        ]
        # a line the page break cuts in two shows on both pages, across the body's edges
        body_top = self.header_mm * MM
        body_bottom = page.height - self.footer_mm * MM
        problems += [
            f"page {page.number}: {word.text!r} is cut by the page break"
            for word in page.words
            if (self.footer_mm and word.y0 < body_bottom - 1.0 < word.y1 - 2.0)
            or (self.header_mm and word.y0 + 2.0 < body_top + 1.0 < word.y1)
        ]
        return problems[:10]

    def _body_words(self, page):
        top = self.header_mm * MM
        bottom = page.height - self.footer_mm * MM
        return [word for word in page.words if word.y0 >= top and word.y1 <= bottom]

    def _page_numbers(self, page):
        """(N, M) of the footer's "Page N / M", or None."""
        bottom = page.height - max(self.footer_mm, 20.0) * MM
        footer = " ".join(word.text for word in page.words if word.y0 >= bottom)
        found = re.findall(r"(\d+) / (\d+)", normalise(footer))
        return tuple(map(int, found[-1])) if found else None

    def _lonely_pages(self):
        closing = {part for block in self.closing_blocks for part in block.split(" ")}
        in_tables = {part for cell in self.expected_cells for part in cell.split(" ")}
        problems = []
        for index, page in enumerate(self.pages):
            numbers = self._page_numbers(page)
            continuation = numbers[0] > 1 if numbers else index > 0
            if not continuation:
                continue
            body = [word.text for word in self._body_words(page)]
            text = normalise(" ".join(body))[:120]
            if closing and body and set(body) <= closing:
                problems.append(
                    f"page {page.number} holds only the closing or signature block: {text!r}"
                )
            elif len(body) < MIN_CONTINUATION_WORDS and (
                sum(word in in_tables for word in body) * 2 < len(body)
            ):
                problems.append(
                    f"page {page.number} holds only {len(body)} word(s) of the document, not "
                    f"of a table (a closing or signature block alone?): {text!r}"
                )
        return problems


# -- reading PDFs ------------------------------------------------------------------------------


def _read_words(pdf):
    with tempfile.NamedTemporaryFile(suffix=".pdf") as tmp:
        tmp.write(pdf)
        tmp.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox-layout", "-enc", "UTF-8", tmp.name, "-"],
            capture_output=True,
            check=True,
        ).stdout
    root = etree.fromstring(out, parser=etree.XMLParser(recover=True, huge_tree=True))
    pages = []
    for number, page_node in enumerate(root.iter(f"{_XHTML}page"), start=1):
        page = Page(number, float(page_node.get("width")), float(page_node.get("height")))
        for line_node in page_node.iter(f"{_XHTML}line"):
            line = []
            for word_node in line_node.iter(f"{_XHTML}word"):
                x0, y0, x1, y1 = (float(word_node.get(k)) for k in ("xMin", "yMin", "xMax", "yMax"))
                text = normalise(word_node.text or "")
                # a no-break space inside a pdftotext word is still a space between words: each
                # part gets its share of the box
                step = (x1 - x0) / max(len(text), 1)
                start = 0
                for part in text.split(" "):
                    if part:
                        line.append(len(page.words))
                        left = x0 + start * step
                        page.words.append(Word(number, part, left, y0, left + len(part) * step, y1))
                    start += len(part) + 1
            if line:
                page.lines.append(line)
        pages.append(page)
    return pages


def pdf_from_bytes(pdf: bytes, **options) -> RenderedPdf:
    """A ``RenderedPdf`` of any PDF; ``options`` as ``RenderedPdf``'s (paper format margins,
    expected table cells)."""
    return RenderedPdf(pdf, _read_words(pdf), **options)


CLOSING_XPATH = "//*[@name='dunning_closing' or @name='dunning_signature']"


def html_closing_blocks(html_text):
    """The normalised texts of the closing blocks of a report's HTML (``CLOSING_XPATH``)."""
    root = lxml_html.fromstring(html_text)
    return [normalise(node.text_content()) for node in root.xpath(CLOSING_XPATH)]


def html_table_headers(html_text):
    """The normalised texts of the header cells of each table with a ``thead``."""
    root = lxml_html.fromstring(html_text)
    headers = []
    for thead in root.xpath("//main//table/thead") or root.xpath("//table/thead"):
        headers.append([normalise(cell.text_content()) for cell in thead.xpath(".//th")])
    return headers


def html_table_cells(html_text):
    """The normalised texts of the cells (``td``, ``th``) of the tables in a report's HTML
    body, except those inside the header and footer."""
    root = lxml_html.fromstring(html_text)
    cells = []
    for main in root.xpath("//main") or [root]:
        for cell in main.xpath(".//table//td | .//table//th"):
            if cell.xpath(".//table"):
                continue  # a cell holding a table: its own cells are checked
            text = normalise(cell.text_content())
            if text:
                cells.append(text)
    return cells


# -- rendering reports -------------------------------------------------------------------------


class _Collector(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def _collect_report_logs():
    logger = logging.getLogger(_REPORT_LOGGER)
    collector = _Collector()
    previous = logger.level
    logger.addHandler(collector)
    if logger.getEffectiveLevel() > logging.WARNING:
        logger.setLevel(logging.WARNING)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous)


def _check_http_server(report):
    server = odoo.service.server.server
    if server is None or getattr(server, "httpd", None) is None:
        raise AssertionError(
            "Odoo's HTTP server is not running: wkhtmltopdf would lay the document out without "
            "its styles. Render documents from an HttpCase (pytest --odoo-http)."
        )
    url = report._get_report_url()
    port = server.httpd.server_port
    if not re.match(rf"^https?://[^/]+:{port}(/|$)", url):
        raise AssertionError(
            f"The report URL {url} does not point at Odoo's HTTP server (port {port}): "
            "set report.url or web.base.url to it (HttpCase does)."
        )


def _build_report_styles(env):
    """Compile the report style bundles (SCSS) before wkhtmltopdf asks the server for them: a
    first compilation, inside wkhtmltopdf's request, may outlast its loading and leave the
    document without styles. Cheap once the bundles are stored."""
    for bundle in ("web.report_assets_common", "web.report_assets_pdf"):
        env["ir.qweb"]._get_asset_bundle(bundle, css=True, js=False).css()


def _get_report(env, report):
    if isinstance(report, str):
        found = env.ref(report, raise_if_not_found=False) if "." in report else None
        if found is None or found._name != "ir.actions.report":
            found = env["ir.actions.report"]._get_report(report)
        return found
    return report


def paperformat_options(report):
    """The margins of ``report``'s paper format, as options of ``pdf_from_bytes``: to check
    the layout of a document of that report read from an attachment."""
    paperformat = report.get_paperformat()
    css = CSS_MARGIN_MM if paperformat.css_margins else 0.0
    return {
        "margins_mm": (max(paperformat.margin_left, css), max(paperformat.margin_right, css)),
        "header_mm": paperformat.margin_top,
        "footer_mm": paperformat.margin_bottom,
    }


def _keep(report, pdf):
    """With DUNNING_PDF_DIR=<folder> in the environment, each rendered document is also written
    there with its page images (PNG, 60 dpi), to look at what the tests printed."""
    folder = os.environ.get("DUNNING_PDF_DIR")
    if not folder:
        return
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{len(list(folder.glob('*.pdf'))) + 1:03d}-{report.report_name.split('.')[-1]}"
    (folder / f"{stem}.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(folder / f"{stem}.pdf"), str(folder / stem)],
        check=True,
        capture_output=True,
    )


def render_report(env, report, res_ids, data=None) -> RenderedPdf:
    """Render ``report`` (an xmlid, a report_name or an ``ir.actions.report``) for ``res_ids``
    to PDF through wkhtmltopdf, as a user prints it, and read it.

    Fails (AssertionError) when Odoo's HTTP server is not running or the report URL does not
    point at it, and when wkhtmltopdf reported that it could not load something (the styles)."""
    report = _get_report(env, report)
    Report = env["ir.actions.report"].with_context(force_report_rendering=True)
    _check_http_server(Report)
    _build_report_styles(env)
    res_ids = list(res_ids.ids if hasattr(res_ids, "ids") else res_ids)
    with _collect_report_logs() as messages:
        pdf, _type = Report._render_qweb_pdf(report.report_name, res_ids, data=data)
    failures = [message for message in messages if _LOAD_FAILURES.search(message)]
    if failures:
        raise AssertionError(
            "wkhtmltopdf could not load the report's resources (styles): " + " | ".join(failures)
        )
    html_body, _type = Report._render_qweb_html(
        report.report_name, res_ids, data={**(data or {}), "report_type": "pdf"}
    )
    _keep(report, pdf)
    return pdf_from_bytes(
        pdf,
        **paperformat_options(report),
        expected_cells=html_table_cells(html_body),
        closing_blocks=html_closing_blocks(html_body),
        table_headers=html_table_headers(html_body),
    )


class DocumentCase:
    """Mixin of assertions on ``RenderedPdf`` documents for Odoo test cases."""

    def render(self, report, res_ids, data=None):
        return render_report(self.env, report, res_ids, data=data)

    def assertPdfContains(self, pdf, phrase, msg=None):
        if not pdf.contains(phrase):
            self.fail(
                self._formatMessage(
                    msg, f"{normalise(phrase)!r} not found in the PDF: {pdf.text[:3000]!r}"
                )
            )

    def assertPdfNotContains(self, pdf, phrase, msg=None):
        if pdf.contains(phrase):
            self.fail(self._formatMessage(msg, f"{normalise(phrase)!r} found in the PDF"))

    def assertLayoutOk(self, pdf, msg=None):
        problems = pdf.layout_problems()
        if problems:
            self.fail(self._formatMessage(msg, "layout problems:\n" + "\n".join(problems)))
