# versus LLVM -O3: 4194308 packets on QEMU, ours 2883589 (random_inputs seed 0): ours kept
	.text
	.globl	sum3_i16
	.type	sum3_i16,@function
	.p2align	4
sum3_i16:
	{ r8 = #262143; v0 = vmem(r0+#0) }
	{ v1 = vmem(r0+#1) }
	{ v2 = vmem(r0+#2) }
	{ v3 = vmem(r0+#3) }
	{ v4 = vmem(r0+#4); r0 = add(r0,#512); loop0(.Lsum3_i16_loop,r8) }
.Lsum3_i16_loop:
	{ v5 = valign(v1,v0,#2) }
	{ v6 = valign(v1,v0,#4) }
	{ v5.h = vadd(v5.h,v0.h); v7 = valign(v2,v1,#2); v0 = vmem(r0+#0) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v2,v1,#4) }
	{ vmem(r1+#0) = v5; v5.h = vadd(v7.h,v1.h); v7 = valign(v3,v2,#2); v1 = vmem(r0+#1) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v3,v2,#4) }
	{ vmem(r1+#1) = v5; v5.h = vadd(v7.h,v2.h); v7 = valign(v4,v3,#2); v2 = vmem(r0+#2) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v4,v3,#4); v4 = vmem(r0+#4) }
	{ vmem(r1+#2) = v5; v5.h = vadd(v7.h,v3.h); v3 = vmem(r0+#3); r0 = add(r0,#512) }
	{ v5.h = vadd(v5.h,v6.h) }
	{ vmem(r1+#3) = v5; r1 = add(r1,#512) }:endloop0
	{ v5 = valign(v1,v0,#2) }
	{ v6 = valign(v1,v0,#4) }
	{ v5.h = vadd(v5.h,v0.h); v7 = valign(v2,v1,#2) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v2,v1,#4) }
	{ vmem(r1+#0) = v5; v5.h = vadd(v7.h,v1.h); v7 = valign(v3,v2,#2) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v3,v2,#4) }
	{ vmem(r1+#1) = v5; v5.h = vadd(v7.h,v2.h); v7 = valign(v4,v3,#2) }
	{ v5.h = vadd(v5.h,v6.h); v6 = valign(v4,v3,#4) }
	{ vmem(r1+#2) = v5; v5.h = vadd(v7.h,v3.h) }
	{ v5.h = vadd(v5.h,v6.h) }
	{ vmem(r1+#3) = v5; r1 = add(r1,#512); jumpr r31 }
	.size	sum3_i16, .-sum3_i16
