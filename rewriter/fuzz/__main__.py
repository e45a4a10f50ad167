"""`python -m rewriter.fuzz ...`: exactly `rewriter fuzz ...` (the CLI prints the errors)."""
import sys

from rewriter.cli import main


def fuzz_main(argv=None) -> int:
    return main(["fuzz", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(fuzz_main())
