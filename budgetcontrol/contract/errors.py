"""The one exception type for errors a user can cause."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: names the file, the row and the column, and what is wrong.

    ``row`` is the spreadsheet-style record number (the header is row 1) for a
    CSV file, the line for a YAML file, or the sheet row for a workbook.
    """

    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None,
                 sheet: str | None = None, cell: str | None = None):
        super().__init__(message)
        self.file = str(file)
        self.message = message
        self.row = row
        self.column = column
        self.sheet = sheet
        self.cell = cell

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet is not None:
            where.append(f"sheet '{self.sheet}'")
        if self.cell is not None:
            where.append(f"cell {self.cell}")
        elif self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"
