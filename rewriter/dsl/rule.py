"""`Rule` and `RuleLibrary`: rules as data, loaded from `.rules` files and checked.

A `Rule` is a declaration (name, sides, precondition, types, location, doc comment), its
typed instances and its *scope*. `load_library(paths)` reads files or folders, type-checks
every rule and enforces unique names across the whole library.

Scope (which pipelines apply a rule) is declared per file: `scope portable` (the default
when a file declares none) or `scope TARGET`, TARGET the name of a registered target (the
registry, `rewriter/targets/`, checks that it is one where a library is used). Portable rules
are target-neutral facts every simplifier applies; a target's rules (HVX instruction
selection, the WebGPU emitter's certificates, CUDA strength reductions) are applied only
by that target's lowering. `scope TARGET-expand` holds a target's *expansions*: rules its
selector applies only at a node no single instruction covers (a 32-bit product on HVX is
two multiplies), never while normalizing, where they would break up the larger patterns
other rules look for (a vrmpy's four byte products). `scope TARGET-regroup` holds rules its
selector applies only to sums it builds four lanes or taps at a time (a lone byte product
as a zero-padded vrmpy lane). A portable rule may not use a target's instructions (`hvx.*`
ops), nor a target's rule another target's: both are errors at the op.

Priority (which rule wins where several match) is the library order: earlier wins. Files
given one by one keep the order they are given in; a folder's files are in the order its
manifest `ORDER` lists them (`read_manifest`); within a file, rules keep file order. A
folder with several `.rules` files and no manifest, or a manifest that misses a file or
names one that is not there, is an error: renaming a file can never silently change which
rule wins.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from rewriter.dsl.parser import RuleDecl, parse_rule_file
from rewriter.dsl.pattern import Pattern, format_pattern
from rewriter.dsl.source import read_source
from rewriter.dsl.typecheck import check_bindings, instantiate_rule  # check_bindings: re-exported
from rewriter.errors import RewriterError, SourceError, SourceLoc
from rewriter.ir.ops import OPS
from rewriter.limits import Limits

#: The scope of a file that declares none: rules every pipeline applies.
PORTABLE = "portable"
#: The suffix of a target's expansion scope (`scope hexagon-expand`).
EXPAND = "-expand"
#: The suffix of a target's regrouping scope (`scope hexagon-regroup`): rules its selector
#: applies only to a sum it has written four lanes or taps at a time.
REGROUP = "-regroup"
#: The scope suffixes a target's rule file may declare after the target's name.
SCOPE_SUFFIXES = (EXPAND, REGROUP)
#: The infix of a target's *choice* scopes (`scope hexagon-choice-vtmpy`): each such file is
#: one named alternative the target's search may apply on top of its rules or not (the
#: global scheduler compiles both and keeps the faster, or lets the solver pick per copy).
CHOICE = "-choice-"


def scope_target(scope: str) -> str:
    """The target a scope belongs to (`hexagon` for hexagon, hexagon-expand,
    hexagon-regroup and every hexagon-choice-NAME); a portable scope is its own."""
    if CHOICE in scope:
        return scope.split(CHOICE, 1)[0]
    for suffix in SCOPE_SUFFIXES:
        if scope.endswith(suffix):
            return scope.removesuffix(suffix)
    return scope
#: The name of a rule folder's priority manifest.
MANIFEST = "ORDER"


@dataclass(frozen=True)
class Rule:
    decl: RuleDecl
    instances: tuple = ()
    skipped: tuple = ()  # (DType, reason) for default types it does not apply to
    scope: str = PORTABLE  # PORTABLE or a target's name, as the rule's file declares
    scope_loc: SourceLoc | None = None  # where the file declares it (None: by default)

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
        """The target whose lowering alone applies this rule, or None for a portable rule."""
        return None if self.scope == PORTABLE else self.scope

    def __str__(self) -> str:
        return format_rule(self.decl)


@dataclass
class RuleLibrary:
    """Rules in priority order (earlier wins), and the scope they are applied in.

    `rules` are the rules this library *applies*: what iterating, `len` and `instances()`
    see, so what a `Rewriter` or `SaturatingRewriter` built over it uses. A library from
    `load_library` applies its portable rules; these views pick another set, all in the
    library's priority order:

      `portable()`          the portable rules (the target-neutral simplifier);
      `for_target(name)`    the portable rules and `name`'s rules (that target's lowering);
      `target_rules(name)`  only `name`'s rules (a selector pass after the portable one,
                            e.g. Hexagon's instruction selection).

    `all_rules()` / `all_instances()` are every rule of every scope (what `rewriter verify`
    proves and `rewriter lint` checks); `targets` the target scopes the library has.
    """

    rules: list[Rule] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    every: list[Rule] | None = None  # every loaded rule, all scopes; None: just `rules`

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def instances(self):
        for r in self.rules:
            yield from r.instances

    def all_rules(self) -> list[Rule]:
        """Every rule of every scope, in priority order."""
        return list(self.rules if self.every is None else self.every)

    def all_instances(self):
        """Every instance of every scope (what `rewriter verify` proves)."""
        for r in self.all_rules():
            yield from r.instances

    @property
    def targets(self) -> list[str]:
        """The target scopes that have rules, in the order their first rule comes."""
        return list(dict.fromkeys(r.scope for r in self.all_rules() if r.scope != PORTABLE))

    def _view(self, *scopes: str) -> "RuleLibrary":
        return RuleLibrary([r for r in self.all_rules() if r.scope in scopes], list(self.files),
                           self.all_rules())

    def portable(self) -> "RuleLibrary":
        """The portable rules: what a target-neutral simplifier applies."""
        return self._view(PORTABLE)

    def for_target(self, target: str) -> "RuleLibrary":
        """The portable rules and `target`'s, in priority order: what `target`'s lowering
        applies (for a target without rules, such as cpu, the portable rules)."""
        return self._view(PORTABLE, target)

    def target_rules(self, target: str) -> "RuleLibrary":
        """Only `target`'s rules, in priority order (e.g. the Hexagon selector's library)."""
        return self._view(target)

    def choices(self, target: str) -> dict[str, "RuleLibrary"]:
        """`target`'s choice scopes (`scope TARGET-choice-NAME`): NAME -> its rules, in
        priority order (the order of the files in the manifest)."""
        prefix = target + CHOICE
        names = dict.fromkeys(r.scope.removeprefix(prefix) for r in self.all_rules() if r.scope.startswith(prefix))
        return {name: self._view(prefix + name) for name in names}

    def by_name(self, name: str) -> Rule:
        for r in self.all_rules():
            if r.name == name:
                return r
        raise KeyError(name)


def file_scope(declared: str | None, loc: SourceLoc | None, text: str) -> str:
    """The scope a file's `scope NAME` declares (PORTABLE when it declares none)."""
    if declared is None:
        return PORTABLE
    return declared


