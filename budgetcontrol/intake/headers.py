"""The header words of the finance systems' exports: which column is which.

A header names a contract column (``month``, ``sector`` …) or a part of an account of the authorized
chart of accounts (``funktion``, ``dranst``, ``art`` …) by the contract's own name, by a common Danish
header (``Måned``, ``Periode``, ``Beløb`` …) or by the controller's own words, given in model.yaml
(``columns: {"Bogført beløb": amount}``), which win. Headers are compared ignoring case, spaces and a
trailing colon.
"""

from __future__ import annotations

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.model import ACCOUNT_PARTS, Model
from budgetcontrol.contract.values import quoted

# Common Danish headers of the finance systems' exports, by the contract column (or account part) they name.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "month": ("måned", "maaned", "periode", "bogføringsperiode", "regnskabsperiode", "regnskabsmåned", "md", "mdr"),
    "sector": ("sektor", "område", "omraade", "forvaltning"),
    "category": ("kategori", "bevillingsområde", "bevillingsomraade", "udgiftskategori"),
    "activity": ("aktivitet",),
    "kind": ("type", "udgiftstype", "beløbstype"),
    "amount": ("beløb", "beloeb", "belob", "beløb kr", "beløb (kr.)", "beløb i kr.", "nettobeløb", "beløb i alt"),
    "date": ("dato", "bevillingsdato", "beslutningsdato"),
    "change_id": ("ændring", "ændrings-id", "ændringsnr", "bevillingsnr", "bevillingsnummer", "bevilling"),
    "status": ("bevillingsstatus",),
    "type": ("ændringstype", "bevillingstype"),
    "description": ("beskrivelse",),
    "reference": ("sagsnummer", "sagsnr", "sag"),
    "note": ("bemærkning", "bemaerkning"),
    "konto": ("kontonummer", "kontonr", "kontostreng", "konto nr"),
    "funktion": ("funktionsnummer", "funktionsnr"),
    "dranst": ("dranstkode", "dranst kode"),
    "gruppering": ("grp", "grupperingsnummer"),
    "art": ("artskode", "artskonto"),
    "omkostningssted": ("omk.sted", "omk. sted", "omkostningsstednr", "omkostningssted nr", "costcenter", "cost centre",
                        "cost center"),
}
# The kontoplan's "Art" and the contract's kind share a word in Danish exports: "Art" names the account's art
# here, and the intake takes it as the kind when it holds expense/income words (udgift, indtægt …).


def normal(name) -> str:
    """A header as compared: case, spaces, a leading BOM, a trailing colon or full stop and underscores ignored."""
    return " ".join(str(name).lstrip("\ufeff").replace("_", " ").casefold().split()).rstrip(":.").strip()


def vocabulary(model: Model | None, names: list[str]) -> dict[str, str]:
    """Header (as :func:`normal` makes it) → the column it names, for a table of the columns ``names``
    (plus the account parts): the model's ``columns`` first, then the names themselves, then the synonyms."""
    wanted = list(names) + [p for p in ACCOUNT_PARTS if p not in names]
    out: dict[str, str] = {}
    for name in wanted:
        for word in SYNONYMS.get(name, ()):
            if word not in {normal(n) for n in names} or word == normal(name):  # a table's own column wins
                out.setdefault(normal(word), name)
    for name in wanted:
        out[normal(name)] = name
    for header, name in (model.columns if model else {}).items():
        out[normal(header)] = name
    return out


def known_words(model: Model | None, names: list[str]) -> set[str]:
    """Every header word that names a column, for finding the header row below title rows."""
    return set(vocabulary(model, names))


def map_headers(headers: list[str], model: Model | None, names: list[str], file: str, row: int) -> dict[str, str]:
    """The file's header → the column it names, for the headers that name one (others are left out). Two
    headers naming one column are refused, naming both."""
    words = vocabulary(model, names)
    out: dict[str, str] = {}
    taken: dict[str, str] = {}
    for header in headers:
        name = words.get(normal(header))
        if name is None:
            continue
        if name in taken:
            raise InputError(file, f"the headers '{quoted(taken[name], 40)}' and '{quoted(header, 40)}' both name the column "
                                   f"'{name}'; keep one, or name another in model.yaml columns:", row=row)
        taken[name] = header
        out[header] = name
    return out


def missing_message(column: str, headers: list[str], model: Model | None, names: list[str]) -> str:
    """One line for a column no header names: the headers found, the names expected, where to map them."""
    words = vocabulary(model, names)
    expected = [column] + [w for w in SYNONYMS.get(column, ()) if words.get(normal(w)) == column][:3]
    found = ", ".join(quoted(h, 30) for h in headers[:12] if str(h).strip()) + (" …" if len(headers) > 12 else "")
    return (f"missing column '{column}' (headers found: {quoted(found, 200) or 'none'}; expected one of: "
            f"{', '.join(expected)}); name yours in model.yaml, e.g. columns: {{\"Your header\": {column}}}")
