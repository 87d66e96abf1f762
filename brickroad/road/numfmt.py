"""Number and date formatting that reproduces Beebrain's text output.

Beebrain runs in JavaScript, so its human-readable summaries inherit
JavaScript's number-to-string conversions (``Number.prototype.toString``,
``toPrecision``, ``Math.round``) together with Beebrain's own ``shn``
("show number") and ``conservaround`` helpers, quirks included.  Everything
here exists so that the presentation strings come out byte-identical to the
reference; where a choice looks odd, it is usually because the reference does
the same odd thing.

All functions are pure.  Numbers may be given as ``int`` or ``float``; they are
treated as IEEE doubles, like JavaScript does.
"""

from __future__ import annotations

import calendar
import math
import re
import time
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

SID = 86400  # seconds in a day

# JavaScript compares and prints doubles only; accept ints for convenience.
Num = float | int


# ---------------------------------------------------------------------------
# JavaScript number primitives
# ---------------------------------------------------------------------------

def _shortest_digits(x: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of a positive finite double.

    Returns (digits, n) with x == 0.<digits> * 10**n and no trailing zeros in
    digits.  Python's repr and JavaScript both pick the shortest string that
    round-trips, so the digits agree; only the layout rules differ.
    """
    _, digs, exp = Decimal(repr(x)).as_tuple()
    n = len(digs) + int(exp)  # exp counts from the untrimmed digit string
    return "".join(map(str, digs)).rstrip("0"), n


def _memoisable(x: object) -> bool:
    """Numbers whose formatting can be memoised by value: not bools, not 0 (0.0 and -0.0
    are equal keys), not NaN (never equal to itself)."""
    return (type(x) is float or type(x) is int) and x != 0 and x == x


def js_str(x: Num | str | None | bool) -> str:
    """String conversion the way JavaScript's ``String(value)`` does it.

    Strings pass through (Beebrain's shn sometimes returns strings and they
    are concatenated as-is), None becomes "null" like JS concatenation of null.
    """
    if _memoisable(x):
        return _js_str_memo(x)  # type: ignore[arg-type]
    return _js_str(x)


def _js_str(x: Num | str | None | bool) -> str:
    if isinstance(x, str):
        return x
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "true" if x else "false"
    x = float(x)
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"  # JS prints -0 as "0" too
    if x < 0:
        return "-" + js_str(-x)
    s, n = _shortest_digits(x)
    k = len(s)
    if k <= n <= 21:
        return s + "0" * (n - k)
    if 0 < n <= 21:
        return s[:n] + "." + s[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + s
    e = n - 1
    esign = "+" if e >= 0 else "-"
    mant = s if k == 1 else s[0] + "." + s[1:]
    return f"{mant}e{esign}{abs(e)}"


_js_str_memo = lru_cache(maxsize=4096)(_js_str)  # the summaries format the same few numbers over and over


def js_round(x: float) -> float:
    """JavaScript ``Math.round``: halves go towards +infinity.

    Written as floor plus a comparison (not floor(x+0.5)) because x+0.5 can
    round up in floating point, e.g. for 0.49999999999999994.
    """
    if math.isnan(x) or math.isinf(x):
        return x
    f = math.floor(x)
    return float(f + 1) if x - f >= 0.5 else float(f)


def js_fmod(a: float, b: float) -> float:
    """JavaScript ``%`` on doubles: the result takes the dividend's sign."""
    if b == 0 or math.isinf(a) or math.isnan(a) or math.isnan(b):
        return math.nan
    return math.fmod(a, b)


def to_precision(x: float, p: int) -> str:
    """JavaScript ``Number.prototype.toPrecision``.

    JS picks the p-digit decimal closest to the exact binary value and breaks
    exact ties upward (in magnitude), which differs from Python's '%.*e'
    (round-half-even), hence the Decimal arithmetic.
    """
    if not 1 <= p <= 100:
        # JS throws a RangeError here; so do we, rather than guess.
        raise ValueError(f"toPrecision argument out of range: {p}")
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return js_str(x)
    sign = ""
    if x < 0:
        sign, x = "-", -x
    if x == 0:
        digits, e = "0" * p, 0
    else:
        d = Decimal(x)
        e = d.adjusted()
        n = d.scaleb(p - 1 - e).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if n >= Decimal(10) ** p:  # rounding carried into a new digit
            e += 1
            n = d.scaleb(p - 1 - e).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        digits = str(int(n))
    if e < -6 or e >= p:
        mant = digits[0] + ("." + digits[1:] if p > 1 else "")
        return f"{sign}{mant}e{'+' if e >= 0 else '-'}{abs(e)}"
    if e == p - 1:
        return sign + digits
    if e >= 0:
        return sign + digits[: e + 1] + "." + digits[e + 1:]
    return sign + "0." + "0" * (-(e + 1)) + digits


def js_to_number(s: str) -> float:
    """JavaScript ``Number(string)`` for the handful of strings we compare."""
    t = s.strip()
    if t == "":
        return 0.0
    try:
        return float(t) if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", t) \
            else math.nan
    except ValueError:
        return math.nan


def js_loose_eq(a: Num | str, b: Num | str) -> bool:
    """JavaScript ``a == b`` for numbers/strings.

    progsum compares two shn outputs with ``==``, and a numeric 0 equals the
    string '00' under JS coercion, which changes the text.
    """
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    fa = js_to_number(a) if isinstance(a, str) else float(a)
    fb = js_to_number(b) if isinstance(b, str) else float(b)
    return fa == fb


def pow10(k: float) -> float:
    """10**k as a JS double: overflows to Infinity instead of raising."""
    try:
        return 10.0 ** k
    except OverflowError:
        return math.inf


def jfloor(x: float) -> float:
    """Math.floor that, like JS, lets infinities and NaN through."""
    return x if math.isinf(x) or math.isnan(x) else float(math.floor(x))


def chop(x: float, tol: float = 1e-7) -> float:
    """Snap values within tol of zero to exactly zero."""
    return 0.0 if abs(x) < tol else x


def clip(x: float, a: float, b: float) -> float:
    if a > b:
        a, b = b, a
    return a if x < a else b if x > b else x


# ---------------------------------------------------------------------------
# shn: Beebrain's "show number"
# ---------------------------------------------------------------------------

def shn_value(x: Num, t: int = 10, d: int = 5, e: int = 0) -> float | str:
    """Beebrain's shn, returning what JS returns: a number or a string (memoised: pure)."""
    if _memoisable(x):
        return _shn_value_memo(x, t, d, e)
    return _shn_value(x, t, d, e)


def _shn_value(x: Num, t: int = 10, d: int = 5, e: int = 0) -> float | str:
    """Beebrain's shn, returning what JS returns: a number or a string.

    Aim: at most d significant digits after the decimal point and about t
    significant digits in total, optionally never erring below (e<0 means the
    shown value must not exceed x, e>0 not fall short of it).

    Faithfully keeps the reference's rounding quirks (they are the "SHNFIX"
    asymmetries): values whose scaled last digit is in [4.5, 4.9999999) are
    truncated rather than rounded, a 1e-10 nudge is added before formatting,
    and conservative rounding just retries with one more decimal digit.
    The distinction number-vs-string matters to callers that compare results
    with JS ``==`` (see progsum).
    """
    x = float(x)
    if math.isnan(x):
        return "NaN"
    x = chop(x)
    ip = jfloor(abs(x))
    i = 0 if ip == 0 else len(js_str(ip))  # digits left of the decimal point
    if abs(x) > pow10(i) - 0.5:
        i += 1
    if i == 0 and x != 0:
        k = math.floor(d - math.log10(abs(x)))
    else:
        k = d

    v = x * pow10(k)
    vm = js_fmod(v, 10)
    if vm < 0:
        vm += 10
    # Reference hack against rounding .5-ish cases up: truncate instead.
    if 4.5 <= vm < 4.9999999:
        v = jfloor(v)
    xn = js_round(v) / pow10(k) + 1e-10

    if (e < 0 and xn > x) or (e > 0 and xn < x):
        if d >= 10:
            xn = x
        else:
            return shn_value(x, t, d + 1, e)

    if t < i and abs(pow10(i - 1) - xn) < 0.5:
        xn = pow10(i - 1)
    t = int(clip(t, i, i + d))

    if abs(xn) < 1e-4 or jfloor(xn) in (9, 99, 999):
        return float(to_precision(x, k))
    ostr = to_precision(xn, t)
    if "e" in ostr:
        return ostr
    return float(ostr)


_shn_value_memo = lru_cache(maxsize=4096)(_shn_value)


def shn(x: Num, t: int = 10, d: int = 5, e: int = 0) -> str:
    """Beebrain's shn as the string that ends up in the text."""
    return js_str(shn_value(x, t, d, e))


# ---------------------------------------------------------------------------
# conservaround
# ---------------------------------------------------------------------------

def normberlize(x: Num | str) -> str:
    """Canonical, non-scientific string form of a number (reference helper).

    Only used to decide whether a rounding quantum is a negative power of ten,
    which makes tidyround build its result from a decimal string instead of
    multiplying (avoiding 9999*.1 = 999.900000001 style noise).
    """
    s = x.strip() if isinstance(x, str) else js_str(x)
    if s[:1] == "+":
        s = s[1:]
    if s[:1] == "-":
        return "-" + normberlize(s[1:])
    s = re.sub(r"^0+([^eE])", r"\1", s)
    if re.fullmatch(r"\d+\.?\d*|\.\d+", s):
        return s
    m = re.fullmatch(r"(\d+\.?\d*|\.\d+)e([+-]?\d+)", s, flags=re.I)
    if not m:
        return "NaN"
    mant, ex = m.group(1), int(m.group(2))
    dp = mant.find(".")
    if dp == -1:
        dp = len(mant)
    dp += ex
    mant = mant.replace(".", "", 1)
    if dp < 0:
        return "." + "0" * (-dp) + mant
    if dp > len(mant):
        mant += "0" * (dp - len(mant))
    else:
        mant = mant[:dp] + "." + mant[dp:]
    return re.sub(r"^0+(.)", r"\1", re.sub(r"\.$", "", mant))


@lru_cache(maxsize=256)  # a handful of quanta, asked again and again
def _decimal_power(r: float) -> int | None:
    """p when r is 10**p for some p < 0 (0.1, 0.01, ...), else None."""
    m = re.fullmatch(r"0?\.(0*)10*", normberlize(r))
    return -len(m.group(1)) - 1 if m else None


def tidyround(x: Num, r: Num = 1) -> float:
    """Round x to the nearest multiple of r, avoiding float noise for
    r = 10^-p by going through a decimal string like the reference."""
    x, r = float(x), float(r)
    if r < 0:
        return math.nan
    if r == 0:
        return x
    y = js_round(x / r)
    p = _decimal_power(r)
    if p is None:
        return y * r
    if abs(y) < _EXACT_INTS:
        # y is a whole number printed exactly in decimal, so "<y>e<p>" is the same decimal
        # the canonical string below spells out, and float() rounds both the same way.
        return float(f"{int(y)}e{p}")
    return _tidy_via_text(y, p)


_EXACT_INTS = 2.0**53  # below this every whole float prints as its exact decimal digits


def _tidy_via_text(y: float, p: int) -> float:
    """The reference's way: through the canonical string. For |y| >= 1e21 the JS
    string is already in exponent form, the concatenation is garbage and the
    result is NaN there too."""
    canon = normberlize(f"{js_str(y)}e{p}")
    return math.nan if canon == "NaN" else float(canon)


def conservaround(x: Num, r: Num = 1, e: int = 0) -> float:
    """Round x to a multiple of r; never below x if e>0, never above if e<0.

    This is how Beebrain shows amounts that matter for staying on track, so
    the user is never told a too-small bare minimum or a too-lax hard cap.
    """
    x, r = float(x), float(r)
    y = tidyround(x, r)
    if e == 0:
        return y
    if e < 0 and y > x:
        y -= r
    if e > 0 and y < x:
        y += r
    return tidyround(y, r)


# ---------------------------------------------------------------------------
# Dates and words
# ---------------------------------------------------------------------------

_DAYSTAMP = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def dayparse(s: str | Num | None) -> float | None:
    """'YYYYMMDD' -> unixtime of that UTC midnight; numbers pass through
    (Beebrain keeps a numeric timestamp as is)."""
    if s is None:
        return None
    if isinstance(s, str):
        return _dayparse_text(s)
    return float(s)


@lru_cache(maxsize=1024)  # the same few dates on every recompute
def _dayparse_text(s: str) -> float:
    m = _DAYSTAMP.match(s)
    if not m:
        try:
            return float(s)
        except ValueError:
            return math.nan
    y, mo, d = (int(g) for g in m.groups())
    return float(calendar.timegm((y, mo, d, 0, 0, 0)))


def daysnap(t: Num) -> float:
    """Floor a unixtime to its UTC midnight."""
    return float(math.floor(float(t) / SID) * SID)


def shd(t: Num | None) -> str:
    """Show date: unixtime -> 'YYYY.MM.DD' in UTC ('null' for None)."""
    if t is None:
        return "null"
    tm = time.gmtime(math.floor(float(t)))
    return f"{tm.tm_year:d}.{tm.tm_mon:02d}.{tm.tm_mday:02d}"


def splur(n: Num, noun: str, nounp: str = "") -> str:
    """'1 day' / '3 days': count shown with shn, plural unless exactly 1."""
    if nounp == "":
        nounp = noun + "s"
    return shn(n, 10, 5) + " " + (noun if float(n) == 1 else nounp)


def title_case(s: str) -> str:
    """Capitalise each word, lowercase the rest, like the reference's
    toTitleCase (a 'word' starts at a word character and runs to the next
    whitespace)."""
    return re.sub(r"\w\S*", lambda m: m.group(0)[0].upper() + m.group(0)[1:].lower(), s)
