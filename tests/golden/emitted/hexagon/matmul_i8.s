# versus LLVM -O3: 311751 packets on QEMU, ours 2435 (random_inputs seed 0): ours kept
	.text
	.globl	matmul_i8
	.type	matmul_i8,@function
	.p2align	4
matmul_i8:
	{ r3 = #-1; r4 = #-2; r5 = #-64; r8 = #16 }
	{ loop0(.Lmatmul_i8_loop,r8) }
.Lmatmul_i8_loop:
	{ r8 = add(r1,#0); r9 = add(r0,#0) }
	{ r10 = memw(r9+#0); r11 = memw(r9+#64) }
	{ r12 = memw(r9+#128); r13 = memw(r9+#192); r9 = add(r9,#4) }
	{ v0 = vsplat(r10); v1 = vsplat(r11); v2 = vmem(r8+#0); r10 = memw(r9+#0) }
	{ v3 = vsplat(r12); v4 = vsplat(r13); v5 = vmem(r8+#1); r8 = add(r8,#256) }
	{ r10 = memw(r9+#64); r11 = memw(r9+#128); v6 = vsplat(r10) }
	{ v9:8 = vshuff(v5,v2,r5); r12 = memw(r9+#192); v2 = vmem(r8+#0); r9 = add(r9,#4) }
	{ v5 = vsplat(r10); v7 = vsplat(r11); v10 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v9:8 = vshuff(v9,v8,r3); v11 = vsplat(r12); r10 = memw(r9+#0) }
	{ v13:12 = vshuff(v10,v2,r5); r11 = memw(r9+#64) }
	{ v9:8 = vshuff(v9,v8,r4) }
	{ v13:12 = vshuff(v13,v12,r3); r12 = memw(r9+#128) }
	{ v0.w = vrmpy(v0.b,v8.b); v2.w = vrmpy(v0.b,v9.b) }
	{ v1.w = vrmpy(v1.b,v8.b); v10.w = vrmpy(v1.b,v9.b); v13:12 = vshuff(v13,v12,r4); r13 = memw(r9+#192) }
	{ v3.w = vrmpy(v3.b,v8.b); v14.w = vrmpy(v3.b,v9.b) }
	{ v4.w = vrmpy(v4.b,v8.b); v8.w = vrmpy(v4.b,v9.b); v9 = vmem(r8+#0) }
	{ v0.w += vrmpy(v6.b,v12.b); v15 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v6.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v5.b,v12.b); v17:16 = vshuff(v15,v9,r5); r14 = memw(r9+#0) }
	{ v10.w += vrmpy(v5.b,v13.b); r15 = memw(r9+#64) }
	{ v5.w = vrmpy(v7.b,v12.b); v6.w = vrmpy(v7.b,v13.b); v17:16 = vshuff(v17,v16,r3); r28 = memw(r9+#128) }
	{ v7.w = vrmpy(v11.b,v12.b); v9.w = vrmpy(v11.b,v13.b); r6 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v5 = vsplat(r10); v6 = vsplat(r11) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v9.w); v7 = vsplat(r12); v9 = vsplat(r13) }
	{ v13:12 = vshuff(v17,v16,r4); v11 = vsplat(r14); v15 = vsplat(r15) }
	{ v16 = vsplat(r28); v17 = vsplat(r6); v18 = vmem(r8+#0) }
	{ v0.w += vrmpy(v5.b,v12.b); v19 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v5.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v6.b,v12.b); v19:18 = vshuff(v19,v18,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v6.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v7.b,v12.b); v6.w = vrmpy(v7.b,v13.b); v19:18 = vshuff(v19,v18,r3); r12 = memw(r9+#128) }
	{ v7.w = vrmpy(v9.b,v12.b); v9.w = vrmpy(v9.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v13:12 = vshuff(v19,v18,r4) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v9.w); v5 = vsplat(r10); v6 = vsplat(r11) }
	{ v0.w += vrmpy(v11.b,v12.b); v7 = vmem(r8+#0) }
	{ v2.w += vrmpy(v11.b,v13.b); v9 = vmem(r8+#1); r8 = add(r8,#256); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); v19:18 = vshuff(v9,v7,r5); r11 = memw(r9+#64) }
	{ v7.w = vrmpy(v16.b,v12.b); v9.w = vrmpy(v16.b,v13.b); r14 = memw(r9+#128) }
	{ v11.w = vrmpy(v17.b,v12.b); v12.w = vrmpy(v17.b,v13.b); v17:16 = vshuff(v19,v18,r3); r15 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v7.w); v14.w = vadd(v14.w,v9.w); v7 = vsplat(r12); v9 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v11.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v11 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v5.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v5.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v6.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v6.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v7.b,v12.b); v6.w = vrmpy(v7.b,v13.b); v17:16 = vshuff(v17,v16,r3); r12 = memw(r9+#128) }
	{ v7.w = vrmpy(v9.b,v12.b); v9.w = vrmpy(v9.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v5 = vsplat(r14); v6 = vsplat(r15) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v9.w); v13:12 = vshuff(v17,v16,r4) }
	{ v7 = vsplat(r10); v9 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v11.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v11.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v11.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r14 = memw(r9+#128) }
	{ v6.w = vrmpy(v6.b,v12.b); v12.w = vrmpy(v6.b,v13.b); r15 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v11.w); v5 = vsplat(r12); v11 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v6.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v6 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v7.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v7.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v9.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v9.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v7.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r12 = memw(r9+#128) }
	{ v9.w = vrmpy(v11.b,v12.b); v11.w = vrmpy(v11.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v7.w); v5 = vsplat(r14); v7 = vsplat(r15) }
	{ v4.w = vadd(v4.w,v9.w); v8.w = vadd(v8.w,v11.w); v13:12 = vshuff(v17,v16,r4) }
	{ v9 = vsplat(r10); v11 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v6.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v6.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v6.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r14 = memw(r9+#128) }
	{ v7.w = vrmpy(v7.b,v12.b); v12.w = vrmpy(v7.b,v13.b); r15 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v5 = vsplat(r12); v6 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v7 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v9.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v9.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v11.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v11.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v9.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r12 = memw(r9+#128) }
	{ v6.w = vrmpy(v6.b,v12.b); v11.w = vrmpy(v6.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v9.w); v5 = vsplat(r14); v9 = vsplat(r15) }
	{ v4.w = vadd(v4.w,v6.w); v8.w = vadd(v8.w,v11.w); v13:12 = vshuff(v17,v16,r4) }
	{ v6 = vsplat(r10); v11 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v7.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v7.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v7.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r14 = memw(r9+#128) }
	{ v9.w = vrmpy(v9.b,v12.b); v12.w = vrmpy(v9.b,v13.b); r15 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v7.w); v5 = vsplat(r12); v7 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v9.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v9 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v6.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v6.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v11.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v11.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v6.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r12 = memw(r9+#128) }
	{ v7.w = vrmpy(v7.b,v12.b); v11.w = vrmpy(v7.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v5 = vsplat(r14); v6 = vsplat(r15) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v11.w); v13:12 = vshuff(v17,v16,r4) }
	{ v7 = vsplat(r10); v11 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v9.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v9.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v9.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r14 = memw(r9+#128) }
	{ v6.w = vrmpy(v6.b,v12.b); v12.w = vrmpy(v6.b,v13.b); r15 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v9.w); v5 = vsplat(r12); v9 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v6.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v6 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v7.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v7.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v11.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v11.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v7.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r12 = memw(r9+#128) }
	{ v9.w = vrmpy(v9.b,v12.b); v11.w = vrmpy(v9.b,v13.b); r13 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v7.w); v5 = vsplat(r14); v7 = vsplat(r15) }
	{ v4.w = vadd(v4.w,v9.w); v8.w = vadd(v8.w,v11.w); v13:12 = vshuff(v17,v16,r4) }
	{ v9 = vsplat(r10); v11 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v6.b,v12.b); v17 = vmem(r8+#1); r8 = add(r8,#256) }
	{ v2.w += vrmpy(v6.b,v13.b); r9 = add(r9,#4) }
	{ v1.w += vrmpy(v15.b,v12.b); v17:16 = vshuff(v17,v16,r5); r10 = memw(r9+#0) }
	{ v10.w += vrmpy(v15.b,v13.b); r11 = memw(r9+#64) }
	{ v5.w = vrmpy(v5.b,v12.b); v6.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3); r14 = memw(r9+#128) }
	{ v7.w = vrmpy(v7.b,v12.b); v12.w = vrmpy(v7.b,v13.b); r9 = memw(r9+#192) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v6.w); v5 = vsplat(r12); v6 = vsplat(r13) }
	{ v4.w = vadd(v4.w,v7.w); v8.w = vadd(v8.w,v12.w); v13:12 = vshuff(v17,v16,r4) }
	{ v7 = vsplat(r10); v15 = vsplat(r11); v16 = vmem(r8+#0) }
	{ v0.w += vrmpy(v9.b,v12.b); v17 = vmem(r8+#1) }
	{ v2.w += vrmpy(v9.b,v13.b) }
	{ v1.w += vrmpy(v11.b,v12.b); v17:16 = vshuff(v17,v16,r5) }
	{ v10.w += vrmpy(v11.b,v13.b) }
	{ v5.w = vrmpy(v5.b,v12.b); v9.w = vrmpy(v5.b,v13.b); v17:16 = vshuff(v17,v16,r3) }
	{ v6.w = vrmpy(v6.b,v12.b); v11.w = vrmpy(v6.b,v13.b) }
	{ v3.w = vadd(v3.w,v5.w); v14.w = vadd(v14.w,v9.w); v5 = vsplat(r14); v9 = vsplat(r9) }
	{ v4.w = vadd(v4.w,v6.w); v8.w = vadd(v8.w,v11.w); v13:12 = vshuff(v17,v16,r4); r0 = add(r0,#256) }
	{ v0.w += vrmpy(v7.b,v12.b) }
	{ v2.w += vrmpy(v7.b,v13.b) }
	{ v1.w += vrmpy(v15.b,v12.b); vmem(r2+#0) = v0 }
	{ v10.w += vrmpy(v15.b,v13.b); vmem(r2+#1) = v2 }
	{ v0.w = vrmpy(v5.b,v12.b); v1.w = vrmpy(v5.b,v13.b); vmem(r2+#2) = v1 }
	{ v2.w = vrmpy(v9.b,v12.b); v5.w = vrmpy(v9.b,v13.b); vmem(r2+#3) = v10 }
	{ v3.w = vadd(v3.w,v0.w); v14.w = vadd(v14.w,v1.w) }
	{ v4.w = vadd(v4.w,v2.w); v8.w = vadd(v8.w,v5.w); vmem(r2+#4) = v3 }
	{ vmem(r2+#5) = v14 }
	{ vmem(r2+#6) = v4 }
	{ vmem(r2+#7) = v8; r2 = add(r2,#1024) }:endloop0
	{ jumpr r31 }
	.size	matmul_i8, .-matmul_i8
