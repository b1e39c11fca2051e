"""How much of a file is shown around a change."""

from __future__ import annotations

from commitgate.git.change import ChangedFile, Hunk
from commitgate.review import prompt
from commitgate.review.scope import enclosing, spans

PY = """import os


class Cart:
    def __init__(self):
        self.items = []

    def total(self, rate):
        n = 0
        for x in self.items:
            if x > 0:
                n += x * rate
        return n


def helper():
    return 1
""".splitlines()

GO = """package main

func (s *Server) Handle(w http.ResponseWriter, r *http.Request) {
\tif r.Method != "GET" {
\t\thttp.Error(w, "no", 405)
\t}
\ts.count++
}
""".splitlines()

JS = """class A {
  load(id) {
    if (!id) {
      return null;
    }
    return db.get(id);
  }
}
""".splitlines()


def test_the_definition_that_holds_a_line() -> None:
    assert enclosing(PY, 12, 12) == (8, 13)  # the method, not the if or the loop
    assert enclosing(PY, 17, 17) == (16, 17)
    assert enclosing(PY, 1, 1) is None  # top-level code
    assert enclosing(GO, 5, 5) == (3, 8)  # with its closing brace
    assert enclosing(JS, 4, 4) == (2, 7)


def test_a_definition_too_long_is_not_shown_whole() -> None:
    long = ["def f():", *[f"    x{i} = {i}" for i in range(300)], "", "y = 1"]
    assert enclosing(long, 150, 150) is None


def test_each_mode() -> None:
    f = ChangedFile("cart.py", "modified", tuple(PY), (Hunk(12, 1, ("                n += x",)),))
    assert spans(f, "lines", 3) is None
    assert spans(f, "function", 3) == [(8, 15)]  # the method, and 3 lines after
    assert spans(f, "file", 3) == [(1, len(PY))]
    shown = prompt.render(f, 3, spans(f, "function", 3))
    assert shown[0] == "@@ lines 8-15" and "8     def total(self, rate):" in shown
    assert "12+                n += x * rate" in shown and "-                n += x" in shown
    whole = ChangedFile("new.py", "added", tuple(PY))
    assert spans(whole, "function", 3) is None  # a new file is shown whole anyway
