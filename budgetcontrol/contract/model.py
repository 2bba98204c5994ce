"""model.yaml: the schema of a data folder's settings, validated with pydantic.

Errors name the YAML line of the offending key, so a controller can find it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from budgetcontrol.contract.errors import InputError
from budgetcontrol.contract.excel_match import CRITERION_TRAPS, excel_key

KINDS = ("expense", "income", "refund")
STATUSES = ("approved", "pending", "rejected")
VARIANCE_SIGNS = ("actual_minus_budget", "budget_minus_actual")
FORECASTS = ("plan", "run_rate")
MONTHS = tuple(range(1, 13))
# The parts of an account of the authorized chart of accounts (den autoriserede kontoplan) an export may
# carry, by the names the account map and model.yaml `columns` use (intake/accounts.py).
ACCOUNT_PARTS = ("konto", "hovedkonto", "hovedfunktion", "funktion", "dranst", "gruppering", "art", "omkostningssted")


@lru_cache(maxsize=1)
def defaults() -> dict[str, Any]:
    """The package defaults from ``config/defaults.yaml``."""
    text = resources.files("budgetcontrol.config").joinpath("defaults.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _code(value: Any) -> Any:
    """YAML reads `code: 10` as a number; codes are text. Excel formulas match on codes,
    so wildcard and comparison characters are refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        value = value.strip()
        if CRITERION_TRAPS.search(value):
            raise ValueError(f"code '{value}' contains * ? ~ or starts with = < >, which Excel's formulas read as a pattern")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sector(_Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)

    _c = field_validator("code", mode="before")(_code)


class Category(_Strict):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    group: Literal["operating", "capital"] = "operating"

    _c = field_validator("code", mode="before")(_code)


class KindRule(_Strict):
    """A rule of the chart of accounts giving a row's kind from its dranst and art (``*`` = any; a pattern
    may end in ``*``, as ``7*``). The most specific matching rule wins."""

    dranst: str = "*"
    art: str = "*"
    kind: Literal["expense", "income", "refund"]

    _c = field_validator("dranst", "art", mode="before")(lambda v: str(v).strip() if isinstance(v, (int, float, str)) else v)


class TrafficLights(_Strict):
    """Thresholds of the traffic light on the variance to date, as shares of the phased budget
    to date (pace, not share of the year): amber beyond ``amber``, red beyond ``red``."""

    amber: float = Field(ge=0)
    red: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> "TrafficLights":
        if self.red < self.amber:
            raise ValueError(f"red ({self.red}) must not be below amber ({self.amber})")
        return self


def _unit_cost(value: Any) -> Any:
    """A unit cost is one number for every month, or a number per month 1–12 (all twelve)."""
    if isinstance(value, dict):
        months = {int(str(k)) if str(k).isdigit() else k for k in value}
        if months != set(MONTHS):
            raise ValueError("a unit cost by month must give all months 1 to 12")
        return {int(str(k)): v for k, v in value.items()}
    return {m: value for m in MONTHS}