def check_scope(decl: RuleDecl, scope: str, text: str | None) -> None:
    """A rule may use a target's instructions (ops whose `OpDef.target` is set, `hvx.*`) only
    in a file scoped to that target."""
    for side in (decl.lhs, decl.rhs, decl.pre):
        for p in side.walk() if side is not None else ():
            od = OPS.get(p.op) if p.kind == "op" else None
            if od is None or not od.target or od.target == scope_target(scope):
                continue
            where = ("a portable rule" if scope == PORTABLE else f"a rule of scope '{scope}'")
            raise SourceError(f"'{p.op}' is a {od.target} instruction, not allowed in {where}: "
                              f"put the rule in a file that declares 'scope {od.target}'",
                              p.loc or decl.loc, text)


def build_rules(text: str, filename: str, limits: Limits = Limits()) -> list[Rule]:
    """Parse and type-check one file's text; each rule carries the file's scope."""
    parsed = parse_rule_file(text, filename, limits)
    scope = file_scope(parsed.scope, parsed.scope_loc, text)
    rules = []
    for decl in parsed.rules:
        check_scope(decl, scope, text)
        instances, skipped = instantiate_rule(decl, text)
        rules.append(Rule(decl, tuple(instances), tuple(skipped), scope, parsed.scope_loc))
    return rules


def read_manifest(folder: Path) -> list[Path]:
    """The `.rules` files of `folder` (searched recursively) in the priority order its
    manifest `folder/ORDER` gives: one path per line, relative to the folder, highest
    priority first; `#` starts a comment. Every `.rules` file must be listed exactly once
    and every listed path must be a `.rules` file (errors at `ORDER:line:col`). A folder
    holding a single `.rules` file needs no manifest."""
    found = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.rules"))
    if not found:  # an empty library would "verify" with nothing proven
        raise RewriterError(f"{folder}: no .rules files in this folder")
    manifest = folder / MANIFEST
    if not manifest.is_file():
        if len(found) == 1:
            return [folder / found[0]]
        listing = "".join(f"\n    {f}" for f in found)
        raise RewriterError(f"{folder}: {len(found)} .rules files and no {manifest} to give their "
                            f"priority: write {manifest} listing them, one a line, the file whose "
                            f"rules win first, e.g.{listing}")
    text = read_source(manifest)
    listed: dict[str, SourceLoc] = {}
    for n, line in enumerate(text.split("\n"), 1):
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        loc = SourceLoc(str(manifest), n, line.index(entry) + 1)
        if entry in listed:
            raise SourceError(f"'{entry}' is listed twice (first at {listed[entry]})", loc, text)
        if not entry.endswith(".rules"):
            raise SourceError(f"'{entry}' is not a .rules file", loc, text)
        listed[entry] = loc
    unlisted = [f for f in found if f not in listed]
    for entry, loc in listed.items():
        if entry not in found:
            hint = f": {', '.join(unlisted)} is there but not listed here" if unlisted else ""
            raise SourceError(f"'{entry}': no such file in {folder} (renamed or removed?){hint}",
                              loc, text)
    if unlisted:
        end = text.rstrip("\n").count("\n") + 1
        raise SourceError(f"{', '.join(unlisted)} in {folder} but not listed here: add "
                          f"{'it' if len(unlisted) == 1 else 'each'} where its rules should rank "
                          "(earlier lines win)", SourceLoc(str(manifest), end, 1), text)
    return [folder / f for f in listed]


