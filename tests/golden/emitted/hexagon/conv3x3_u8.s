# versus LLVM -O3: 4620 packets on QEMU, ours 685 (random_inputs seed 0): ours kept
	.text
	.globl	conv3x3_u8
	.type	conv3x3_u8,@function
	.p2align	4
conv3x3_u8:
	{ r8 = memub(r1+#0); r9 = memub(r1+#1); r3 = #-4; r4 = #-8 }
	{ r10 = memub(r1+#2); r11 = memub(r1+#3); r13 = #7; r12 = add(r0,#392) }
	{ r8 |= asl(r9,#8); r9 = memub(r1+#4); r14 = memub(r1+#5); r15 = add(r0,#912) }
	{ r8 |= asl(r10,#16); r10 = memub(r1+#6); r28 = memub(r1+#7) }
	{ r11 |= asl(r9,#8); r9 = memub(r1+#8) }
	{ r11 |= asl(r14,#16); r10 |= asl(r28,#8); v0 = vmemu(r0+#0) }
	{ r10 |= asl(r9,#16); v1 = vmemu(r0+#1) }
	{ v2 = vmemu(r0+#2) }
	{ v3 = vmemu(r0+#3) }
	{ v4 = vmemu(r0+#4); r0 = add(r0,#1040) }
	{ v5 = vmemu(r12+#0) }
	{ v6 = vmemu(r12+#1) }
	{ v7 = vmemu(r12+#2) }
	{ v8 = vmemu(r12+#3) }
	{ v9 = vmemu(r12+#4) }
	{ v10 = vmemu(r12+#5) }
	{ v11 = vmemu(r15+#0) }
	{ v12 = vmemu(r15+#1) }
	{ v13 = vmemu(r15+#2) }
	{ v14 = vmemu(r15+#3); loop0(.Lconv3x3_u8_loop,r13) }
.Lconv3x3_u8_loop:
	{ v15.w = vrmpy(v0.ub,r8.b); v16 = valign(v1,v0,#1) }
	{ v17 = valign(v1,v0,#2) }
	{ v0.w = vrmpy(v16.ub,r8.b); v16 = valign(v1,v0,#3) }
	{ v17.w = vrmpy(v17.ub,r8.b); v18 = valign(v2,v1,#2) }
	{ v16.w = vrmpy(v16.ub,r8.b); v19 = valign(v2,v1,#3) }
	{ v15.w += vrmpy(v18.ub,r11.b); v18 = valign(v2,v1,#4); v20.w = vrmpy(v18.ub,r8.b) }
	{ v0.w += vrmpy(v19.ub,r11.b); v1 = valign(v2,v1,#5); v19.w = vrmpy(v19.ub,r8.b) }
	{ v17.w += vrmpy(v18.ub,r11.b); v18 = valign(v3,v2,#4); v21.w = vrmpy(v18.ub,r8.b) }
	{ v16.w += vrmpy(v1.ub,r11.b); v1 = valign(v3,v2,#5); v22.w = vrmpy(v1.ub,r8.b) }
	{ v15.w += vrmpy(v18.ub,r10.b); v23 = valign(v3,v2,#6); v20.w += vrmpy(v18.ub,r11.b) }
	{ v0.w += vrmpy(v1.ub,r10.b); v2 = valign(v3,v2,#7); v19.w += vrmpy(v1.ub,r11.b) }
	{ v17.w += vrmpy(v23.ub,r10.b); v21.w += vrmpy(v23.ub,r11.b); v24 = valign(v4,v3,#6) }
	{ v16.w += vrmpy(v2.ub,r10.b); v27:26 = vshuff(v0,v15,r3); v22.w += vrmpy(v2.ub,r11.b) }
	{ v20.w += vrmpy(v24.ub,r10.b); v0 = valign(v4,v3,#7); v21.w += vrmpy(v5.ub,r10.b) }
	{ v17:16 = vshuff(v16,v17,r3); v1.w = vrmpy(v18.ub,r8.b); v3.w = vrmpy(v1.ub,r8.b) }
	{ v19.w += vrmpy(v0.ub,r10.b); v4 = valign(v6,v5,#1); v15.w = vrmpy(v23.ub,r8.b) }
	{ v29:28 = vshuff(v16,v26,r4); vmem(r2+#0) = v28.new; v2.w = vrmpy(v2.ub,r8.b); v1.w += vrmpy(v24.ub,r11.b) }
	{ v22.w += vrmpy(v4.ub,r10.b); v19:18 = vshuff(v19,v20,r3); v3.w += vrmpy(v0.ub,r11.b) }
	{ vmem(r2+#1) = v29; v15.w += vrmpy(v5.ub,r11.b); v2.w += vrmpy(v4.ub,r11.b); v16 = valign(v7,v6,#1) }
	{ v27:26 = vshuff(v17,v27,r4); vmem(r2+#2) = v26.new; v1.w += vrmpy(v6.ub,r10.b) }
	{ v21:20 = vshuff(v22,v21,r3); v3.w += vrmpy(v16.ub,r10.b); r9 = add(r2,#2048) }
	{ vmem(r2+#3) = v27; v17 = valign(v7,v6,#2) }
	{ v23:22 = vshuff(v20,v18,r4); vmem(r2+#4) = v22.new; v0.w = vrmpy(v24.ub,r8.b); v18.w = vrmpy(v0.ub,r8.b) }
	{ v15.w += vrmpy(v17.ub,r10.b); v5 = valign(v7,v6,#3); v20.w = vrmpy(v5.ub,r8.b) }
	{ vmem(r2+#5) = v23; v23:22 = vshuff(v3,v1,r3); v1.w = vrmpy(v4.ub,r8.b) }
	{ v25:24 = vshuff(v21,v19,r4); vmem(r2+#6) = v24.new; v2.w += vrmpy(v5.ub,r10.b); v0.w += vrmpy(v6.ub,r11.b) }
	{ v18.w += vrmpy(v16.ub,r11.b); v20.w += vrmpy(v17.ub,r11.b); v3 = valign(v8,v7,#2) }
	{ vmem(r2+#7) = v25; v25:24 = vshuff(v2,v15,r3); v1.w += vrmpy(v5.ub,r11.b) }
	{ v0.w += vrmpy(v3.ub,r10.b); v2 = valign(v8,v7,#3); v4.w = vrmpy(v6.ub,r8.b) }
	{ v17:16 = vshuff(v24,v22,r4); vmem(r9+#-8) = v16.new; v6.w = vrmpy(v16.ub,r8.b); v15.w = vrmpy(v17.ub,r8.b) }
	{ v18.w += vrmpy(v2.ub,r10.b); v5 = valign(v8,v7,#4); v16.w = vrmpy(v5.ub,r8.b) }
	{ vmem(r9+#-7) = v17; v7 = valign(v8,v7,#5); v4.w += vrmpy(v3.ub,r11.b); v6.w += vrmpy(v2.ub,r11.b) }
	{ v23:22 = vshuff(v25,v23,r4); vmem(r9+#-6) = v22.new; v20.w += vrmpy(v5.ub,r10.b); v15.w += vrmpy(v5.ub,r11.b) }
	{ v1.w += vrmpy(v7.ub,r10.b); v19:18 = vshuff(v18,v0,r3); v16.w += vrmpy(v7.ub,r11.b) }
	{ vmem(r9+#-5) = v23; v0 = valign(v9,v8,#4) }
	{ v3:2 = vshuff(v1,v20,r3); v1.w = vrmpy(v3.ub,r8.b); v17.w = vrmpy(v2.ub,r8.b) }
	{ v4.w += vrmpy(v0.ub,r10.b); v5 = valign(v9,v8,#5); v20.w = vrmpy(v5.ub,r8.b) }
	{ v23:22 = vshuff(v2,v18,r4); vmem(r9+#-4) = v22.new; v2.w = vrmpy(v7.ub,r8.b); v1.w += vrmpy(v0.ub,r11.b) }
	{ v6.w += vrmpy(v5.ub,r10.b); v7 = valign(v9,v8,#6); v17.w += vrmpy(v5.ub,r11.b) }
	{ vmem(r9+#-3) = v23; v8 = valign(v9,v8,#7) }
	{ v19:18 = vshuff(v3,v19,r4); vmem(r9+#-2) = v18.new; v15.w += vrmpy(v7.ub,r10.b); v20.w += vrmpy(v7.ub,r11.b) }
	{ v16.w += vrmpy(v8.ub,r10.b); v23:22 = vshuff(v6,v4,r3); v2.w += vrmpy(v8.ub,r11.b) }
	{ vmem(r9+#-1) = v19; v3 = valign(v10,v9,#6); v20.w += vrmpy(v11.ub,r10.b) }
	{ v5:4 = vshuff(v16,v15,r3); v0.w = vrmpy(v0.ub,r8.b); v6.w = vrmpy(v5.ub,r8.b) }
	{ v1.w += vrmpy(v3.ub,r10.b); v7 = valign(v10,v9,#7); v9.w = vrmpy(v7.ub,r8.b) }
	{ v19:18 = vshuff(v4,v22,r4); vmem(r9+#0) = v18.new; v4.w = vrmpy(v8.ub,r8.b); v0.w += vrmpy(v3.ub,r11.b) }
	{ v17.w += vrmpy(v7.ub,r10.b); v8 = valign(v12,v11,#1); v6.w += vrmpy(v7.ub,r11.b) }
	{ vmem(r9+#1) = v19; v9.w += vrmpy(v11.ub,r11.b); v0.w += vrmpy(v12.ub,r10.b); v10 = valign(v13,v12,#1) }
	{ v19:18 = vshuff(v5,v23,r4); vmem(r9+#2) = v18.new; v2.w += vrmpy(v8.ub,r10.b); v4.w += vrmpy(v8.ub,r11.b) }
	{ v17:16 = vshuff(v17,v1,r3); v6.w += vrmpy(v10.ub,r10.b); r13 = add(r2,#4096) }
	{ vmem(r9+#3) = v19; v19:18 = vshuff(v2,v20,r3) }
	{ v1 = valign(v13,v12,#2); v2.w = vrmpy(v3.ub,r8.b); v3.w = vrmpy(v7.ub,r8.b) }
	{ v21:20 = vshuff(v18,v16,r4); vmem(r9+#4) = v20.new; v5.w = vrmpy(v11.ub,r8.b); v7.w = vrmpy(v8.ub,r8.b) }
	{ v9.w += vrmpy(v1.ub,r10.b); v8 = valign(v13,v12,#3); v2.w += vrmpy(v12.ub,r11.b) }
	{ vmem(r9+#5) = v21; v11:10 = vshuff(v6,v0,r3); v3.w += vrmpy(v10.ub,r11.b) }
	{ v1:0 = vshuff(v19,v17,r4); vmem(r9+#6) = v0.new; v4.w += vrmpy(v8.ub,r10.b); v5.w += vrmpy(v1.ub,r11.b) }
	{ v7.w += vrmpy(v8.ub,r11.b); v0 = valign(v14,v13,#2) }
	{ vmem(r9+#7) = v1; v9:8 = vshuff(v4,v9,r3) }
	{ v2.w += vrmpy(v0.ub,r10.b); v0 = valign(v14,v13,#3); r2 = add(r2,#4096); r12 = add(r0,#392) }
	{ v17:16 = vshuff(v8,v10,r4); vmem(r13+#-8) = v16.new; r15 = add(r0,#912) }
	{ v3.w += vrmpy(v0.ub,r10.b); v0 = valign(v14,v13,#4) }
	{ vmem(r13+#-7) = v17; v1 = valign(v14,v13,#5) }
	{ v9:8 = vshuff(v9,v11,r4); vmem(r13+#-6) = v8.new; v5.w += vrmpy(v0.ub,r10.b) }
	{ v7.w += vrmpy(v1.ub,r10.b); v3:2 = vshuff(v3,v2,r3) }
	{ vmem(r13+#-5) = v9 }
	{ v5:4 = vshuff(v7,v5,r3) }
	{ v0 = vmemu(r0+#0) }
	{ v7:6 = vshuff(v4,v2,r4); vmem(r13+#-4) = v6.new }
	{ v1 = vmemu(r0+#1) }
	{ vmem(r13+#-3) = v7 }
	{ v3:2 = vshuff(v5,v3,r4); vmem(r13+#-2) = v2.new }
	{ v2 = vmemu(r0+#2) }
	{ vmem(r13+#-1) = v3 }
	{ v3 = vmemu(r0+#3) }
	{ v4 = vmemu(r0+#4); r0 = add(r0,#1040) }
	{ v5 = vmemu(r12+#0) }
	{ v6 = vmemu(r12+#1) }
	{ v7 = vmemu(r12+#2) }
	{ v8 = vmemu(r12+#3) }
	{ v9 = vmemu(r12+#4) }
	{ v10 = vmemu(r12+#5) }
	{ v11 = vmemu(r15+#0) }
	{ v12 = vmemu(r15+#1) }
	{ v13 = vmemu(r15+#2) }
	{ v14 = vmemu(r15+#3) }:endloop0
	{ v15.w = vrmpy(v0.ub,r8.b); v16 = valign(v1,v0,#1) }
	{ v17 = valign(v1,v0,#2) }
	{ v0.w = vrmpy(v16.ub,r8.b); v16 = valign(v1,v0,#3) }
	{ v17.w = vrmpy(v17.ub,r8.b); v18 = valign(v2,v1,#2) }
	{ v16.w = vrmpy(v16.ub,r8.b); v19 = valign(v2,v1,#3) }
	{ v15.w += vrmpy(v18.ub,r11.b); v18 = valign(v2,v1,#4); v20.w = vrmpy(v18.ub,r8.b) }
	{ v0.w += vrmpy(v19.ub,r11.b); v1 = valign(v2,v1,#5); v19.w = vrmpy(v19.ub,r8.b) }
	{ v17.w += vrmpy(v18.ub,r11.b); v18 = valign(v3,v2,#4); v21.w = vrmpy(v18.ub,r8.b) }
	{ v16.w += vrmpy(v1.ub,r11.b); v1 = valign(v3,v2,#5); v22.w = vrmpy(v1.ub,r8.b) }
	{ v15.w += vrmpy(v18.ub,r10.b); v23 = valign(v3,v2,#6); v20.w += vrmpy(v18.ub,r11.b) }
	{ v0.w += vrmpy(v1.ub,r10.b); v2 = valign(v3,v2,#7); v19.w += vrmpy(v1.ub,r11.b) }
	{ v17.w += vrmpy(v23.ub,r10.b); v21.w += vrmpy(v23.ub,r11.b); v24 = valign(v4,v3,#6) }
	{ v16.w += vrmpy(v2.ub,r10.b); v27:26 = vshuff(v0,v15,r3); v22.w += vrmpy(v2.ub,r11.b) }
	{ v20.w += vrmpy(v24.ub,r10.b); v0 = valign(v4,v3,#7); v21.w += vrmpy(v5.ub,r10.b) }
	{ v17:16 = vshuff(v16,v17,r3); v1.w = vrmpy(v18.ub,r8.b); v3.w = vrmpy(v1.ub,r8.b) }
	{ v19.w += vrmpy(v0.ub,r10.b); v4 = valign(v6,v5,#1); v15.w = vrmpy(v23.ub,r8.b) }
	{ v29:28 = vshuff(v16,v26,r4); vmem(r2+#0) = v28.new; v2.w = vrmpy(v2.ub,r8.b); v1.w += vrmpy(v24.ub,r11.b) }
	{ v22.w += vrmpy(v4.ub,r10.b); v19:18 = vshuff(v19,v20,r3); v3.w += vrmpy(v0.ub,r11.b) }
	{ vmem(r2+#1) = v29; v15.w += vrmpy(v5.ub,r11.b); v2.w += vrmpy(v4.ub,r11.b); v16 = valign(v7,v6,#1) }
	{ v27:26 = vshuff(v17,v27,r4); vmem(r2+#2) = v26.new; v1.w += vrmpy(v6.ub,r10.b) }
	{ v21:20 = vshuff(v22,v21,r3); v3.w += vrmpy(v16.ub,r10.b); r9 = add(r2,#2048) }
	{ vmem(r2+#3) = v27; v17 = valign(v7,v6,#2) }
	{ v23:22 = vshuff(v20,v18,r4); vmem(r2+#4) = v22.new; v0.w = vrmpy(v24.ub,r8.b); v18.w = vrmpy(v0.ub,r8.b) }
	{ v15.w += vrmpy(v17.ub,r10.b); v5 = valign(v7,v6,#3); v20.w = vrmpy(v5.ub,r8.b) }
	{ vmem(r2+#5) = v23; v23:22 = vshuff(v3,v1,r3); v1.w = vrmpy(v4.ub,r8.b) }
	{ v25:24 = vshuff(v21,v19,r4); vmem(r2+#6) = v24.new; v2.w += vrmpy(v5.ub,r10.b); v0.w += vrmpy(v6.ub,r11.b) }
	{ v18.w += vrmpy(v16.ub,r11.b); v20.w += vrmpy(v17.ub,r11.b); v3 = valign(v8,v7,#2) }
	{ vmem(r2+#7) = v25; v25:24 = vshuff(v2,v15,r3); v1.w += vrmpy(v5.ub,r11.b) }
	{ v0.w += vrmpy(v3.ub,r10.b); v2 = valign(v8,v7,#3); v4.w = vrmpy(v6.ub,r8.b) }
	{ v17:16 = vshuff(v24,v22,r4); vmem(r9+#-8) = v16.new; v6.w = vrmpy(v16.ub,r8.b); v15.w = vrmpy(v17.ub,r8.b) }
	{ v18.w += vrmpy(v2.ub,r10.b); v5 = valign(v8,v7,#4); v16.w = vrmpy(v5.ub,r8.b) }
	{ vmem(r9+#-7) = v17; v7 = valign(v8,v7,#5); v4.w += vrmpy(v3.ub,r11.b); v6.w += vrmpy(v2.ub,r11.b) }
	{ v23:22 = vshuff(v25,v23,r4); vmem(r9+#-6) = v22.new; v20.w += vrmpy(v5.ub,r10.b); v15.w += vrmpy(v5.ub,r11.b) }
	{ v1.w += vrmpy(v7.ub,r10.b); v19:18 = vshuff(v18,v0,r3); v16.w += vrmpy(v7.ub,r11.b) }
	{ vmem(r9+#-5) = v23; v0 = valign(v9,v8,#4) }
	{ v3:2 = vshuff(v1,v20,r3); v1.w = vrmpy(v3.ub,r8.b); v17.w = vrmpy(v2.ub,r8.b) }
	{ v4.w += vrmpy(v0.ub,r10.b); v5 = valign(v9,v8,#5); v20.w = vrmpy(v5.ub,r8.b) }
	{ v23:22 = vshuff(v2,v18,r4); vmem(r9+#-4) = v22.new; v2.w = vrmpy(v7.ub,r8.b); v1.w += vrmpy(v0.ub,r11.b) }
	{ v6.w += vrmpy(v5.ub,r10.b); v7 = valign(v9,v8,#6); v17.w += vrmpy(v5.ub,r11.b) }
	{ vmem(r9+#-3) = v23; v8 = valign(v9,v8,#7) }
	{ v19:18 = vshuff(v3,v19,r4); vmem(r9+#-2) = v18.new; v15.w += vrmpy(v7.ub,r10.b); v20.w += vrmpy(v7.ub,r11.b) }
	{ v16.w += vrmpy(v8.ub,r10.b); v23:22 = vshuff(v6,v4,r3); v2.w += vrmpy(v8.ub,r11.b) }
	{ vmem(r9+#-1) = v19; v3 = valign(v10,v9,#6); v20.w += vrmpy(v11.ub,r10.b) }
	{ v5:4 = vshuff(v16,v15,r3); v0.w = vrmpy(v0.ub,r8.b); v6.w = vrmpy(v5.ub,r8.b) }
	{ v1.w += vrmpy(v3.ub,r10.b); v7 = valign(v10,v9,#7); v9.w = vrmpy(v7.ub,r8.b) }
	{ v19:18 = vshuff(v4,v22,r4); vmem(r9+#0) = v18.new; v4.w = vrmpy(v8.ub,r8.b); v0.w += vrmpy(v3.ub,r11.b) }
	{ v17.w += vrmpy(v7.ub,r10.b); v8 = valign(v12,v11,#1); v6.w += vrmpy(v7.ub,r11.b) }
	{ vmem(r9+#1) = v19; v9.w += vrmpy(v11.ub,r11.b); v0.w += vrmpy(v12.ub,r10.b); v10 = valign(v13,v12,#1) }
	{ v19:18 = vshuff(v5,v23,r4); vmem(r9+#2) = v18.new; v2.w += vrmpy(v8.ub,r10.b); v4.w += vrmpy(v8.ub,r11.b) }
	{ v17:16 = vshuff(v17,v1,r3); v6.w += vrmpy(v10.ub,r10.b); r13 = add(r2,#4096) }
	{ vmem(r9+#3) = v19; v19:18 = vshuff(v2,v20,r3) }
	{ v1 = valign(v13,v12,#2); v2.w = vrmpy(v3.ub,r8.b); v3.w = vrmpy(v7.ub,r8.b) }
	{ v21:20 = vshuff(v18,v16,r4); vmem(r9+#4) = v20.new; v5.w = vrmpy(v11.ub,r8.b); v7.w = vrmpy(v8.ub,r8.b) }
	{ v9.w += vrmpy(v1.ub,r10.b); v8 = valign(v13,v12,#3); v2.w += vrmpy(v12.ub,r11.b) }
	{ vmem(r9+#5) = v21; v11:10 = vshuff(v6,v0,r3); v3.w += vrmpy(v10.ub,r11.b) }
	{ v1:0 = vshuff(v19,v17,r4); vmem(r9+#6) = v0.new; v4.w += vrmpy(v8.ub,r10.b); v5.w += vrmpy(v1.ub,r11.b) }
	{ v7.w += vrmpy(v8.ub,r11.b); v0 = valign(v14,v13,#2) }
	{ vmem(r9+#7) = v1; v9:8 = vshuff(v4,v9,r3) }
	{ v2.w += vrmpy(v0.ub,r10.b); v0 = valign(v14,v13,#3); r2 = add(r2,#4096) }
	{ v17:16 = vshuff(v8,v10,r4); vmem(r13+#-8) = v16.new }
	{ v3.w += vrmpy(v0.ub,r10.b); v0 = valign(v14,v13,#4) }
	{ vmem(r13+#-7) = v17; v1 = valign(v14,v13,#5) }
	{ v9:8 = vshuff(v9,v11,r4); vmem(r13+#-6) = v8.new; v5.w += vrmpy(v0.ub,r10.b) }
	{ v7.w += vrmpy(v1.ub,r10.b); v3:2 = vshuff(v3,v2,r3) }
	{ vmem(r13+#-5) = v9 }
	{ v5:4 = vshuff(v7,v5,r3) }
	{ v7:6 = vshuff(v4,v2,r4); vmem(r13+#-4) = v6.new }
	{ vmem(r13+#-3) = v7 }
	{ v3:2 = vshuff(v5,v3,r4); vmem(r13+#-2) = v2.new }
	{ vmem(r13+#-1) = v3; jumpr r31 }
	.size	conv3x3_u8, .-conv3x3_u8