class Model(_Strict):
    """The settings of one data folder (model.yaml)."""

    name: str = Field(min_length=1)
    fiscal_year: int = Field(ge=1900, le=2200)
    unit: str = Field(min_length=1)
    sectors: list[Sector] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    variance_sign: Literal["actual_minus_budget", "budget_minus_actual"] = "actual_minus_budget"
    as_of: dt.date | None = None
    change_types: dict[str, str] | list[str] | None = None
    zero_sum_types: list[str] | None = None
    check_tolerance: float | None = Field(default=None, ge=0)
    labels: dict[str, Any] = Field(default_factory=dict)
    phasing: Literal["twelfths", "prior_actuals"] = "twelfths"
    forecast: Literal["plan", "run_rate"] = "plan"
    traffic_lights: TrafficLights | None = None
    unit_costs: dict[str, dict[int, float]] = Field(default_factory=dict)
    outer_years: int = Field(default=3, ge=1, le=10)  # overslagsår after the fiscal year
    language: Literal["da", "en"] = "da"  # the workbook's tab names; labels come from `labels` (Danish by default)
    columns: dict[str, str] = Field(default_factory=dict)  # an export's header -> the column it names
    account_kinds: list[KindRule] = Field(default_factory=list)  # before the chart of accounts' own rules

    @field_validator("columns")
    @classmethod
    def _known_columns(cls, value: dict[str, str]) -> dict[str, str]:
        from budgetcontrol.contract.tables import ALL_COLUMNS  # the contract's columns (tables imports this module)

        for header, name in value.items():
            if name not in ALL_COLUMNS and name not in ACCOUNT_PARTS:
                raise ValueError(f"'{header}' maps to '{name}', which is no column (columns: {', '.join(ALL_COLUMNS)}; "
                                 f"account parts: {', '.join(ACCOUNT_PARTS)})")
        return value

    @field_validator("unit_costs", mode="before")
    @classmethod
    def _unit_costs(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        seen: dict[str, str] = {}
        for key in value:
            code = str(_code(key))
            if seen.setdefault(excel_key(code), code) != code:
                raise ValueError(f"measures '{code}' and '{seen[excel_key(code)]}' differ only by upper/lower case or "
                                 f"leading zeros; Excel would treat them as one")
        return {str(_code(k)): _unit_cost(v) for k, v in value.items()}

    @field_validator("unit_costs")
    @classmethod
    def _prices_not_negative(cls, value: dict) -> dict:
        for measure, prices in value.items():
            bad = [m for m, price in prices.items() if price < 0]
            if bad:
                raise ValueError(f"the unit cost of '{measure}' in month {bad[0]} is negative")
        return value

    @field_validator("sectors", "categories")
    @classmethod
    def _unique_codes(cls, items: list) -> list:
        seen: set[str] = set()
        for i, item in enumerate(items):
            key = excel_key(item.code)
            if key in seen:
                raise ValueError(f"code '{item.code}' at position {i + 1} is used twice (Excel compares codes ignoring case "
                                 f"and numeric-looking codes as numbers, so '010' and '10' are one)")
            seen.add(key)
        return items

    @model_validator(mode="after")
    def _as_of_in_year(self) -> "Model":
        if self.as_of is not None and self.as_of.year != self.fiscal_year:
            raise ValueError(f"as_of {self.as_of.isoformat()} is not in fiscal_year {self.fiscal_year}")
        return self

    # ---- resolved settings (defaults merged in) ----
    @property
    def sector_codes(self) -> list[str]:
        return [s.code for s in self.sectors]

    @property
    def category_codes(self) -> list[str]:
        return [c.code for c in self.categories]

    def category_group(self, code: str) -> str:
        return next(c.group for c in self.categories if c.code == code)

    @property
    def sign(self) -> int:
        """+1 when variance = actual − corrected (positive = overspend), else −1."""
        return 1 if self.variance_sign == "actual_minus_budget" else -1

    @property
    def default_as_of(self) -> dt.date:
        return self.as_of or dt.date(self.fiscal_year, 12, 31)

    @property
    def type_labels(self) -> dict[str, str]:
        """Known change types with labels; listed types in model.yaml restrict the set."""
        base: dict[str, str] = dict(defaults()["change_types"])
        if self.change_types is None:
            return base
        if isinstance(self.change_types, list):
            return {code: base.get(code, code) for code in self.change_types}
        return dict(self.change_types)

    @property
    def restricts_types(self) -> bool:
        return self.change_types is not None

    @property
    def zero_sum(self) -> list[str]:
        return list(self.zero_sum_types if self.zero_sum_types is not None else defaults()["zero_sum_types"])

    @property
    def tolerance(self) -> float:
        return float(self.check_tolerance if self.check_tolerance is not None else defaults()["check_tolerance"])

    @property
    def lights(self) -> TrafficLights:
        return self.traffic_lights or TrafficLights(**defaults()["traffic_lights"])

    def unit_cost(self, measure: str, month: int) -> float | None:
        costs = self.unit_costs.get(measure)
        return None if costs is None else float(costs[month])

    def label(self, *path: str) -> str:
        """A label from model.yaml `labels`, else from the package defaults."""
        for source in (self.labels, defaults()["labels"]):
            node: Any = source
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, str):
                return node
        return path[-1]


class _TextNumbers(yaml.SafeLoader):
    """YAML 1.1 reads 010 as octal 8 and 1_0 as 10; keep every number as written and let the schema convert."""


_TextNumbers.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _yaml_line(root: yaml.Node | None, loc: tuple) -> int | None:
    """The 1-based line of the node at a pydantic error location, as far as it exists."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _loc_text(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


MAX_CELL = 32_767  # Excel's limit on a cell's characters: a longer setting is refused, never cut


def _no_duplicate_keys(node: yaml.Node | None, file: str) -> None:
    """A key given twice in one mapping is refused (YAML would keep the last one without a word), and so is
    a text over Excel's cell limit (the Settings sheet would cut it)."""
    stack, seen_nodes = ([node] if node is not None else []), set()
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:  # an alias: that node is checked once (a recursive or nested alias too)
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.ScalarNode) and len(str(node.value)) > MAX_CELL:
            raise InputError(file, f"a text of {len(str(node.value)):,} characters ('{str(node.value)[:80]}…'): over "
                                   f"Excel's limit of {MAX_CELL:,} characters a cell", row=node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key, value in node.value:
                name = str(key.value)
                if name in seen:
                    raise InputError(file, f"the key '{name[:80]}' is given twice (lines {seen[name]} and "
                                           f"{key.start_mark.line + 1}); keep one", row=key.start_mark.line + 1)
                seen[name] = key.start_mark.line + 1
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def parse_model(text: str, file: str = "model.yaml") -> Model:
    """Parse and validate model.yaml text; raises InputError with the YAML line."""
    try:
        root = yaml.compose(text, Loader=_TextNumbers)
        _no_duplicate_keys(root, file)
        data = yaml.load(text, Loader=_TextNumbers)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(file, f"not valid YAML: {getattr(exc, 'problem', exc)}", row=mark.line + 1 if mark else None) from None
    if data is None:
        raise InputError(file, "file is empty")
    if not isinstance(data, dict):
        raise InputError(file, "expected a mapping of settings (name, fiscal_year, unit, sectors, categories)", row=1)
    return model_from_dict(data, file, root)


def model_from_dict(data: dict, file: str, root: yaml.Node | None = None, where=None) -> Model:
    """Validate a settings mapping. ``where(loc)`` may map an error location to (row, column)."""
    try:
        return Model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also makes the right one "missing": name the misspelling first.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        loc = tuple(err["loc"])
        msg = err["msg"]
        if err["type"] == "missing":
            msg = "missing key"
        elif err["type"] == "extra_forbidden":
            msg = "unknown key (check the spelling)"
        elif err["type"] in ("literal_error", "enum"):
            msg = f"{msg}, got {err.get('input')!r}"
        row, column = where(loc) if where else (_yaml_line(root, loc), _loc_text(loc) or None)
        raise InputError(file, msg, row=row, column=column) from None
