"""A controller workbook on disk behind the refresh's ``Book`` interface: refreshed as a package
(``xlsx/package_book.py``), so every part the tool does not own is kept byte for byte."""

from budgetcontrol.xlsx.package_book import FileBook, Row

__all__ = ["FileBook", "Row"]
