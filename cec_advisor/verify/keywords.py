"""The ``-k`` expressions of ``cec-advisor test``, as pytest takes them: words, and, or, not, parentheses.

Grammar (``or`` binds loosest; a word matches a test id that contains it, ignoring case)::

    expression := either?
    either     := both ("or" both)*
    both       := negation ("and" negation)*
    negation   := "not" negation | "(" either ")" | word
    word       := any run of characters other than white space, "(" and ")",
                  except the keywords and, or, not

The scanner (:func:`scan`) cuts the text into tokens; the parser
(:class:`_Parser`) builds a matcher from them by recursive descent. ``not`` and
``(`` may nest at most :data:`MAX_KEYWORD_NESTING` deep, so a hostile
expression is a usage error rather than a recursion error.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from cec_advisor.errors import UserError

__all__ = ["MAX_KEYWORD_NESTING", "Matcher", "keyword_matcher", "scan"]

MAX_KEYWORD_NESTING = 64
"""Most ``not`` and ``(`` a ``-k`` expression may nest (the parser recurses once for each)."""

Matcher = Callable[[str], bool]
"""Whether a test id (``rule::case``) is selected."""

_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def scan(expression: str) -> list[str]:
    """The tokens of ``expression``: ``(``, ``)`` and the words between white space and parentheses."""
    return _TOKEN.findall(expression)


class _Parser:
    """Recursive descent over the tokens of one expression; ``shown`` names it in errors."""

    def __init__(self, tokens: list[str], shown: str) -> None:
        self.tokens = tokens
        self.position = 0
        self.depth = 0
        self.shown = shown

    def fail(self, problem: str) -> UserError:
        """The usage error for this expression: ``-k '...': problem``."""
        return UserError(f"-k {self.shown}: {problem}")

    def peek(self) -> str | None:
        """The next token, not taken (``None`` at the end)."""
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self) -> str:
        """The next token, taken; an error when the expression has ended."""
        if self.position >= len(self.tokens):
            raise self.fail("the expression ends too early")
        self.position += 1
        return self.tokens[self.position - 1]

    def whole(self) -> Matcher:
        """The matcher of every token; an error when tokens are left over."""
        matcher = self.either()
        if self.position != len(self.tokens):
            raise self.fail(f"unexpected {self.tokens[self.position]!r}")
        return matcher

    def either(self) -> Matcher:
        """``both ("or" both)*``."""
        parts = [self.both()]
        while self.peek() == "or":
            self.take()
            parts.append(self.both())
        return lambda name: any(part(name) for part in parts)

    def both(self) -> Matcher:
        """``negation ("and" negation)*``."""
        parts = [self.negation()]
        while self.peek() == "and":
            self.take()
            parts.append(self.negation())
        return lambda name: all(part(name) for part in parts)

    def negation(self) -> Matcher:
        """``"not" negation | "(" either ")" | word``."""
        if self.peek() == "not":
            self.take()
            inner = self.nested(self.negation)
            return lambda name: not inner(name)
        token = self.take()
        if token == "(":
            inner = self.nested(self.either)
            if self.peek() != ")":
                raise self.fail("a ( is not closed")
            self.take()
            return inner
        if token in ("and", "or", ")"):
            raise self.fail(f"unexpected {token!r}")
        word = token.lower()
        return lambda name: word in name.lower()

    def nested(self, parse: Callable[[], Matcher]) -> Matcher:
        """``parse()`` one level deeper; an error beyond :data:`MAX_KEYWORD_NESTING`."""
        self.depth += 1
        if self.depth > MAX_KEYWORD_NESTING:
            raise self.fail(f"nests 'not' and '(' more than {MAX_KEYWORD_NESTING} deep")
        try:
            return parse()
        finally:
            self.depth -= 1


def keyword_matcher(expression: str) -> Matcher:
    """A ``-k`` matcher like pytest's: words match as substrings (case-insensitive), with and / or / not / ().

    An empty expression selects everything. Raises :class:`UserError` for an
    expression that does not parse or nests deeper than :data:`MAX_KEYWORD_NESTING`.
    """
    tokens = scan(expression)
    if not tokens:
        return lambda _: True
    shown = repr(expression if len(expression) <= 60 else expression[:57] + "...")
    return _Parser(tokens, shown).whole()
