exit 2
rewriter: error: hexagon: a stencil into out: i32[4096, 4096] (rows of 128 words, a sum) not supported yet
