"""JavaScript's number/value-to-string rules, for error texts and JSON output.

Beebrain's messages and stats are produced by JavaScript, so ``String(x)``
and ``JSON.stringify`` conventions (91.0 -> "91", NaN -> null, 1e-7 -> "1e-7")
are part of the observable output.
"""

from __future__ import annotations

import json
import math
from typing import Any


def js_number(x: float) -> str:
    """String(x) for a JS number."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, int):
        x = float(x) if abs(x) >= 2**53 else x
        if isinstance(x, int):
            return str(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e21:
        return str(int(x))
    sign = "-" if x < 0 else ""
    mant, _, exp = repr(abs(x)).partition("e")
    intpart, _, frac = mant.partition(".")
    digits = (intpart + frac).lstrip("0")
    # position of the decimal point relative to the first significant digit
    lead_zeros = len(intpart + frac) - len((intpart + frac).lstrip("0"))
    n = len(intpart) - lead_zeros + (int(exp) if exp else 0)
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        s = digits + "0" * (n - k)
    elif 0 < n <= 21:
        s = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        s = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        s = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e >= 0 else "-") + str(abs(e))
    return sign + s


def js_string(v: Any) -> str:
    """`${v}` in JavaScript, for the value types a .bb file can hold."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return js_number(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (list, tuple)):
        return ",".join("" if e is None else js_string(e) for e in v)
    return "[object Object]"


def to_jsonable(v: Any) -> Any:
    """Python value -> value whose json.dumps matches JSON.stringify (91.0 -> 91, NaN -> null)."""
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            return None
        if v.is_integer() and abs(v) < 2**53:
            return int(v)
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, dict):
        return {k: to_jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_jsonable(x) for x in v]
    if hasattr(v, "item"):  # numpy scalar
        return to_jsonable(v.item())
    return v


def js_json(v: Any) -> str:
    """JSON.stringify(v) for plain values."""
    return json.dumps(to_jsonable(v), separators=(",", ":"), ensure_ascii=False)


def js_dumps(v: Any) -> str:
    """JSON.stringify(v) byte for byte: JS number spelling, NaN/Infinity as null."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            return "null"
        return js_number(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, dict):
        return "{" + ",".join(json.dumps(str(k), ensure_ascii=False) + ":" + js_dumps(x)
                              for k, x in v.items()) + "}"
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(js_dumps(x) for x in v) + "]"
    if hasattr(v, "item"):
        return js_dumps(v.item())
    return json.dumps(v)
