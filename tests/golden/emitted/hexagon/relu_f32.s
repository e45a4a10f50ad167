# versus LLVM -O3: 131076 packets on QEMU, ours 81924 (random_inputs seed 0): ours kept
	.text
	.globl	relu_f32
	.type	relu_f32,@function
	.p2align	4
relu_f32:
	{ r9 = #0; r11 = #8191; r8 = memw(r0+#0); r10 = memw(r0+#4) }
	{ r12 = memw(r0+#8); r13 = memw(r0+#12) }
	{ r14 = memw(r0+#16); r15 = memw(r0+#20) }
	{ r11 = memw(r0+#24); r28 = memw(r0+#28); r0 = add(r0,#32); loop0(.Lrelu_f32_loop,r11) }
.Lrelu_f32_loop:
	{ p0 = sfcmp.gt(r9,r8); p1 = sfcmp.gt(r9,r10) }
	{ r2 = mux(p0,r9,r8); r3 = mux(p1,r9,r10); r8 = memw(r0+#0); r10 = memw(r0+#4) }
	{ memw(r1+#0) = r2; p0 = sfcmp.gt(r9,r12); p1 = sfcmp.gt(r9,r13) }
	{ memw(r1+#4) = r3; r13 = mux(p0,r9,r12); r2 = mux(p1,r9,r13); r12 = memw(r0+#8) }
	{ memw(r1+#8) = r13; p0 = sfcmp.gt(r9,r14); p1 = sfcmp.gt(r9,r15); r13 = memw(r0+#12) }
	{ memw(r1+#12) = r2; r3 = mux(p0,r9,r14); r4 = mux(p1,r9,r15); r14 = memw(r0+#16) }
	{ memw(r1+#16) = r3; p0 = sfcmp.gt(r9,r11); p1 = sfcmp.gt(r9,r28); r15 = memw(r0+#20) }
	{ memw(r1+#20) = r4; r5 = mux(p0,r9,r11); r2 = mux(p1,r9,r28); r11 = memw(r0+#24) }
	{ memw(r1+#24) = r5; r28 = memw(r0+#28); r0 = add(r0,#32) }
	{ memw(r1+#28) = r2; r1 = add(r1,#32) }:endloop0
	{ p0 = sfcmp.gt(r9,r8); p1 = sfcmp.gt(r9,r10) }
	{ r2 = mux(p0,r9,r8); r3 = mux(p1,r9,r10); p0 = sfcmp.gt(r9,r12); p1 = sfcmp.gt(r9,r13) }
	{ memw(r1+#0) = r2; r13 = mux(p0,r9,r12); r2 = mux(p1,r9,r13); p0 = sfcmp.gt(r9,r14) }
	{ memw(r1+#4) = r3; r3 = mux(p0,r9,r14); p1 = sfcmp.gt(r9,r15); p0 = sfcmp.gt(r9,r11) }
	{ memw(r1+#8) = r13; r4 = mux(p1,r9,r15); r5 = mux(p0,r9,r11); p1 = sfcmp.gt(r9,r28) }
	{ memw(r1+#12) = r2; r2 = mux(p1,r9,r28) }
	{ memw(r1+#16) = r3 }
	{ memw(r1+#20) = r4 }
	{ memw(r1+#24) = r5 }
	{ memw(r1+#28) = r2; r1 = add(r1,#32); jumpr r31 }
	.size	relu_f32, .-relu_f32
