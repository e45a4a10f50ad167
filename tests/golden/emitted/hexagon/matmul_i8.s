# versus LLVM -O3: 311751 packets on QEMU, ours 2563 (random_inputs seed 0): ours kept
	.text
	.globl	matmul_i8
	.type	matmul_i8,@function
	.p2align	4
matmul_i8:
	{ r3 = #-1; r4 = #-2; r5 = #-64; r8 = #8 }
	{ loop0(.Lmatmul_i8_loop,r8) }
.Lmatmul_i8_loop:
	{ r8 = add(r1,#0); r9 = add(r0,#0) }
	{ r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ r10 = memw(r9+#256); r11 = memw(r9+#320); v0 = vsplat(r10); v1 = vsplat(r11) }
	{ r12 = memw(r9+#384); r13 = memw(r9+#448); v2 = vsplat(r12); v3 = vsplat(r13) }
	{ v4 = vsplat(r10); v5 = vsplat(r11); v6 = vmem(r8+#0); r9 = add(r9,#4) }
	{ v7 = vsplat(r12); v8 = vsplat(r13); v9 = vmem(r8+#1); r8 = add(r8,#256) }
	{ r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v11:10 = vshuff(v9,v6,r5); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ r10 = memw(r9+#256); r11 = memw(r9+#320); v6 = vsplat(r10); v9 = vsplat(r11) }
	{ v11:10 = vshuff(v11,v10,r3); r12 = memw(r9+#384); r14 = memw(r9+#448); v12 = vsplat(r12) }
	{ v13 = vsplat(r13); v14 = vsplat(r10); v15 = vmem(r8+#0) }
	{ v11:10 = vshuff(v11,v10,r4); v16 = vsplat(r11); v17 = vsplat(r12) }
	{ v18 = vsplat(r14); v19 = vmem(r8+#1) }
	{ v0.w = vrmpy(v0.b,v10.b); v20.w = vrmpy(v0.b,v11.b) }
	{ v1.w = vrmpy(v1.b,v10.b); v15.w = vrmpy(v1.b,v11.b); v23:22 = vshuff(v19,v15,r5) }
	{ v2.w = vrmpy(v2.b,v10.b); v19.w = vrmpy(v2.b,v11.b) }
	{ v3.w = vrmpy(v3.b,v10.b); v21.w = vrmpy(v3.b,v11.b); v23:22 = vshuff(v23,v22,r3) }
	{ v4.w = vrmpy(v4.b,v10.b); v24.w = vrmpy(v4.b,v11.b) }
	{ v5.w = vrmpy(v5.b,v10.b); v22.w = vrmpy(v5.b,v11.b); v27:26 = vshuff(v23,v22,r4) }
	{ v7.w = vrmpy(v7.b,v10.b); v23.w = vrmpy(v7.b,v11.b) }
	{ v8.w = vrmpy(v8.b,v10.b); v10.w = vrmpy(v8.b,v11.b) }
	{ v0.w += vrmpy(v6.b,v26.b); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v20.w += vrmpy(v6.b,v27.b); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v1.w += vrmpy(v9.b,v26.b); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v15.w += vrmpy(v9.b,v27.b); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v2.w += vrmpy(v12.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v19.w += vrmpy(v12.b,v27.b); v6 = vmem(r8+#0) }
	{ v3.w += vrmpy(v13.b,v26.b); v9 = vmem(r8+#1) }
	{ v21.w += vrmpy(v13.b,v27.b) }
	{ v4.w += vrmpy(v14.b,v26.b); v13:12 = vshuff(v9,v6,r5) }
	{ v24.w += vrmpy(v14.b,v27.b) }
	{ v5.w += vrmpy(v16.b,v26.b); v13:12 = vshuff(v13,v12,r3) }
	{ v22.w += vrmpy(v16.b,v27.b) }
	{ v7.w += vrmpy(v17.b,v26.b); v13:12 = vshuff(v13,v12,r4) }
	{ v23.w += vrmpy(v17.b,v27.b) }
	{ v8.w += vrmpy(v18.b,v26.b) }
	{ v10.w += vrmpy(v18.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v14 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v16 = vsplat(r14); v17 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v18 = vsplat(r28); v25 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v12.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v13.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v12.b); v26 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v13.b) }
	{ v2.w += vrmpy(v11.b,v12.b); v27:26 = vshuff(v26,v6,r5) }
	{ v19.w += vrmpy(v11.b,v13.b) }
	{ v3.w += vrmpy(v14.b,v12.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v14.b,v13.b) }
	{ v4.w += vrmpy(v16.b,v12.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v16.b,v13.b) }
	{ v5.w += vrmpy(v17.b,v12.b) }
	{ v22.w += vrmpy(v17.b,v13.b) }
	{ v7.w += vrmpy(v18.b,v12.b) }
	{ v23.w += vrmpy(v18.b,v13.b) }
	{ v8.w += vrmpy(v25.b,v12.b) }
	{ v10.w += vrmpy(v25.b,v13.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v26.b); r28 = memw(r9+#384); r6 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v27.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v26.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v27.b) }
	{ v2.w += vrmpy(v11.b,v26.b); v29:28 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v27.b) }
	{ v3.w += vrmpy(v12.b,v26.b); v29:28 = vshuff(v29,v28,r3) }
	{ v21.w += vrmpy(v12.b,v27.b) }
	{ v4.w += vrmpy(v13.b,v26.b); v29:28 = vshuff(v29,v28,r4) }
	{ v24.w += vrmpy(v13.b,v27.b) }
	{ v5.w += vrmpy(v14.b,v26.b) }
	{ v22.w += vrmpy(v14.b,v27.b) }
	{ v7.w += vrmpy(v16.b,v26.b) }
	{ v23.w += vrmpy(v16.b,v27.b) }
	{ v8.w += vrmpy(v17.b,v26.b) }
	{ v10.w += vrmpy(v17.b,v27.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v11 = vsplat(r12); v12 = vsplat(r13); r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ v13 = vsplat(r14); v14 = vsplat(r15); r12 = memw(r9+#128); r13 = memw(r9+#192) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); r14 = memw(r9+#256); r15 = memw(r9+#320) }
	{ v0.w += vrmpy(v6.b,v28.b); r9 = memw(r9+#384); r28 = memw(r9+#448) }
	{ v20.w += vrmpy(v6.b,v29.b); v6 = vmem(r8+#0) }
	{ v1.w += vrmpy(v9.b,v28.b); v18 = vmem(r8+#1) }
	{ v15.w += vrmpy(v9.b,v29.b) }
	{ v2.w += vrmpy(v11.b,v28.b); v27:26 = vshuff(v18,v6,r5) }
	{ v19.w += vrmpy(v11.b,v29.b) }
	{ v3.w += vrmpy(v12.b,v28.b); v27:26 = vshuff(v27,v26,r3) }
	{ v21.w += vrmpy(v12.b,v29.b) }
	{ v4.w += vrmpy(v13.b,v28.b); v27:26 = vshuff(v27,v26,r4) }
	{ v24.w += vrmpy(v13.b,v29.b) }
	{ v5.w += vrmpy(v14.b,v28.b) }
	{ v22.w += vrmpy(v14.b,v29.b) }
	{ v7.w += vrmpy(v16.b,v28.b) }
	{ v23.w += vrmpy(v16.b,v29.b) }
	{ v8.w += vrmpy(v17.b,v28.b) }
	{ v10.w += vrmpy(v17.b,v29.b) }
	{ v6 = vsplat(r10); v9 = vsplat(r11); r8 = add(r2,#2048) }
	{ v11 = vsplat(r12); v12 = vsplat(r13) }
	{ v13 = vsplat(r14); v14 = vsplat(r15) }
	{ v16 = vsplat(r9); v17 = vsplat(r28) }
	{ v0.w += vrmpy(v6.b,v26.b); r0 = add(r0,#512) }
	{ v20.w += vrmpy(v6.b,v27.b) }
	{ v1.w += vrmpy(v9.b,v26.b); vmem(r2+#0) = v0 }
	{ v15.w += vrmpy(v9.b,v27.b); vmem(r2+#1) = v20 }
	{ v2.w += vrmpy(v11.b,v26.b); vmem(r2+#2) = v1 }
	{ v19.w += vrmpy(v11.b,v27.b); vmem(r2+#3) = v15 }
	{ v3.w += vrmpy(v12.b,v26.b); vmem(r2+#4) = v2 }
	{ v21.w += vrmpy(v12.b,v27.b); vmem(r2+#5) = v19 }
	{ v4.w += vrmpy(v13.b,v26.b); vmem(r2+#6) = v3 }
	{ v24.w += vrmpy(v13.b,v27.b); vmem(r2+#7) = v21; r2 = add(r2,#2048) }
	{ v5.w += vrmpy(v14.b,v26.b); vmem(r8+#-8) = v4 }
	{ v22.w += vrmpy(v14.b,v27.b); vmem(r8+#-7) = v24 }
	{ v7.w += vrmpy(v16.b,v26.b); vmem(r8+#-6) = v5 }
	{ v23.w += vrmpy(v16.b,v27.b); vmem(r8+#-5) = v22 }
	{ v8.w += vrmpy(v17.b,v26.b); vmem(r8+#-4) = v7 }
	{ v10.w += vrmpy(v17.b,v27.b); vmem(r8+#-3) = v23 }
	{ vmem(r8+#-2) = v8 }
	{ vmem(r8+#-1) = v10 }:endloop0
	{ jumpr r31 }
	.size	matmul_i8, .-matmul_i8
