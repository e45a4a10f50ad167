"""Turn tinygrad's symbolic unit tests into data: tests/corpus/symbolic/cases.txt.

Source: tinygrad test/null/test_uop_symbolic.py at commit
0c3260d5d9aa0b81ec44fc7f9052a7ab25f22df1 (2026-04-23), the last version before
34fe37d ("use FLOORDIV and FLOORMOD", 2026-05-05) switched `//` and `%` to floor division;
at this commit they truncate (C), like our idx `/` and `%`.

No tinygrad code is copied or imported: each test method's statements are run one by one
against stand-ins (`Sym`) that only record the expression as text in our syntax, so a
`helper_test_variable(expr, lo, hi, "expected")` call becomes one line of data:
    name ;; expr ;; vars ;; expected
Statements the stand-ins cannot express (casts, ranges with symbolic ends, pointer ops,
floats, z3 helpers) are skipped; the skipped count is printed.

    git -C tinygrad show 0c3260d5d9aa0b81ec44fc7f9052a7ab25f22df1:test/null/test_uop_symbolic.py > /tmp/t.py
    python scripts/port_tinygrad_symbolic.py /tmp/t.py > tests/corpus/symbolic/cases.txt
(288 cases, 31 calls skipped; the output is byte-identical to the committed file.)
"""
from __future__ import annotations

import ast
import functools
import sys

COMMIT = "0c3260d5d9aa0b81ec44fc7f9052a7ab25f22df1"


class Unsupported(Exception):
    pass


class DT:
    def __init__(self, name):
        self.name = name


_TYPES = {"weakint": "idx", "index": "idx", "int": "i32", "int32": "i32", "long": "i64", "int64": "i64",
          "uint32": "u32", "uint": "u32", "bool": "bool"}


class _Dtypes:
    def __getattr__(self, n):
        if n in _TYPES:
            return DT(_TYPES[n])
        raise Unsupported(f"dtype {n}")


class Sym:
    """An expression as fully parenthesized text in the rule syntax, with its kind."""

    def __init__(self, text, kind, names=frozenset()):
        self.text, self.kind, self.names = text, kind, names

    @staticmethod
    def lift(v):
        if isinstance(v, Sym):
            return v
        if isinstance(v, bool):
            return Sym("true" if v else "false", "bool")
        if isinstance(v, int):
            return Sym(str(v), "int")
        raise Unsupported(f"operand {v!r}")

    def _bin(self, op, o, kind=None, swap=False):
        a, b = (Sym.lift(o), self) if swap else (self, Sym.lift(o))
        return Sym(f"({a.text} {op} {b.text})", kind or a.kind if a.kind != "int" or b.kind == "int" else b.kind,
                   a.names | b.names)

    def __add__(self, o): return self._bin("+", o)
    def __radd__(self, o): return self._bin("+", o, swap=True)
    def __sub__(self, o): return self._bin("-", o)
    def __rsub__(self, o): return self._bin("-", o, swap=True)

    def __mul__(self, o, swap=False):
        o = Sym.lift(o)
        if self.kind == "bool" and o.kind == "bool":
            return self._bin("&&", o, "bool", swap)
        return self._bin("*", o, swap=swap)

    def __rmul__(self, o): return self.__mul__(o, swap=True)
    def __floordiv__(self, o): return self._bin("/", o)
    def __rfloordiv__(self, o): return self._bin("/", o, swap=True)
    def __mod__(self, o): return self._bin("%", o)
    def __rmod__(self, o): return self._bin("%", o, swap=True)
    def __neg__(self): return Sym(f"(-{self.text})", self.kind, self.names)
    def __lt__(self, o): return self._bin("<", o, "bool")
    def __gt__(self, o): return Sym.lift(o)._bin("<", self, "bool")
    def __le__(self, o): return self._bin("<=", o, "bool")
    def __ge__(self, o): return Sym.lift(o)._bin("<=", self, "bool")
    def __ne__(self, o): return self._bin("!=", o, "bool")
    def __eq__(self, o): return self._bin("==", o, "bool")
    __hash__ = object.__hash__

    def __and__(self, o): return self._bin("&&" if self.kind == "bool" else "&", o)
    def __or__(self, o): return self._bin("||" if self.kind == "bool" else "|", o)
    def __xor__(self, o): return self._bin("!=" if self.kind == "bool" else "^", o)
    __rand__, __ror__ = __and__, __or__

    def ne(self, o): return self.__ne__(o)
    def eq(self, o): return self.__eq__(o)
    def maximum(self, o): o = Sym.lift(o); return Sym(f"max({self.text}, {o.text})", self.kind, self.names | o.names)
    def minimum(self, o): o = Sym.lift(o); return Sym(f"min({self.text}, {o.text})", self.kind, self.names | o.names)
    def logical_not(self): return Sym(f"(!{self.text})", "bool", self.names)

    def where(self, a, b):
        a, b = Sym.lift(a), Sym.lift(b)
        return Sym(f"where({self.text}, {a.text}, {b.text})", a.kind, self.names | a.names | b.names)

    def __getattr__(self, n):
        raise Unsupported(f"method {n}")

    def __bool__(self):
        raise Unsupported("truth value")


