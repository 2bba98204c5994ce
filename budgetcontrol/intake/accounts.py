"""The account map: rows of an export keyed by the authorized chart of accounts (den autoriserede kontoplan)
placed on the controller's lines.

An export from a municipality's finance system carries, per row, the parts of an account: funktion
(``5.28.21``: hovedkonto, hovedfunktion, funktion), dranst (1 drift, 2 statsrefusion, 3 anlæg, 4–7 the
financing side), gruppering (3 digits), art (``4.0``: hovedart and art) and often an omkostningssted (cost
centre). Which sector, category and activity a row belongs to is the controller's own map: the ``Accounts``
Table (``accounts.csv``), whose rows are patterns on konto (the account as the export writes it), funktion,
dranst, gruppering and omkostningssted (``*`` any characters, ``?`` one; empty = any). The most specific
matching row wins (the most characters that are not wildcards); two equally specific matching rows are an error.

The kind follows from dranst and art by the chart's rules (Danmarks Statistik's definitions of the
municipal accounts): dranst 2 is statsrefusion (refund); on the other dranst, hovedart 7 (indtægter) and
8 (finansindtægter) are income, hovedart 0–6 and 9 (interne udgifter og indtægter, which net out on the
expense side) expense. model.yaml ``account_kinds`` rules come before these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import KindRule, Model
from budgetcontrol.contract.tables import ACCOUNT_PATTERNS as PATTERNS
from budgetcontrol.contract.tables import ACCOUNTS

KEYED = ("konto", "funktion", "gruppering", "omkostningssted")  # an export carrying one of these is keyed by account
CHART_RULES = (  # the chart of accounts' own rules, after model.yaml account_kinds
    KindRule(dranst="2", kind="refund"),
    KindRule(art="7*", kind="income"),
    KindRule(art="8*", kind="income"),
    KindRule(kind="expense"),
)
UNMAPPED_NAME = "Ikke placeret"  # the name of the sector and category engine/checks.UNMAPPED_SECTOR


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def normal_part(name: str, value) -> str:
    """A part as compared: funktion as ``H.FF.ff`` (``52821``, ``05.28.21``, ``5 28 21`` all read
    ``5.28.21``), art as ``H.A`` (``40`` and ``4,0`` read ``4.0``), gruppering as three digits, the rest as
    written, case ignored."""
    text = str(value).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    digits = _digits(text)
    if name == "funktion" and digits and len(digits) <= 6 and re.fullmatch(r"[\d .\-]+", text):
        digits = digits.zfill(5)[-5:] if len(digits) <= 5 or digits.startswith("0") else digits
        return f"{int(digits[0])}.{digits[1:3]}.{digits[3:5]}" if len(digits) == 5 else text
    if name == "art" and isinstance(value, float) and 0 <= value < 10:
        return f"{value:.1f}"  # a number cell: 9.0 is art 9.0
    if name == "art" and re.fullmatch(r"\d[.,]?\d", text):
        return f"{digits[0]}.{digits[1]}"
    if name == "dranst" and re.fullmatch(r"0*(\d)([.,]0+)?(\s.*)?", text):
        return re.fullmatch(r"0*(\d)([.,]0+)?(\s.*)?", text).group(1)  # 02, 2.0 and "2 Statsrefusion" are dranst 2
    if name == "gruppering" and text.isdigit() and len(text) <= 3:
        return text.zfill(3)
    return text.casefold()


def as_compared(name: str, pattern: str) -> str:
    """A pattern as compared: without wildcards as the part itself (:func:`normal_part`); with them as
    written, a funktion's leading zero dropped (``05.28.*`` is ``5.28.*``)."""
    if not any(ch in pattern for ch in "*?"):
        return normal_part(name, pattern)
    if name == "funktion" and re.match(r"0\d\.", pattern):
        return pattern[1:]
    return pattern


def _pattern(text: str) -> re.Pattern:
    return re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in text.casefold()) + r"\Z",
                      re.IGNORECASE | re.DOTALL)


