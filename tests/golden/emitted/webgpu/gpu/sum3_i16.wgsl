exit 2
rewriter: error: buffer 'x' (134217732 bytes) exceeds WebGPU's default 134217728-byte storage binding (no splitting yet)
