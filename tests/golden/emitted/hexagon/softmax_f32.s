exit 2
rewriter: error: hexagon: 3 stores in one kernel not supported yet