def _specificity(patterns: dict[str, str]) -> int:
    return sum(len(p.replace("*", "").replace("?", "")) for p in patterns.values())


@dataclass(frozen=True)
class Entry:
    row: int  # the map's row (file record or sheet row)
    patterns: dict[str, str]  # column -> pattern as compared
    specificity: int
    sector: str
    category: str
    activity: str


def entries(accounts: pd.DataFrame) -> list[Entry]:
    """The map's rows as patterns; a row with no pattern at all is refused by :func:`check_map`."""
    out = []
    for idx, row in accounts.iterrows():
        given = {name: str(row[name]).strip() for name in PATTERNS if name in row and str(row[name]).strip()}
        patterns = {name: as_compared(name, p) for name, p in given.items()}
        out.append(Entry(int(idx), {k: v.casefold() for k, v in patterns.items()}, _specificity(patterns),
                         str(row["sector"]), str(row["category"]), str(row.get("activity", ""))))
    return out


def check_map(accounts: pd.DataFrame, file: str, locate) -> None:
    """Every row of the map names at least one pattern, and no pattern set is given twice."""
    seen: dict[tuple, int] = {}
    for entry in entries(accounts):
        if not entry.patterns:
            raise InputError(file, "an account map row without a pattern (give konto, funktion, dranst, gruppering or "
                                   "omkostningssted)", **locate(entry.row, "funktion"))
        key = tuple(sorted(entry.patterns.items()))
        if key in seen:
            raise InputError(file, f"the same patterns as row {seen[key]}; keep one", **locate(entry.row, "funktion"))
        seen[key] = entry.row


def is_account_keyed(columns) -> bool:
    return any(name in columns for name in KEYED) and not ("sector" in columns and "category" in columns)


def account_text(frame: pd.DataFrame) -> pd.Series:
    """The account as shown in messages and on an unmapped line: the export's konto, else its parts."""
    if "konto" in frame:
        return frame["konto"].astype(str).str.strip()
    parts = [frame[name].astype(str).str.strip() for name in ("funktion", "dranst", "gruppering", "art", "omkostningssted")
             if name in frame]
    out = parts[0]
    for part in parts[1:]:
        out = out + "." + part
    return out.str.strip(".")


def normal_parts(frame: pd.DataFrame) -> pd.DataFrame:
    """The export's account parts as compared (funktion composed from hovedkonto, hovedfunktion and a
    two-digit funktion when the export gives them apart)."""
    out = pd.DataFrame(index=frame.index)
    funktion = frame.get("funktion")
    if funktion is not None and {"hovedkonto", "hovedfunktion"} <= set(frame.columns):
        short = funktion.astype(str).str.strip().str.fullmatch(r"\d{1,2}")
        composed = (frame["hovedkonto"].astype(str).str.strip() + frame["hovedfunktion"].astype(str).str.strip().str.zfill(2)
                    + funktion.astype(str).str.strip().str.zfill(2))
        funktion = funktion.where(~short, composed)
    for name in PATTERNS + ("art",):
        column = funktion if name == "funktion" else frame.get(name)
        if column is not None:
            unique = pd.unique(column)
            normal = {v: normal_part(name, v) for v in unique}
            out[name] = column.map(normal)
    return out