def rule_files(paths) -> list[Path]:
    """The files of `paths` in priority order: files as given, folders by their manifest."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(read_manifest(p))
        elif p.is_file():
            out.append(p)
        else:
            raise RewriterError(f"{p}: no such file or directory")
    return out


def load_library(paths, limits: Limits = Limits()) -> RuleLibrary:
    """Every rule of `paths` (priority order: `rule_files`), as a library that applies its
    portable rules (`RuleLibrary` for the other views). `limits` bounds what the parser
    accepts (rewriter.limits)."""
    every: list[Rule] = []
    files: list[Path] = []
    first: dict[str, Rule] = {}
    for path in rule_files(paths):
        text = read_source(path)
        for rule in build_rules(text, str(path), limits):
            if rule.name in first:
                raise SourceError(f"duplicate rule name '{rule.name}' (first defined at "
                                  f"{first[rule.name].loc})", rule.loc, text)
            first[rule.name] = rule
            every.append(rule)
        files.append(path)
    return RuleLibrary([r for r in every if r.scope == PORTABLE], files, every)


def format_rule(decl: RuleDecl) -> str:
    """One rule as `.rules` text (its doc comment above it); parses back to an equal rule."""
    head = f"rule {decl.name}"
    if decl.types is not None:
        head += f" [{', '.join(decl.type_names or [str(t) for t in decl.types])}]"
    body = f"{head}: {format_pattern(decl.lhs)} => {format_pattern(decl.rhs)}"
    if decl.pre is not None:
        body += f" if {format_pattern(decl.pre)}"
    if decl.source:
        body += f' from "{decl.source}"'
    return (f"# {decl.doc}\n" if decl.doc else "") + body


def format_rules(decls, scope: str | None = None) -> str:
    """Rules as a `.rules` file, headed by `scope NAME` when `scope` is given."""
    return "\n\n".join(([f"scope {scope}"] if scope else []) + [format_rule(d) for d in decls]) + "\n"


def format_rules_keeping_comments(text: str, decls) -> str:
    """`rewriter fmt`: every rule in canonical form, and every comment of `text` kept where it
    was (section comments before the rule that followed them, doc comments verbatim directly
    above their rule, a comment after code on a rule's line right after the rule; the `scope`
    declaration where it was). Blocks are
    separated by one blank line, so no comment becomes another rule's doc. Idempotent."""
    lines = text.split("\n")
    blocks: list[str] = []
    pos = 0  # first line (0-based) not yet looked at
    parsed = parse_rule_file(text, "<fmt>")
    if parsed.scope_loc is not None:  # `scope NAME`: a block of its own, where it was
        at = parsed.scope_loc.line - 1
        blocks += _comment_groups(lines[pos:at])
        trailing = _trailing_comment(lines[at])
        blocks.append("\n".join([f"scope {parsed.scope}"] + ([trailing] if trailing else [])))
        pos = at + 1
    for d in decls:
        start = d.loc.line - 1
        doc_from = start
        while doc_from > pos and _is_comment(lines[doc_from - 1]):
            doc_from -= 1
        blocks += _comment_groups(lines[pos:doc_from])
        rule = format_rule(replace(d, doc=""))
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


__all__ = ["Rule", "RuleLibrary", "load_library", "build_rules", "read_manifest", "rule_files",
           "PORTABLE", "MANIFEST", "CHOICE", "format_rule", "format_rules",
           "format_rules_keeping_comments",
           "Pattern", "check_bindings"]


def read_rule_text(path) -> str:
    """A rule file's text, as every command reads it (rewriter.dsl.source.read_source)."""
    return read_source(path)
