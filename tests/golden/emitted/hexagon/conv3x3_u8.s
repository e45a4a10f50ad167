# versus LLVM -O3: 4620 packets on QEMU, ours 632 (random_inputs seed 0): ours kept
	.text
	.globl	conv3x3_u8
	.type	conv3x3_u8,@function
	.p2align	4
conv3x3_u8:
	{ r8 = memub(r1+#0); r9 = memub(r1+#1); r3 = #-8; r10 = #8 }
	{ r11 = memub(r1+#3); r12 = memub(r1+#4); r4 = #-4 }
	{ r8 |= asl(r9,#8); r9 = memub(r1+#6); r13 = memub(r1+#7) }
	{ r12 = memub(r1+#2); r11 |= asl(r12,#8); r14 = memub(r1+#5) }
	{ r9 |= asl(r13,#8); r13 = memub(r1+#8) }
	{ r8 |= asl(r12,#16); r11 |= asl(r14,#16) }
	{ r9 |= asl(r13,#16); loop0(.Lconv3x3_u8_loop,r10) }
.Lconv3x3_u8_loop:
	{ r10 = add(r0,#0); r12 = add(r0,#130); r13 = add(r0,#260); r14 = add(r0,#390) }
	{ v0 = vmemu(r10+#0); r10 = add(r10,#1); r15 = add(r0,#520) }
	{ v1 = vmemu(r10+#0); r10 = add(r10,#1); r28 = add(r0,#650) }
	{ v0.w = vrmpy(v0.ub,r8.b); v2 = vmemu(r12+#0); r12 = add(r12,#1) }
	{ v1.w = vrmpy(v1.ub,r8.b); v3 = vmemu(r10+#0); r10 = add(r10,#1) }
	{ v0.w += vrmpy(v2.ub,r11.b); v4 = vmemu(r12+#0); r12 = add(r12,#1) }
	{ v3.w = vrmpy(v3.ub,r8.b); v5 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ v6 = vmemu(r10+#0); v2.w = vrmpy(v2.ub,r8.b); v1.w += vrmpy(v4.ub,r11.b) }
	{ v7 = vmemu(r12+#0); r12 = add(r12,#1); v0.w += vrmpy(v5.ub,r9.b) }
	{ v6.w = vrmpy(v6.ub,r8.b); v8 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ v4.w = vrmpy(v4.ub,r8.b); v3.w += vrmpy(v7.ub,r11.b); v9 = vmemu(r12+#0) }
	{ v1.w += vrmpy(v8.ub,r9.b); v10 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ v7.w = vrmpy(v7.ub,r8.b); v6.w += vrmpy(v9.ub,r11.b); v11 = vmemu(r13+#0) }
	{ v3.w += vrmpy(v10.ub,r9.b); v12 = vmemu(r14+#0); r14 = add(r14,#1) }
	{ v6.w += vrmpy(v11.ub,r9.b); v13 = vmemu(r14+#0); r14 = add(r14,#1) }
	{ v0.w = vrmpy(v9.ub,r8.b); v2.w += vrmpy(v5.ub,r11.b); v15:14 = vshuff(v1,v0,r4); r10 = add(r2,#1024) }
	{ v4.w += vrmpy(v8.ub,r11.b); v7.w += vrmpy(v10.ub,r11.b); v17:16 = vshuff(v6,v3,r4); r12 = add(r0,#780) }
	{ v0.w += vrmpy(v11.ub,r11.b); v1 = vmemu(r14+#0); r14 = add(r14,#1) }
	{ v19:18 = vshuff(v16,v14,r3); vmem(r2+#0) = v18.new; v2.w += vrmpy(v12.ub,r9.b); v4.w += vrmpy(v13.ub,r9.b) }
	{ v3.w = vrmpy(v5.ub,r8.b); v7.w += vrmpy(v1.ub,r9.b); v5 = vmemu(r14+#0) }
	{ v6.w = vrmpy(v8.ub,r8.b); v8 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ vmem(r2+#1) = v19; v0.w += vrmpy(v5.ub,r9.b); v19:18 = vshuff(v4,v2,r4); r13 = add(r0,#910) }
	{ v2.w = vrmpy(v10.ub,r8.b); v4.w = vrmpy(v11.ub,r8.b); v11:10 = vshuff(v17,v15,r3); vmem(r2+#2) = v10.new }
	{ v3.w += vrmpy(v12.ub,r11.b); v9 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ vmem(r2+#3) = v11; v6.w += vrmpy(v13.ub,r11.b); v11:10 = vshuff(v0,v7,r4); r14 = add(r2,#2048) }
	{ v2.w += vrmpy(v1.ub,r11.b); v0 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ v4.w += vrmpy(v5.ub,r11.b); v15:14 = vshuff(v10,v18,r3); vmem(r2+#4) = v14.new; v3.w += vrmpy(v8.ub,r9.b) }
	{ v6.w += vrmpy(v9.ub,r9.b); v2.w += vrmpy(v0.ub,r9.b); v7 = vmemu(r15+#0) }
	{ v10.w = vrmpy(v12.ub,r8.b); v12 = vmemu(r28+#0); r28 = add(r28,#1) }
	{ vmem(r2+#5) = v15; v4.w += vrmpy(v7.ub,r9.b); v15:14 = vshuff(v6,v3,r4); r15 = add(r0,#1040) }
	{ v1.w = vrmpy(v13.ub,r8.b); v3.w = vrmpy(v1.ub,r8.b); v17:16 = vshuff(v11,v19,r3); vmem(r2+#6) = v16.new }
	{ v5.w = vrmpy(v5.ub,r8.b); v6 = vmemu(r28+#0); r28 = add(r28,#1) }
	{ vmem(r2+#7) = v17; v10.w += vrmpy(v8.ub,r11.b); v17:16 = vshuff(v4,v2,r4); r5 = add(r0,#1170) }
	{ v2 = vmemu(r28+#0); r28 = add(r28,#1); r0 = add(r0,#1040) }
	{ v1.w += vrmpy(v9.ub,r11.b); v3.w += vrmpy(v0.ub,r11.b); v19:18 = vshuff(v16,v14,r3); vmem(r10+#0) = v18.new }
	{ v5.w += vrmpy(v7.ub,r11.b); v10.w += vrmpy(v12.ub,r9.b); v4 = vmemu(r28+#0) }
	{ v1.w += vrmpy(v6.ub,r9.b); v11 = vmemu(r12+#0); r12 = add(r12,#1) }
	{ vmem(r10+#1) = v19; v3.w += vrmpy(v2.ub,r9.b); v5.w += vrmpy(v4.ub,r9.b); r28 = add(r2,#3072) }
	{ v8.w = vrmpy(v8.ub,r8.b); v15:14 = vshuff(v17,v15,r3); vmem(r10+#2) = v14.new; r2 = add(r2,#4096) }
	{ v9.w = vrmpy(v9.ub,r8.b); v13 = vmemu(r12+#0); r12 = add(r12,#1) }
	{ v0.w = vrmpy(v0.ub,r8.b); v1.w = vrmpy(v7.ub,r8.b); v17:16 = vshuff(v1,v10,r4) }
	{ vmem(r10+#3) = v15; v8.w += vrmpy(v12.ub,r11.b); v15:14 = vshuff(v5,v3,r4) }
	{ v9.w += vrmpy(v6.ub,r11.b); v3 = vmemu(r12+#0); r12 = add(r12,#1) }
	{ v0.w += vrmpy(v2.ub,r11.b); v1.w += vrmpy(v4.ub,r11.b); v19:18 = vshuff(v14,v16,r3); vmem(r10+#4) = v18.new }
	{ v8.w += vrmpy(v11.ub,r9.b); v9.w += vrmpy(v13.ub,r9.b); v5 = vmemu(r12+#0) }
	{ v0.w += vrmpy(v3.ub,r9.b); v7 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ vmem(r10+#5) = v19; v1.w += vrmpy(v5.ub,r9.b); v9:8 = vshuff(v9,v8,r4) }
	{ v6.w = vrmpy(v12.ub,r8.b); v10.w = vrmpy(v6.ub,r8.b); v15:14 = vshuff(v15,v17,r3); vmem(r10+#6) = v14.new }
	{ v2.w = vrmpy(v2.ub,r8.b); v12 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ v0.w = vrmpy(v4.ub,r8.b); vmem(r10+#7) = v15; v15:14 = vshuff(v1,v0,r4) }
	{ v6.w += vrmpy(v11.ub,r11.b); v1 = vmemu(r13+#0); r13 = add(r13,#1) }
	{ v10.w += vrmpy(v13.ub,r11.b); v2.w += vrmpy(v3.ub,r11.b); v17:16 = vshuff(v14,v8,r3); vmem(r14+#0) = v16.new }
	{ v0.w += vrmpy(v5.ub,r11.b); v6.w += vrmpy(v7.ub,r9.b); v4 = vmemu(r13+#0) }
	{ v10.w += vrmpy(v12.ub,r9.b); v8 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ vmem(r14+#1) = v17; v2.w += vrmpy(v1.ub,r9.b); v0.w += vrmpy(v4.ub,r9.b) }
	{ v9.w = vrmpy(v11.ub,r8.b); v11.w = vrmpy(v13.ub,r8.b); v15:14 = vshuff(v15,v9,r3); vmem(r14+#2) = v14.new }
	{ v3.w = vrmpy(v3.ub,r8.b); v13 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ v5.w = vrmpy(v5.ub,r8.b); vmem(r14+#3) = v15; v15:14 = vshuff(v10,v6,r4) }
	{ v9.w += vrmpy(v7.ub,r11.b); v11.w += vrmpy(v12.ub,r11.b); v17:16 = vshuff(v0,v2,r4) }
	{ v3.w += vrmpy(v1.ub,r11.b); v0 = vmemu(r15+#0); r15 = add(r15,#1) }
	{ v5.w += vrmpy(v4.ub,r11.b); v19:18 = vshuff(v16,v14,r3); vmem(r14+#4) = v18.new; v9.w += vrmpy(v8.ub,r9.b) }
	{ v11.w += vrmpy(v13.ub,r9.b); v3.w += vrmpy(v0.ub,r9.b); v2 = vmemu(r15+#0) }
	{ v6.w = vrmpy(v7.ub,r8.b); v7 = vmemu(r5+#0); r5 = add(r5,#1) }
	{ vmem(r14+#5) = v19; v5.w += vrmpy(v2.ub,r9.b); v11:10 = vshuff(v11,v9,r4) }
	{ v1.w = vrmpy(v12.ub,r8.b); v9.w = vrmpy(v1.ub,r8.b); v15:14 = vshuff(v17,v15,r3); vmem(r14+#6) = v14.new }
	{ v4.w = vrmpy(v4.ub,r8.b); v12 = vmemu(r5+#0); r5 = add(r5,#1) }
	{ vmem(r14+#7) = v15; v6.w += vrmpy(v8.ub,r11.b); v15:14 = vshuff(v5,v3,r4) }
	{ v1.w += vrmpy(v13.ub,r11.b); v3 = vmemu(r5+#0); r5 = add(r5,#1) }
	{ v9.w += vrmpy(v0.ub,r11.b); v4.w += vrmpy(v2.ub,r11.b); v17:16 = vshuff(v14,v10,r3); vmem(r28+#0) = v16.new }
	{ v6.w += vrmpy(v7.ub,r9.b); v1.w += vrmpy(v12.ub,r9.b); v0 = vmemu(r5+#0) }
	{ vmem(r28+#1) = v17; v9.w += vrmpy(v3.ub,r9.b) }
	{ v3:2 = vshuff(v15,v11,r3); vmem(r28+#2) = v2.new; v4.w += vrmpy(v0.ub,r9.b) }
	{ v1:0 = vshuff(v1,v6,r4) }
	{ vmem(r28+#3) = v3; v3:2 = vshuff(v4,v9,r4) }
	{ v5:4 = vshuff(v2,v0,r3); vmem(r28+#4) = v4.new }
	{ vmem(r28+#5) = v5 }
	{ v1:0 = vshuff(v3,v1,r3); vmem(r28+#6) = v0.new }
	{ vmem(r28+#7) = v1 }:endloop0
	{ jumpr r31 }
	.size	conv3x3_u8, .-conv3x3_u8
