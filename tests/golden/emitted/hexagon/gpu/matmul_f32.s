exit 2
rewriter: error: hexagon: floating-point buffers not supported yet
