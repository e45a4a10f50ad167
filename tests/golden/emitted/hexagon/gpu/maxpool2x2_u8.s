exit 2
rewriter: error: hexagon: the window inp[<UOp (dy + y * 2) * 8192 + (dx + x * 2) : idx>] (2x2, stride 2, 128-byte rows) not supported yet