class Env:
    def __init__(self):
        self.vars: dict[str, tuple[int, int, str]] = {}
        self.cases: list[tuple[str, str, str, str]] = []
        self.skipped = 0
        self.method = ""

    def variable(self, name, lo, hi, dtype=DT("idx")):
        if not (isinstance(lo, int) and isinstance(hi, int)) or dtype.name == "bool":
            raise Unsupported("non-int variable")
        # Uppercase names are constant symbols in our syntax: variables are lowercased.
        name = name.lower()
        self.vars[name] = (lo, hi, dtype.name)
        return Sym(name, "int", frozenset([name]))

    def decls(self, s: Sym) -> str:
        return " ".join(f"{n}:{self.vars[n][2]}={self.vars[n][0]}..{self.vars[n][1]}" for n in sorted(s.names))


def main(path):
    env = Env()
    tree = ast.parse(open(path).read())

    class UOpNS:
        variable = staticmethod(env.variable)

        @staticmethod
        def const(dtype, v):
            return Sym.lift(v)

        @staticmethod
        def range(end, rid, *a):
            if not isinstance(end, int):
                raise Unsupported("symbolic range end")
            return env.variable(f"r{rid}", 0, end - 1)

    class Self:
        def helper_test_variable(self, v, n, m, s, test_z3=True):
            v = Sym.lift(v)
            names = {k: Sym(k, "int", frozenset([k])) for k in env.vars}
            names.update({k.upper(): v for k, v in names.items()})
            exp = Sym.lift(eval(s.replace("True", "true_").replace("False", "false_"),
                                {**names, "true_": True, "false_": False, "max": None}))
            if exp.names - v.names:
                raise Unsupported("expected form names new variables")
            if any(env.vars[k][2] != "idx" for k in v.names):
                raise Unsupported("fixed-width variable")
            env.cases.append((env.method, v.text, env.decls(v), exp.text))

        def __getattr__(self, n):
            raise Unsupported(n)

    base = {"Variable": lambda name, lo, hi, dtype=DT("idx"): env.variable(name, lo, hi, dtype),
            "uconst": Sym.lift, "usum": lambda ops: functools.reduce(lambda x, y: x + y, ops),
            "uand": lambda ops: functools.reduce(lambda x, y: x * y, ops), "UOp": UOpNS,
            "dtypes": _Dtypes(), "self": Self(), "range": range, "Invalid": None}
    for cls in tree.body:
        if not isinstance(cls, ast.ClassDef) or not cls.name.startswith("TestSymbolic"):
            continue
        for fn in cls.body:
            if not isinstance(fn, ast.FunctionDef) or not fn.name.startswith("test"):
                continue
            env.method, env.vars = f"{cls.name}.{fn.name}", {}
            ns = dict(base)
            for stmt in fn.body:
                if not isinstance(stmt, (ast.Assign, ast.Expr)):
                    continue
                calls = "helper_test_variable" in ast.unparse(stmt)
                try:
                    exec(compile(ast.Module([stmt], []), path, "exec"), ns)
                except Exception:  # noqa: BLE001 - a stand-in could not express it: skip
                    env.skipped += calls
    print(f"# tinygrad symbolic tests as data: tinygrad commit {COMMIT},")
    print("# test/null/test_uop_symbolic.py (C division; see scripts/port_tinygrad_symbolic.py).")
    print("# test name ;; expression ;; variables ;; tinygrad's simplified form")
    for c in env.cases:
        print(" ;; ".join(c))
    print(f"{len(env.cases)} cases, {env.skipped} skipped", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1])