def place(frame: pd.DataFrame, parts: pd.DataFrame, accounts: pd.DataFrame, file: str, map_file: str
          ) -> tuple[pd.DataFrame, pd.Series]:
    """Sector, category and activity for every row of an account-keyed export (``parts``: its
    :func:`normal_parts`), and the mask of rows no pattern maps (their columns left empty). Two equally
    specific patterns matching one account are refused."""
    keys = [name for name in PATTERNS if name in parts]
    unique = parts[keys].drop_duplicates()
    placed: dict[tuple, Entry | None] = {}
    table = entries(accounts)
    matches = []
    for entry in table:
        if not set(entry.patterns) <= set(keys):
            matches.append(pd.Series(False, index=unique.index))
            continue
        hit = pd.Series(True, index=unique.index)
        for name, pattern in entry.patterns.items():
            hit &= unique[name].str.casefold().str.match(_pattern(pattern))
        matches.append(hit)
    for position, (idx, key) in enumerate(zip(unique.index, unique.itertuples(index=False))):
        found = [entry for entry, hit in zip(table, matches) if hit.iloc[position]]
        if not found:
            placed[tuple(key)] = None
            continue
        best = max(e.specificity for e in found)
        top = [e for e in found if e.specificity == best]
        if len(top) > 1:
            row = frame.index[(parts[keys] == pd.Series(key, index=keys)).all(axis=1).argmax()]
            raise InputError(file, f"the account {account_text(frame.loc[[row]]).iloc[0]} matches rows {top[0].row} and "
                                   f"{top[1].row} of the account map ({map_file}) equally specifically; make one pattern "
                                   f"more specific", row=int(row))
        placed[tuple(key)] = top[0]
    chosen = [placed[tuple(k)] for k in parts[keys].itertuples(index=False)]
    unmapped = pd.Series([e is None for e in chosen], index=frame.index)
    out = frame.drop(columns=[c for c in ("sector", "category", "activity") if c in frame.columns]).copy()
    out["sector"] = [e.sector if e else "" for e in chosen]
    out["category"] = [e.category if e else "" for e in chosen]
    out["activity"] = [e.activity if e else "" for e in chosen]
    return out, unmapped


def kinds(frame: pd.DataFrame, parts: pd.DataFrame, model: Model, file: str, header_row: int = 1) -> pd.Series:
    """The kind of every row from its dranst and art (``parts``: the frame's :func:`normal_parts`): model.yaml
    ``account_kinds`` first, then the chart's rules."""
    if "dranst" not in frame or "art" not in frame:
        raise InputError(file, "the export has no kind column, and no dranst and art to tell expense, income and refund "
                               "apart; add a kind column or the account's dranst and art", row=header_row)
    pairs = parts[["dranst", "art"]].drop_duplicates()
    found = {}
    for idx, (dranst, art) in zip(pairs.index, pairs.itertuples(index=False)):
        if not re.fullmatch(r"[1-9]", dranst):
            raise InputError(file, f"dranst '{frame.at[idx, 'dranst']}' is not a dranst of the chart of accounts (1 drift, "
                                   f"2 statsrefusion, 3 anlæg, 4–7 the financing side)", row=int(idx), column="dranst")
        if not re.fullmatch(r"\d\.\d", art):
            raise InputError(file, f"art '{frame.at[idx, 'art']}' is not an art of the chart of accounts (hovedart and art, "
                                   f"e.g. 4.0 or 7.1)", row=int(idx), column="art")
        for rules in (model.account_kinds, CHART_RULES):
            hits = [r for r in rules if _pattern(as_compared("dranst", r.dranst)).match(dranst)
                    and _pattern(as_compared("art", r.art)).match(art)]
            if hits:
                found[(dranst, art)] = max(hits, key=lambda r: _specificity({"d": r.dranst, "a": r.art})).kind
                break
    return pd.Series([found[(d, a)] for d, a in parts[["dranst", "art"]].itertuples(index=False)], index=frame.index)


def load_map(folder, model: Model) -> pd.DataFrame | None:
    """A data folder's validated ``accounts.csv`` (every row naming a pattern), or None."""
    from budgetcontrol.contract.csvfile import read_csv_text
    from budgetcontrol.contract.tables import csv_locate, validate

    path = folder / ACCOUNTS.file
    if not path.exists():
        return None
    raw = read_csv_text(path, str(path))
    accounts = validate(raw.frame, ACCOUNTS, model, str(path), csv_locate, raw.decimal)
    check_map(accounts, str(path), csv_locate)
    return accounts
