# versus LLVM -O3: 4194308 packets on QEMU, ours 2621448 (random_inputs seed 0): ours kept
	.text
	.globl	sum3_i16
	.type	sum3_i16,@function
	.p2align	4
sum3_i16:
	{ r9 = ##131071; v0 = vmem(r0+#0); r8 = add(r0,#898) }
	{ v1 = vmem(r0+#1) }
	{ v2 = vmem(r0+#2) }
	{ v3 = vmem(r0+#3) }
	{ v4 = vmem(r0+#4) }
	{ v5 = vmem(r0+#5) }
	{ v6 = vmem(r0+#6) }
	{ v7 = vmem(r0+#7); r0 = add(r0,#1024) }
	{ v8 = vmemu(r8+#0) }
	{ v9 = vmemu(r8+#1); loop0(.Lsum3_i16_loop,r9) }
.Lsum3_i16_loop:
	{ v10 = valign(v1,v0,#2); v11.h = vadd(v8.h,v7.h); r8 = add(r0,#898) }
	{ v12 = valign(v1,v0,#4) }
	{ v10.h = vadd(v10.h,v0.h); v13 = valign(v2,v1,#2); v0 = vmem(r0+#0) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v2,v1,#4) }
	{ vmem(r1+#0) = v10; v10.h = vadd(v13.h,v1.h); v13 = valign(v3,v2,#2); v1 = vmem(r0+#1) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v3,v2,#4) }
	{ vmem(r1+#1) = v10; v10.h = vadd(v13.h,v2.h); v13 = valign(v4,v3,#2); v2 = vmem(r0+#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v4,v3,#4) }
	{ vmem(r1+#2) = v10; v10.h = vadd(v13.h,v3.h); v13 = valign(v5,v4,#2); v3 = vmem(r0+#3) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v5,v4,#4) }
	{ vmem(r1+#3) = v10; v10.h = vadd(v13.h,v4.h); v13 = valign(v6,v5,#2); v4 = vmem(r0+#4) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v6,v5,#4) }
	{ vmem(r1+#4) = v10; v10.h = vadd(v13.h,v5.h); v13 = valign(v7,v6,#2); v5 = vmem(r0+#5) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v7,v6,#4); v7 = vmem(r0+#7) }
	{ v8.h = vadd(v13.h,v6.h); v9 = valign(v9,v8,#2); v6 = vmem(r0+#6); r0 = add(r0,#1024) }
	{ v12.h = vadd(v8.h,v12.h); v8 = vmemu(r8+#0) }
	{ v11.h = vadd(v11.h,v9.h); v9 = vmemu(r8+#1) }
	{ vmem(r1+#5) = v10 }
	{ vmem(r1+#6) = v12 }
	{ vmem(r1+#7) = v11; r1 = add(r1,#1024) }:endloop0
	{ v10 = valign(v1,v0,#2); v11.h = vadd(v8.h,v7.h) }
	{ v12 = valign(v1,v0,#4) }
	{ v10.h = vadd(v10.h,v0.h); v13 = valign(v2,v1,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v2,v1,#4) }
	{ vmem(r1+#0) = v10; v10.h = vadd(v13.h,v1.h); v13 = valign(v3,v2,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v3,v2,#4) }
	{ vmem(r1+#1) = v10; v10.h = vadd(v13.h,v2.h); v13 = valign(v4,v3,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v4,v3,#4) }
	{ vmem(r1+#2) = v10; v10.h = vadd(v13.h,v3.h); v13 = valign(v5,v4,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v5,v4,#4) }
	{ vmem(r1+#3) = v10; v10.h = vadd(v13.h,v4.h); v13 = valign(v6,v5,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v6,v5,#4) }
	{ vmem(r1+#4) = v10; v10.h = vadd(v13.h,v5.h); v13 = valign(v7,v6,#2) }
	{ v10.h = vadd(v10.h,v12.h); v12 = valign(v7,v6,#4) }
	{ vmem(r1+#5) = v10; v8.h = vadd(v13.h,v6.h); v9 = valign(v9,v8,#2) }
	{ v12.h = vadd(v8.h,v12.h) }
	{ vmem(r1+#6) = v12; v11.h = vadd(v11.h,v9.h) }
	{ vmem(r1+#7) = v11; r1 = add(r1,#1024); jumpr r31 }
	.size	sum3_i16, .-sum3_i16
