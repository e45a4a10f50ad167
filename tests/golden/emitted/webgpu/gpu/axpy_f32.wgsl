exit 2
rewriter: error: buffer 'x' (268435456 bytes) exceeds WebGPU's default 134217728-byte storage binding (no splitting yet)
