"""A GPU program's launches and the bank map of each shared tile: which of the 32 four-byte
banks (solver/banks.py's model) each word of a padded row falls in, so a reader sees the
padding the bank model chose shift each row's banks."""
from __future__ import annotations

from rewriter.solver.banks import BANK_BYTES, BANKS
from rewriter.viz.model import LaunchView, TileView

#: The bank map shows at most this many rows and words a row (a 34 x 130 tile is 34 x 33
#: words); of a wider row (a matmul's f32 tiles, 132 words) the first words and the last
#: `TAIL` (where the padding is), since the pattern repeats every 32 words.
MAX_ROWS, MAX_WORDS, TAIL = 34, 48, 8


def launch_views(gp, least_bytes: int = 1) -> list[LaunchView]:
    """`least_bytes`: the fewest bytes a shared element takes (4 where 8/16-bit integers
    live in 32-bit carriers, as WGSL's `var<workgroup>` arrays hold them)."""
    out = []
    for ln in gp.launches:
        tiles = tuple(tile_view(t, least_bytes) for t in ln.shared)
        out.append(LaunchView(ln.name, ln.grid, ln.block, ln.strategy,
                              sum(t.size * _elem_bytes(t, least_bytes) for t in ln.shared), tiles))
    return out


def _elem_bytes(tile, least_bytes: int) -> int:
    size = max(1, tile.dtype.bits // 8)
    return size if tile.word_bytes else max(size, least_bytes)  # a word-packed tile packs its bytes


def tile_view(tile, least_bytes: int = 1) -> TileView:
    elem = _elem_bytes(tile, least_bytes)
    row_bytes = tile.row_stride * elem
    words = -(-row_bytes // BANK_BYTES)
    bank = lambda r, w: (r * row_bytes // BANK_BYTES + w) % BANKS  # noqa: E731  (row starts may be mid-word)
    cols = tuple(range(words)) if words <= MAX_WORDS else \
        tuple(range(MAX_WORDS - TAIL)) + tuple(range(words - TAIL, words))
    shown = tuple(tuple(bank(r, w) for w in cols) for r in range(min(tile.rows, MAX_ROWS)))
    column = len({bank(r, 0) for r in range(min(tile.rows, BANKS))})
    return TileView(tile.name, str(tile.dtype), tile.rows, tile.cols, tile.pad, elem, words, cols, shown,
                    -(-tile.cols * elem // BANK_BYTES), column)
