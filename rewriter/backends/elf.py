"""Reading the symbol table of an ELF32 little-endian relocatable object (what llvm-mc and
LLVM's Hexagon backend write): which symbols it defines and which it needs. The Hexagon
baseline (`hexagon_llvm.py`) and the runtime's linker step (`runtime/hexagon.py`) both ask."""
from __future__ import annotations

from dataclasses import dataclass

from rewriter.errors import RewriterError


def is_elf(code: str | bytes) -> bool:
    return isinstance(code, (bytes, bytearray)) and bytes(code[:4]) == b"\x7fELF"


_SHT_SYMTAB = 2
_STB_GLOBAL, _STB_WEAK = 1, 2


@dataclass(frozen=True)
class ElfSymbol:
    name: str
    defined: bool  # section index is not SHN_UNDEF
    is_global: bool  # binding GLOBAL or WEAK (visible to the linker)


def elf_symbols(obj: bytes) -> list[ElfSymbol]:
    """The named symbols of an ELF32 little-endian relocatable object's symbol table."""
    if not is_elf(obj) or len(obj) < 52 or obj[4] != 1 or obj[5] != 1:
        raise RewriterError("not an ELF32 little-endian object")
    shoff = int.from_bytes(obj[32:36], "little")
    shentsize, shnum = int.from_bytes(obj[46:48], "little"), int.from_bytes(obj[48:50], "little")

    def section(i: int) -> tuple[int, int, int, int]:  # sh_type, sh_offset, sh_size, sh_link
        h = obj[shoff + i * shentsize: shoff + (i + 1) * shentsize]
        f = [int.from_bytes(h[k:k + 4], "little") for k in range(0, 40, 4)]
        return f[1], f[4], f[5], f[6]

    out = []
    for i in range(shnum):
        typ, off, size, link = section(i)
        if typ != _SHT_SYMTAB:
            continue
        str_off = section(link)[1]
        for e in range(off + 16, off + size, 16):  # Elf32_Sym is 16 bytes; entry 0 is null
            name_at = int.from_bytes(obj[e:e + 4], "little")
            if not name_at:
                continue
            name = obj[str_off + name_at:obj.index(b"\0", str_off + name_at)].decode()
            shndx = int.from_bytes(obj[e + 14:e + 16], "little")
            out.append(ElfSymbol(name, shndx != 0, obj[e + 12] >> 4 in (_STB_GLOBAL, _STB_WEAK)))
    return out


def undefined_symbols(obj: bytes) -> list[str]:
    """Names the object uses but does not define, sorted."""
    return sorted({s.name for s in elf_symbols(obj) if not s.defined})
