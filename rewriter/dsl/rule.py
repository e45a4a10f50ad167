"""`Rule` and `RuleLibrary`: rules as data, loaded from `.rules` files and checked.

A `Rule` is a declaration (name, sides, precondition, types, location, doc comment) plus its
typed instances. `load_library(paths)` reads files or folders (recursively, sorted, so rule
order — which is also the order the rewrite engine tries rules in — is deterministic),
type-checks every rule and enforces unique names across the whole library.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rewriter.dsl.parser import RuleDecl, parse_rules
from rewriter.dsl.pattern import Pattern, format_pattern
from rewriter.errors import RewriterError, SourceError, SourceLoc, TypeCheckError


@dataclass(frozen=True)
class Rule:
    decl: RuleDecl
    instances: tuple = ()
    skipped: tuple = ()  # (DType, reason) for default types it does not apply to

    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def loc(self) -> SourceLoc:
        return self.decl.loc

    @property
    def doc(self) -> str:
        return self.decl.doc

    @property
    def target(self) -> str | None:
        """The target whose instructions the right side uses (a *target rule*, e.g. an HVX
        instruction-selection rule), or None for a portable rule."""
        from rewriter.ir.ops import OPS

        for p in self.decl.rhs.walk():
            od = OPS.get(p.op) if p.kind == "op" else None
            if od is not None and od.target:
                return od.target
        return None

    def __str__(self) -> str:
        return format_rule(self.decl)


@dataclass
class RuleLibrary:
    """The portable rules (`rules`: what iterating, `len` and `instances()` see, so every
    rewriting engine and the CPU pipeline) and, kept apart, the target rules (`target_rules`:
    rules that rewrite to a target's instructions, used only by that target's selector via
    `for_target`). The verifier proves both (`all_instances()`)."""

    rules: list[Rule] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    target_rules: list[Rule] = field(default_factory=list)

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def instances(self):
        for r in self.rules:
            yield from r.instances

    def all_instances(self):
        """Every instance, portable and target rules alike (what `rewriter verify` proves)."""
        yield from self.instances()
        for r in self.target_rules:
            yield from r.instances

    def for_target(self, target: str) -> "RuleLibrary":
        """The target rules of `target` as a library of their own (the selector's rules)."""
        return RuleLibrary([r for r in self.target_rules if r.target == target], list(self.files))

    def by_name(self, name: str) -> Rule:
        for r in self.rules + self.target_rules:
            if r.name == name:
                return r
        raise KeyError(name)


def check_bindings(decl: RuleDecl, text: str | None) -> None:
    """Structural checks that need no types: a left side that is an operation, and every name
    on the right side or in the precondition bound by the left side."""
    if decl.lhs.kind != "op":
        raise TypeCheckError("the left side of a rule must be an operation, not a lone "
                             f"{'variable' if decl.lhs.kind != 'lit' else 'literal'}",
                             decl.lhs.loc or decl.loc, text)
    bound = decl.lhs.names()
    for side, what in ((decl.rhs, "right side"), (decl.pre, "precondition")):
        if side is None:
            continue
        for p in side.walk():
            if p.kind in ("var", "const") and p.name not in bound:
                raise TypeCheckError(f"'{p.name}' on the {what} is not bound by the left side",
                                     p.loc or decl.loc, text)


def build_rules(text: str, filename: str) -> list[Rule]:
    """Parse and type-check one file's text."""
    from rewriter.dsl.typecheck import instantiate_rule

    rules = []
    for decl in parse_rules(text, filename):
        instances, skipped = instantiate_rule(decl, text)
        rules.append(Rule(decl, tuple(instances), tuple(skipped)))
    return rules


def rule_files(paths) -> list[Path]:
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(p.rglob("*.rules"))
            if not found:  # an empty library would "verify" with nothing proven
                raise RewriterError(f"{p}: no .rules files in this folder")
            out.extend(found)
        elif p.is_file():
            out.append(p)
        else:
            raise RewriterError(f"{p}: no such file or directory")
    return out


def load_library(paths) -> RuleLibrary:
    lib = RuleLibrary()
    first: dict[str, Rule] = {}
    for path in rule_files(paths):
        try:
            text = path.read_text()
        except (OSError, UnicodeDecodeError) as e:
            raise RewriterError(f"{path}: cannot read: {e}") from None
        for rule in build_rules(text, str(path)):
            if rule.name in first:
                raise SourceError(f"duplicate rule name '{rule.name}' (first defined at "
                                  f"{first[rule.name].loc})", rule.loc, text)
            first[rule.name] = rule
            (lib.target_rules if rule.target else lib.rules).append(rule)
        lib.files.append(path)
    return lib


def format_rule(decl: RuleDecl) -> str:
    """One rule as `.rules` text (its doc comment above it); parses back to an equal rule."""
    head = f"rule {decl.name}"
    if decl.types is not None:
        head += f" [{', '.join(str(t) for t in decl.types)}]"
    body = f"{head}: {format_pattern(decl.lhs)} => {format_pattern(decl.rhs)}"
    if decl.pre is not None:
        body += f" if {format_pattern(decl.pre)}"
    return (f"# {decl.doc}\n" if decl.doc else "") + body


def format_rules(decls) -> str:
    return "\n\n".join(format_rule(d) for d in decls) + "\n"


def format_rules_keeping_comments(text: str, decls) -> str:
    """`rewriter fmt`: every rule in canonical form, and every comment of `text` kept where it
    was (section comments before the rule that followed them, doc comments verbatim directly
    above their rule, a comment after code on a rule's line right after the rule). Blocks are
    separated by one blank line, so no comment becomes another rule's doc. Idempotent."""
    lines = text.split("\n")
    blocks: list[str] = []
    pos = 0  # first line (0-based) not yet looked at
    for d in decls:
        start = d.loc.line - 1
        doc_from = start
        while doc_from > pos and _is_comment(lines[doc_from - 1]):
            doc_from -= 1
        blocks += _comment_groups(lines[pos:doc_from])
        rule = format_rule(RuleDecl(d.name, d.lhs, d.rhs, d.pre, d.types, d.loc, "", d.type_locs))
        doc = [ln.strip() for ln in lines[doc_from:start]]
        trailing = _trailing_comment(lines[start])
        blocks.append("\n".join(doc + [rule] + ([trailing] if trailing else [])))
        pos = start + 1
    blocks += _comment_groups(lines[pos:])
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _is_comment(line: str) -> bool:
    return line.strip().startswith("#")


def _trailing_comment(line: str) -> str:
    """The `# ...` after code on a line ('#' only starts comments in .rules files)."""
    return line[line.index("#"):].strip() if "#" in line and not _is_comment(line) else ""


def _comment_groups(lines) -> list[str]:
    """Comment lines (whole-line, or after code of a multi-line rule), grouped as blank
    lines separated them."""
    groups, cur = [], []
    for ln in lines:
        c = ln.strip() if _is_comment(ln) else _trailing_comment(ln)
        if c:
            cur.append(c)
        elif not ln.strip() and cur:
            groups.append("\n".join(cur))
            cur = []
    if cur:
        groups.append("\n".join(cur))
    return groups


__all__ = ["Rule", "RuleLibrary", "load_library", "build_rules", "format_rule", "format_rules",
           "format_rules_keeping_comments",
           "Pattern", "check_bindings"]
