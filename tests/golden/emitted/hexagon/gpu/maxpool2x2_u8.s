# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: rows of 4096 lanes (32 blocks; nested loops) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	maxpool2x2_u8
	.p2align	4
	.type	maxpool2x2_u8,@function
maxpool2x2_u8:
	{
		r2 = #512
		r4 = #4096
		r3 = #0
		r7:6 = combine(#0,#0)
	}
	{
		r5 = #0
		r9:8 = combine(#0,#1)
		r12 = #4095
		r13 = #0
	}
	{
		r29 = add(r29,#-24)
	}
	{
		memd(r29+#16) = r17:16
		memd(r29+#8) = r19:18
	}
	{
		memd(r29+#0) = r21:20
	}
	.p2align	4
.LBB0_1:
	{
		r15:14 = asl(r7:6,#14)
		r11:10 = asl(r7:6,#12)
		r17:16 = combine(#0,#0)
	}
	.p2align	4
.LBB0_2:
	{
		r21:20 = add(r17:16,r11:10)
		r19:18 = combine(r15,r14)
	}
	{
		r19:18 += asl(r17:16,#1)
		r17:16 = add(r17:16,r3:2)
		r28 = add(r1,r20)
	}
	{
		p0 = cmp.eq(r17:16,r5:4)
		r19 = add(r0,r18)
	}
	{
		r18 = add(r19,#8192)
		v0 = vmem(r19+#0)
	}
	{
		v1 = vmem(r19+#1)
	}
	{
		v3.b = vpacke(v1.h,v0.h)
		v12 = vmem(r18+#0)
	}
	{
		v0.b = vpacko(v1.h,v0.h)
		v13 = vmem(r18+#1)
	}
	{
		v15.b = vpacke(v13.h,v12.h)
		v0.ub = vmax(v3.ub,v0.ub)
		v2 = vmem(r19+#2)
	}
	{
		v1.b = vpacko(v13.h,v12.h)
		v0.ub = vmax(v0.ub,v15.ub)
		v4 = vmem(r19+#3)
	}
	{
		v5.b = vpacke(v4.h,v2.h)
		v0.ub = vmax(v0.ub,v1.ub)
		v16 = vmem(r19+#4)
		vmem(r28+#0) = v0.new
	}
	{
		v2.b = vpacko(v4.h,v2.h)
		v18 = vmem(r19+#5)
	}
	{
		v21.b = vpacke(v18.h,v16.h)
		v2.ub = vmax(v5.ub,v2.ub)
		v20 = vmem(r19+#6)
	}
	{
		v0.b = vpacko(v18.h,v16.h)
		v22 = vmem(r19+#7)
	}
	{
		v24.b = vpacke(v22.h,v20.h)
		v0.ub = vmax(v21.ub,v0.ub)
		v14 = vmem(r18+#2)
	}
	{
		v4.b = vpacko(v22.h,v20.h)
		v23 = vmem(r18+#4)
	}
	{
		v4.ub = vmax(v24.ub,v4.ub)
		v25 = vmem(r18+#6)
	}
	{
		v17.b = vpacke(v6.h,v14.h)
		v6.cur = vmem(r18+#3)
	}
	{
		v26.b = vpacke(v7.h,v23.h)
		v2.ub = vmax(v2.ub,v17.ub)
		v7.cur = vmem(r18+#5)
	}
	{
		v28.b = vpacke(v27.h,v25.h)
		v0.ub = vmax(v0.ub,v26.ub)
		v27.cur = vmem(r18+#7)
	}
	{
		v19.b = vpacko(v6.h,v14.h)
		v30.ub = vmax(v4.ub,v28.ub)
	}
	{
		v3.b = vpacko(v7.h,v23.h)
		v1.ub = vmax(v2.ub,v19.ub)
		vmem(r28+#1) = v1.new
	}
	{
		v29.b = vpacko(v27.h,v25.h)
		v0.ub = vmax(v0.ub,v3.ub)
		vmem(r28+#2) = v0.new
	}
	{
		if (!p0) jump:nt .LBB0_2
		v31.ub = vmax(v30.ub,v29.ub)
		vmem(r28+#3) = v31.new
	}
	{
		p0 = cmp.gtu(r13:12,r7:6)
		r7:6 = add(r7:6,r9:8)
		if (p0.new) jump:t .LBB0_1
	}
	{
		r17:16 = memd(r29+#16)
		r19:18 = memd(r29+#8)
	}
	{
		r29 = add(r29,#24)
		r21:20 = memd(r29+#0)
		jumpr r31
	}
.Lfunc_end0:
	.size	maxpool2x2_u8, .Lfunc_end0-maxpool2x2_u8

	.section	".note.GNU-stack","",@progbits
