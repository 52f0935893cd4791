"""Opening a returned workbook: find out what the file really is before openpyxl reads it.

People send whatever their software saved: a legacy .xls, a workbook with an
opening password (both OLE2 compound files, magic bytes D0 CF 11 E0), an .ods,
a CSV renamed to .xlsx, a truncated download. Each gets its own clear message
instead of a parser traceback. The workbook is read (streamed, see :mod:`.grid`)
for its formulas and typed values; the values a spreadsheet cached when it saved
are read from the same bytes only when an import gets as far as comparing them.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

from ..errors import InputError
from ..reading import read_bytes
from .errors import CellError, file_error
from .grid import Book
from .layout import MANIFEST_SHEET, SHEET

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNPACKED = 256 * 1024 * 1024
SAVE_AS = "请在 Excel 或 WPS 中另存为 .xlsx（Excel 工作簿）后再导入"
SAVE_AS_EN = "save it as .xlsx (Excel workbook) and import that"


@dataclass
class Opened:
    formulas: Book        # cells hold formulas (and typed values)
    data: bytes

    def cached(self) -> Book:
        """The same workbook with the values cached at its last save (None where none)."""
        return _load(self.data, data_only=True)


def _ole2_error(data: bytes) -> CellError:
    names = {name: name.encode("utf-16-le") in data for name in ("EncryptedPackage", "EncryptionInfo", "Workbook",
                                                                  "Book")}
    if names["EncryptedPackage"] or names["EncryptionInfo"]:
        return file_error("encrypted", "工作簿设置了打开密码（已加密），无法读取：请在 Excel 中取消密码（文件 → 信息 → 保护工作簿 → "
                          "用密码进行加密，清空密码）后另存为 .xlsx",
                          "the workbook is encrypted (password to open): remove the password and save it as .xlsx")
    if names["Workbook"] or names["Book"]:
        return file_error("legacy-xls", f"这是旧版 Excel 97-2003 工作簿（.xls），不是 .xlsx：{SAVE_AS}",
                          f"this is a legacy Excel 97-2003 workbook (.xls), not .xlsx: {SAVE_AS_EN}")
    return file_error("not-xlsx", f"这是旧版 Office 复合文档（OLE2），不是 .xlsx 工作簿：{SAVE_AS}",
                      f"this is a legacy Office compound file (OLE2), not an .xlsx workbook: {SAVE_AS_EN}")


def _not_zip_error(data: bytes) -> CellError:
    if not data:
        return file_error("not-xlsx", "文件是空的，不是 .xlsx 工作簿", "the file is empty, not an .xlsx workbook")
    head = data[:4096]
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html")):
        kind, kind_en = "网页（HTML）", "a web page (HTML)"
    elif head.lstrip().startswith(b"<?xml"):
        kind, kind_en = "XML 文件（可能是 Excel 2003 XML 表格）", "an XML file (perhaps Excel 2003 XML)"
    elif b"\x00" not in head:
        kind, kind_en = "文本文件（例如 CSV，或改了扩展名的文件）", "a text file (e.g. CSV, or a renamed file)"
    else:
        kind, kind_en = "无法识别的文件", "an unrecognised file"
    return file_error("not-xlsx", f"不是 .xlsx 工作簿：文件内容是{kind}；{SAVE_AS}",
                      f"not an .xlsx workbook: the content is {kind_en}; {SAVE_AS_EN}")


def check_container(data: bytes) -> CellError | None:
    """Why ``data`` cannot be an .xlsx workbook, or None when it looks like one."""
    if data.startswith(OLE2):
        return _ole2_error(data)
    if not data.startswith(b"PK"):
        return _not_zip_error(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
        damaged = None if unpacked > MAX_UNPACKED else archive.testzip()
    except Exception as exc:  # BadZipFile, zlib.error, EOFError…: a damaged archive, whatever the detail
        return file_error("corrupt", f"文件已损坏（ZIP 结构无效：{exc}），可能下载或复制不完整",
                          f"the file is corrupted (invalid ZIP structure: {exc}); it may be truncated")
    if unpacked > MAX_UNPACKED:
        return file_error("too-large", "工作簿解压后过大（超过 256 MiB），不是本工具生成的评估表",
                          "the workbook unpacks to more than 256 MiB; not a WSAS template")
    if damaged:
        return file_error("corrupt", f"文件已损坏（压缩包内 {damaged} 校验失败），可能下载或复制不完整",
                          f"the file is corrupted (member {damaged} fails its CRC check)")
    if "xl/workbook.xml" not in names:
        if "content.xml" in names or "mimetype" in names:
            what, what_en = "OpenDocument 文件（如 .ods）", "an OpenDocument file (e.g. .ods)"
        elif "word/document.xml" in names:
            what, what_en = "Word 文档（.docx）", "a Word document (.docx)"
        else:
            what, what_en = "ZIP 压缩包", "a ZIP archive"
        return file_error("not-xlsx", f"不是 .xlsx 工作簿：文件是{what}；{SAVE_AS}",
                          f"not an .xlsx workbook: the file is {what_en}; {SAVE_AS_EN}")
    return None


def _load(data: bytes, data_only: bool) -> Book:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops; irrelevant here
        return Book(load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False))


def open_workbook(path) -> Opened:
    """The workbook at ``path``, its template sheets read.

    Raises :class:`wsas.UnreadableError` for paths that cannot be opened and
    :class:`wsas.InputError` (with a :class:`CellError`) for files that are not a readable .xlsx.
    """
    data = read_bytes(path)
    problem = check_container(data)
    if problem is not None:
        raise InputError(problem)
    try:
        book = _load(data, data_only=False)
        for name in (MANIFEST_SHEET, SHEET):  # damage in the sheets the importer reads shows here
            if name in book.sheetnames:
                book[name]
        return Opened(book, data)
    except Exception as exc:  # openpyxl raises anything from KeyError to XML syntax errors on damaged parts
        raise InputError(file_error("corrupt", f"工作簿无法读取（内容损坏：{type(exc).__name__}: {exc}）",
                                    f"the workbook cannot be read (damaged content: {type(exc).__name__}: {exc})"))
