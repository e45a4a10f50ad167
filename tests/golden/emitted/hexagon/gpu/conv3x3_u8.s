# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: rows of 4096 lanes (32 blocks; nested loops) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	conv3x3_u8
	.p2align	4
	.type	conv3x3_u8,@function
conv3x3_u8:
	{
		r7 = #0
		r12 = #4096
		r3 = memb(r1+#0)
		allocframe(r29,#2944):raw
	}
	{
		v10 = vsplat(r3)
		r22 = #4098
		r4 = memb(r1+#1)
		memd(r30+#-32) = r23:22
	}
	{
		v9 = vsplat(r4)
		r13 = #0
		r29 = and(r29,#-128)
		r5 = memb(r1+#2)
	}
	{
		v6 = vsplat(r5)
		r3 = memb(r1+#3)
		vmem(r29+#6) = v6.new
	}
	{
		v12 = vsplat(r3)
		r6 = memb(r1+#4)
		vmem(r29+#5) = v12.new
	}
	{
		v8 = vsplat(r6)
		r6 = #256
		r4 = memb(r1+#5)
		vmem(r29+#3) = v8.new
	}
	{
		v7 = vsplat(r4)
		r5 = memb(r1+#6)
		vmem(r29+#2) = v7.new
	}
	{
		v19 = vsplat(r5)
		r5:4 = combine(#0,#0)
		r3 = memb(r1+#7)
		vmem(r29+#4) = v19.new
	}
	{
		v18 = vsplat(r3)
		r3 = #127
		r1 = memb(r1+#8)
		memd(r30+#-8) = r17:16
	}
	{
		v4 = vsplat(r1)
		r1 = add(r29,#2048)
		vmem(r29+#1) = v4.new
	}
	{
		memd(r30+#-16) = r19:18
		memd(r30+#-24) = r21:20
	}
	{
		memd(r30+#-40) = r25:24
		memd(r30+#-48) = r27:26
	}
	{
		vmem(r29+#7) = v10
	}
	{
		vmem(r1+#-8) = v18
	}
	.p2align	4
.LBB0_1:
	{
		r11:10 = mpyu(r4,r22)
		r17:16 = asl(r5:4,#12)
		r9:8 = combine(#0,#1)
		r21:20 = combine(#0,#0)
	}
	{
		r11 += mpyi(r22,r5)
		r19:18 = add(r5:4,r9:8)
	}
	.p2align	4
.LBB0_2:
	{
		r25:24 = add(r11:10,r21:20)
		r27:26 = add(r21:20,r17:16)
		r14 = add(r29,#2048)
	}
	{
		r28 = addasl(r2,r26,#2)
		r1 = add(r0,r24)
		r25 = add(r29,#2048)
		r26 = add(r29,#2048)
	}
	{
		p1 = !bitsclr(r1,r3)
		r21:20 = add(r21:20,r7:6)
		r23 = and(r1,#-128)
	}
	{
		r24 = add(r23,#4224)
		r27 = add(r23,#8320)
		r8 = add(r23,#8192)
		v0 = vmem(r23+#1)
	}
	{
		p0 = cmp.eq(r21:20,r13:12)
		r9 = add(r23,#8448)
		r15 = add(r23,#8576)
		v2 = vmem(r23+#2)
	}
	{
		v21 = vmem(r23+#3)
	}
	{
		r14 = add(r23,#4480)
		v11 = valign(v2,v0,r1)
		v1 = vmem(r23+#0)
		vmem(r14+#-3) = v11.new
	}
	{
		v0 = valign(v0,v1,r1)
		v1 = vmem(r24+#0)
	}
	{
		v5:4.uh = vunpack(v11.ub)
		v3 = vmem(r24+#-1)
		vmem(r25+#0) = v4.new
	}
	{
		r26 = add(r29,#2048)
		v2 = valign(v21,v2,r1)
		v4 = vmem(r24+#1)
		vmem(r26+#1) = v5
	}
	{
		v15:14.uh = vunpack(v0.ub)
		v5 = vmem(r27+#0)
		vmem(r26+#-2) = v2
	}
	{
		r27 = add(r29,#2048)
		v20 = valign(v11,v0,#2)
		v2 = vmem(r14+#0)
	}
	{
		v0 = valign(v11,v0,#1)
		v19 = vmem(r9+#0)
	}
	{
		v2 = valign(v2,v4,r1)
		v18 = vmem(r8+#0)
		vmem(r27+#-5) = v2.new
	}
	{
		v27:26.uh = vunpack(v0.ub)
		if (p1) v21 = vmem(r15+#0)
	}
	{
		v23:22.uw = vunpack(v14.uh)
	}
	{
		v25:24.uw = vunpack(v15.uh)
	}
	{
		v4.w = vmpyieo(v10.h,v22.h)
		v13 = valign(v4,v1,r1)
	}
	{
		v14.w = vmpyieo(v10.h,v24.h)
		v15.w = vmpyieo(v10.h,v25.h)
		v1 = valign(v1,v3,r1)
	}
	{
		v4.w += vmpyie(v10.w,v22.uh)
		v11 = valign(v19,v5,r1)
	}
	{
		v5.w = vmpyieo(v10.h,v23.h)
		v2 = valign(v5,v18,r1)
	}
	{
		v5.w += vmpyie(v10.w,v23.uh)
		r1 = add(r29,#2048)
		v0 = valign(v21,v19,r1)
	}
	{
		v14.w += vmpyie(v10.w,v24.uh)
		v19:18.uw = vunpack(v26.uh)
	}
	{
		v15.w += vmpyie(v10.w,v25.uh)
		v27:26.uw = vunpack(v27.uh)
	}
	{
		v20.w = vmpyieo(v9.h,v18.h)
		v21.w = vmpyieo(v9.h,v19.h)
		v23:22.uh = vunpack(v20.ub)
	}
	{
		v28.w = vmpyieo(v9.h,v26.h)
		v29.w = vmpyieo(v9.h,v27.h)
		v16 = valign(v13,v1,#4)
		vmem(r1+#-7) = v0
	}
	{
		v20.w += vmpyie(v9.w,v18.uh)
		r1 = add(r29,#2048)
		v3 = valign(v13,v1,#3)
	}
	{
		v21.w += vmpyie(v9.w,v19.uh)
		r1 = add(r29,#2048)
		v1 = valign(v13,v1,#2)
		vmem(r1+#-4) = v13
	}
	{
		v28.w += vmpyie(v9.w,v26.uh)
		v25:24.uw = vunpack(v23.uh)
	}
	{
		v29.w += vmpyie(v9.w,v27.uh)
		v23:22.uw = vunpack(v22.uh)
	}
	{
		v27:26.w = vadd(v29:28.w,v15:14.w)
		v29:28.w = vadd(v21:20.w,v5:4.w)
	}
	{
		v30.w = vmpyieo(v6.h,v24.h)
		v0.w = vmpyieo(v6.h,v22.h)
		v21:20.uh = vunpack(v1.ub)
	}
	{
		v31.w = vmpyieo(v6.h,v25.h)
		v1.w = vmpyieo(v6.h,v23.h)
		v15:14.uh = vunpack(v3.ub)
	}
	{
		v30.w += vmpyie(v6.w,v24.uh)
		v5:4.uw = vunpack(v20.uh)
	}
	{
		v31.w += vmpyie(v6.w,v25.uh)
		v21:20.uw = vunpack(v21.uh)
	}
	{
		v0.w += vmpyie(v6.w,v22.uh)
		r1 = add(r29,#2048)
		v18 = valign(v11,v2,#6)
		vmem(r1+#-6) = v11
	}
	{
		v1.w += vmpyie(v6.w,v23.uh)
		v19 = valign(v11,v2,#5)
	}
	{
		v17 = valign(v11,v2,#4)
		v23:22.w = vadd(v1:0.w,v29:28.w)
	}
	{
		v3:2.uw = vunpack(v15.uh)
		v29:28.w = vadd(v31:30.w,v27:26.w)
	}
	{
		v26.w = vmpyieo(v12.h,v4.h)
		v27.w = vmpyieo(v12.h,v5.h)
		v15:14.uw = vunpack(v14.uh)
	}
	{
		v24.w = vmpyieo(v12.h,v20.h)
		v25.w = vmpyieo(v12.h,v21.h)
		v1:0.uh = vunpack(v16.ub)
	}
	{
		v30.w = vmpyieo(v8.h,v14.h)
		v31.w = vmpyieo(v8.h,v15.h)
		v17:16.uh = vunpack(v17.ub)
	}
	{
		v26.w += vmpyie(v12.w,v4.uh)
	}
	{
		v27.w += vmpyie(v12.w,v5.uh)
		v5:4.uw = vunpack(v17.uh)
	}
	{
		v24.w += vmpyie(v12.w,v20.uh)
		v23:22.w = vadd(v27:26.w,v23:22.w)
	}
	{
		v25.w += vmpyie(v12.w,v21.uh)
		v27:26.uw = vunpack(v0.uh)
	}
	{
		v30.w += vmpyie(v8.w,v14.uh)
		v21:20.w = vadd(v25:24.w,v29:28.w)
	}
	{
		v31.w += vmpyie(v8.w,v15.uh)
		v29:28.uw = vunpack(v1.uh)
	}
	{
		v12.w = vmpyieo(v8.h,v2.h)
		v13.w = vmpyieo(v8.h,v3.h)
		v1:0.w = vadd(v31:30.w,v23:22.w)
	}
	{
		r1 = add(r29,#2048)
		v25:24.uw = vunpack(v16.uh)
		v0 = vmem(r29+#4)
		vmem(r1+#2) = v0
	}
	{
		v12.w += vmpyie(v8.w,v2.uh)
		r1 = add(r29,#2048)
		vmem(r1+#3) = v1
	}
	{
		v13.w += vmpyie(v8.w,v3.uh)
	}
	{
		v20.w = vmpyieo(v0.h,v24.h)
		v13:12.w = vadd(v13:12.w,v21:20.w)
		v0 = vmem(r29+#4)
	}
	{
		v6.w = vmpyieo(v0.h,v4.h)
		v2.w = vmpyieo(v7.h,v28.h)
		r1 = add(r29,#2048)
		v0 = vmem(r1+#0)
	}
	{
		v3.w = vmpyieo(v7.h,v29.h)
		r1 = add(r29,#2048)
		v15:14.uw = vunpack(v1.uh)
		v1.cur = vmem(r1+#1)
	}
	{
		v2.w += vmpyie(v7.w,v28.uh)
		r1 = add(r29,#2048)
		v8 = vmem(r1+#-3)
	}
	{
		v3.w += vmpyie(v7.w,v29.uh)
		v1 = vmem(r29+#4)
	}
	{
		v20.w += vmpyie(v1.w,v24.uh)
		v1 = vmem(r1+#-2)
	}
	{
		r1 = add(r29,#2048)
		v1 = valign(v1,v8,#1)
		v3:2.w = vadd(v3:2.w,v13:12.w)
	}
	{
		r1 = add(r29,#2048)
		v13:12.uh = vunpack(v19.ub)
		v2 = vmem(r29+#4)
		vmem(r1+#4) = v2
	}
	{
		v21.w = vmpyieo(v2.h,v25.h)
		v3:2.uh = vunpack(v1.ub)
		vmem(r1+#5) = v3
	}
	{
		v30.w = vmpyieo(v7.h,v26.h)
		v31.w = vmpyieo(v7.h,v27.h)
		r1 = add(r29,#2048)
		v1 = vmem(r29+#4)
	}
	{
		v6.w += vmpyie(v1.w,v4.uh)
		v17:16.uw = vunpack(v12.uh)
	}
	{
		v21.w += vmpyie(v1.w,v25.uh)
		v1.cur = vmem(r29+#4)
	}
	{
		v30.w += vmpyie(v7.w,v26.uh)
		v29:28.uw = vunpack(v3.uh)
	}
	{
		v31.w += vmpyie(v7.w,v27.uh)
		v1 = vmem(r29+#4)
	}
	{
		v7.w = vmpyieo(v1.h,v5.h)
		v13:12.uw = vunpack(v13.uh)
		v3 = vmem(r29+#4)
	}
	{
		v24.w = vmpyieo(v10.h,v14.h)
	}
	{
		v7.w += vmpyie(v3.w,v5.uh)
		r1 = add(r29,#2048)
		v3 = vmem(r1+#-8)
	}
	{
		v26.w = vmpyieo(v3.h,v16.h)
		r1 = add(r29,#2048)
		v3 = vmem(r1+#-8)
	}
	{
		v4.w = vmpyieo(v3.h,v12.h)
		r1 = add(r29,#2048)
		v19:18.uh = vunpack(v18.ub)
		v3 = vmem(r1+#-8)
	}
	{
		v25.w = vmpyieo(v10.h,v15.h)
	}
	{
		v4.w += vmpyie(v3.w,v12.uh)
		r1 = add(r29,#2048)
		v3 = vmem(r1+#-8)
	}
	{
		v5.w = vmpyieo(v3.h,v13.h)
		r1 = add(r29,#2048)
		v23:22.uw = vunpack(v0.uh)
		v3 = vmem(r1+#-8)
	}
	{
		v24.w += vmpyie(v10.w,v14.uh)
		v11:10.uw = vunpack(v18.uh)
	}
	{
		v5.w += vmpyie(v3.w,v13.uh)
		v13:12.uw = vunpack(v19.uh)
	}
	{
		v0.w = vmpyieo(v3.h,v10.h)
		v14.w = vmpyieo(v9.h,v28.h)
		v3.cur = vmem(r29+#1)
	}
	{
		v26.w += vmpyie(v18.w,v16.uh)
		r1 = add(r29,#2048)
		v18.cur = vmem(r1+#-8)
	}
	{
		v16.w = vmpyieo(v3.h,v12.h)
		v3.cur = vmem(r29+#1)
	}
	{
		v27.w = vmpyieo(v18.h,v17.h)
		v3 = vmem(r29+#1)
	}
	{
		v27.w += vmpyie(v18.w,v17.uh)
		v19 = vmem(r29+#4)
	}
	{
		v0.w += vmpyie(v3.w,v10.uh)
		r1 = add(r29,#2048)
		v3 = vmem(r29+#1)
		vmem(r1+#0) = v0.new
	}
	{
		v16.w += vmpyie(v3.w,v12.uh)
		v3 = vmem(r29+#1)
	}
	{
		v1.w = vmpyieo(v3.h,v11.h)
		v3 = vmem(r29+#1)
	}
	{
		v17.w = vmpyieo(v3.h,v13.h)
		v3 = vmem(r29+#1)
	}
	{
		v14.w += vmpyie(v9.w,v28.uh)
	}
	{
		v1.w += vmpyie(v3.w,v11.uh)
		r1 = add(r29,#2048)
		v3 = vmem(r29+#1)
		vmem(r1+#1) = v1.new
	}
	{
		v17.w += vmpyie(v3.w,v13.uh)
		r1 = add(r29,#2048)
		v0 = vmem(r1+#2)
	}
	{
		r1 = add(r29,#2048)
		v13:12.uw = vunpack(v2.uh)
		v1 = vmem(r1+#3)
	}
	{
		r1 = add(r29,#2048)
		v11:10.w = vadd(v31:30.w,v1:0.w)
		v0 = vmem(r1+#4)
	}
	{
		r1 = add(r29,#2048)
		v11:10.w = vadd(v21:20.w,v11:10.w)
		v1 = vmem(r1+#5)
	}
	{
		v1:0.w = vadd(v7:6.w,v1:0.w)
		v3 = vmem(r29+#7)
	}
	{
		v25.w += vmpyie(v3.w,v15.uh)
		v3 = vmem(r29+#7)
	}
	{
		v30.w = vmpyieo(v3.h,v22.h)
		v1:0.w = vadd(v5:4.w,v1:0.w)
		v2 = vmem(r29+#7)
	}
	{
		v30.w += vmpyie(v2.w,v22.uh)
		v2 = vmem(r1+#-2)
	}
	{
		r1 = add(r29,#2048)
		v3 = valign(v2,v8,#2)
	}
	{
		v31.w = vmpyieo(v2.h,v23.h)
		r1 = add(r29,#2048)
		v2.cur = vmem(r29+#7)
		vmem(r1+#-2) = v0
	}
	{
		v2.w = vmpyieo(v9.h,v12.h)
		r1 = add(r29,#2048)
		v21:20.uh = vunpack(v3.ub)
		vmem(r1+#-1) = v1
	}
	{
		v2.w += vmpyie(v9.w,v12.uh)
		r1 = add(r29,#2048)
		v0 = vmem(r1+#-5)
	}
	{
		v15.w = vmpyieo(v9.h,v29.h)
		r1 = add(r29,#2048)
		v5:4.uw = vunpack(v20.uh)
		v1 = vmem(r1+#-4)
	}
	{
		v31.w += vmpyie(v3.w,v23.uh)
		v12 = valign(v0,v1,#2)
		v3.cur = vmem(r29+#7)
	}
	{
		v3.w = vmpyieo(v9.h,v13.h)
		v23:22.uw = vunpack(v21.uh)
		v6 = vmem(r29+#6)
	}
	{
		v3.w += vmpyie(v9.w,v13.uh)
		v11:10.w = vadd(v27:26.w,v11:10.w)
	}
	{
		v26.w = vmpyieo(v6.h,v4.h)
		v6 = vmem(r29+#6)
	}
	{
		v20.w = vmpyieo(v6.h,v22.h)
		v6 = vmem(r29+#6)
	}
	{
		v26.w += vmpyie(v6.w,v4.uh)
		v4 = vmem(r29+#6)
	}
	{
		v20.w += vmpyie(v4.w,v22.uh)
		v13:12.uh = vunpack(v12.ub)
	}
	{
		v15.w += vmpyie(v9.w,v29.uh)
		v4 = vmem(r29+#6)
	}
	{
		v27.w = vmpyieo(v4.h,v5.h)
		v29:28.uw = vunpack(v13.uh)
		v4 = vmem(r29+#6)
	}
	{
		v21.w = vmpyieo(v4.h,v23.h)
		v3:2.w = vadd(v3:2.w,v31:30.w)
		v4 = vmem(r29+#6)
	}
	{
		v21.w += vmpyie(v4.w,v23.uh)
		v4 = valign(v0,v1,#3)
		v6 = vmem(r29+#6)
	}
	{
		v27.w += vmpyie(v6.w,v5.uh)
		v31:30.uw = vunpack(v12.uh)
	}
	{
		v24.w = vmpyieo(v5.h,v28.h)
		v15:14.w = vadd(v15:14.w,v25:24.w)
		v5.cur = vmem(r29+#5)
	}
	{
		v12.w = vmpyieo(v5.h,v30.h)
		v23:22.w = vadd(v21:20.w,v15:14.w)
		v5.cur = vmem(r29+#5)
	}
	{
		v5:4.uh = vunpack(v4.ub)
		v6 = vmem(r29+#5)
	}
	{
		v24.w += vmpyie(v6.w,v28.uh)
		v6 = vmem(r29+#5)
	}
	{
		v12.w += vmpyie(v6.w,v30.uh)
		v6 = vmem(r29+#5)
	}
	{
		v25.w = vmpyieo(v6.h,v29.h)
		v21:20.uw = vunpack(v5.uh)
		v6 = vmem(r29+#5)
	}
	{
		v13.w = vmpyieo(v6.h,v31.h)
		v15:14.uw = vunpack(v4.uh)
		v8 = vmem(r29+#3)
	}
	{
		v5 = valign(v0,v1,#4)
		v3:2.w = vadd(v27:26.w,v3:2.w)
		v4 = vmem(r29+#5)
	}
	{
		v13.w += vmpyie(v4.w,v31.uh)
		v4 = vmem(r29+#3)
	}
	{
		v26.w = vmpyieo(v8.h,v20.h)
		v8 = vmem(r29+#3)
	}
	{
		v27.w = vmpyieo(v8.h,v21.h)
		v3:2.w = vadd(v13:12.w,v3:2.w)
	}
	{
		v13:12.uh = vunpack(v5.ub)
		v8 = vmem(r29+#3)
	}
	{
		v27.w += vmpyie(v8.w,v21.uh)
		v21 = vmem(r1+#-7)
	}
	{
		v4.w = vmpyieo(v4.h,v14.h)
		r1 = add(r29,#2048)
		v5 = vmem(r29+#3)
	}
	{
		v4.w += vmpyie(v5.w,v14.uh)
		v0 = vmem(r29+#5)
	}
	{
		v25.w += vmpyie(v0.w,v29.uh)
		v5 = vmem(r29+#3)
	}
	{
		v26.w += vmpyie(v5.w,v20.uh)
		v29:28.w = vadd(v25:24.w,v23:22.w)
	}
	{
		v5 = vmem(r29+#3)
	}
	{
		v5.w = vmpyieo(v5.h,v15.h)
		r1 = add(r29,#2048)
		v25:24.uw = vunpack(v12.uh)
		v0 = vmem(r1+#-6)
	}
	{
		v5.w += vmpyie(v8.w,v15.uh)
		v12 = valign(v21,v0,#4)
		v8.cur = vmem(r29+#3)
	}
	{
		v3:2.w = vadd(v5:4.w,v3:2.w)
		v8 = vmem(r29+#2)
	}
	{
		v23:22.uw = vunpack(v13.uh)
		v4 = vmem(r29+#2)
	}
	{
		v13:12.uh = vunpack(v12.ub)
		v27:26.w = vadd(v27:26.w,v29:28.w)
	}
	{
		v28.w = vmpyieo(v8.h,v22.h)
		v29.w = vmpyieo(v4.h,v23.h)
		v20 = valign(v21,v0,#5)
		v8 = vmem(r29+#2)
	}
	{
		v14.w = vmpyieo(v8.h,v24.h)
		v15.w = vmpyieo(v4.h,v25.h)
		v4.cur = vmem(r29+#2)
	}
	{
		v31:30.uw = vunpack(v13.uh)
		v8 = vmem(r29+#2)
	}
	{
		v13:12.uw = vunpack(v12.uh)
		v4 = vmem(r29+#2)
	}
	{
		v28.w += vmpyie(v8.w,v22.uh)
		v8 = vmem(r29+#2)
	}
	{
		v14.w += vmpyie(v8.w,v24.uh)
		v8 = v21
		v6 = vmem(r29+#6)
	}
	{
		v15.w += vmpyie(v4.w,v25.uh)
		v4 = vmem(r29+#2)
	}
	{
		v29.w += vmpyie(v4.w,v23.uh)
		v5:4.w = vadd(v15:14.w,v3:2.w)
	}
	{
		v14.w = vmpyieo(v19.h,v12.h)
		v15.w = vmpyieo(v19.h,v13.h)
		v21:20.uh = vunpack(v20.ub)
	}
	{
		v14.w += vmpyie(v19.w,v12.uh)
		r1 = add(r29,#2048)
		v12 = valign(v8,v0,#6)
		v0 = vmem(r1+#0)
	}
	{
		v15.w += vmpyie(v19.w,v13.uh)
		v25:24.uw = vunpack(v20.uh)
	}
	{
		v13:12.uh = vunpack(v12.ub)
		v5:4.w = vadd(v15:14.w,v5:4.w)
	}
	{
		v2.w = vmpyieo(v19.h,v30.h)
		r1 = add(r29,#2048)
		v21:20.uw = vunpack(v21.uh)
		v1 = vmem(r1+#1)
	}
	{
		v3.w = vmpyieo(v19.h,v31.h)
		v15:14.uw = vunpack(v12.uh)
		v8 = vmem(r29+#1)
	}
	{
		v23:22.w = vadd(v29:28.w,v27:26.w)
		v11:10.w = vadd(v1:0.w,v11:10.w)
	}
	{
		v26.w = vmpyieo(v18.h,v20.h)
		v27.w = vmpyieo(v18.h,v21.h)
		r1 = add(r29,#2048)
		v0 = vmem(r1+#-2)
	}
	{
		v12.w = vmpyieo(v8.h,v14.h)
		v28.w = vmpyieo(v18.h,v24.h)
		v8 = vmem(r29+#1)
		vmem(r28+#0) = v10
	}
	{
		v12.w += vmpyie(v8.w,v14.uh)
		v1 = vmem(r1+#-1)
		vmem(r28+#1) = v11
	}
	{
		v26.w += vmpyie(v18.w,v20.uh)
		v8 = vmem(r29+#1)
	}
	{
		v27.w += vmpyie(v18.w,v21.uh)
		v21:20.uw = vunpack(v13.uh)
	}
	{
		v29.w = vmpyieo(v18.h,v25.h)
		v13.w = vmpyieo(v8.h,v15.h)
		v1:0.w = vadd(v17:16.w,v1:0.w)
	}
	{
		v13.w += vmpyie(v8.w,v15.uh)
		v8.cur = vmem(r29+#1)
		vmem(r28+#2) = v0
	}
	{
		v10.w = vmpyieo(v8.h,v20.h)
		v8.cur = vmem(r29+#1)
		vmem(r28+#3) = v1
	}
	{
		v2.w += vmpyie(v19.w,v30.uh)
		v0 = vmem(r29+#1)
	}
	{
		v3.w += vmpyie(v19.w,v31.uh)
		v8 = vmem(r29+#3)
	}
	{
		v28.w += vmpyie(v18.w,v24.uh)
		v3:2.w = vadd(v3:2.w,v23:22.w)
	}
	{
		v29.w += vmpyie(v18.w,v25.uh)
		v3:2.w = vadd(v27:26.w,v3:2.w)
	}
	{
		v10.w += vmpyie(v0.w,v20.uh)
		v0 = vmem(r29+#1)
	}
	{
		v11.w = vmpyieo(v0.h,v21.h)
		v5:4.w = vadd(v29:28.w,v5:4.w)
		v7 = vmem(r29+#2)
	}
	{
		v1:0.w = vadd(v13:12.w,v5:4.w)
		v4 = vmem(r29+#1)
	}
	{
		v11.w += vmpyie(v4.w,v21.uh)
		v12 = vmem(r29+#5)
		vmem(r28+#4) = v0
	}
	{
		v1:0.w = vadd(v11:10.w,v3:2.w)
		v10 = vmem(r29+#7)
		vmem(r28+#5) = v1
	}
	{
		vmem(r28+#6) = v0
	}
	{
		if (!p0) jump:nt .LBB0_2
		vmem(r28+#7) = v1
	}
	{
		r8 = #4095
		r9 = #0
	}
	{
		p0 = cmp.gtu(r9:8,r5:4)
		r5:4 = combine(r19,r18)
		if (p0.new) jump:t .LBB0_1
	}
	{
		r17:16 = memd(r30+#-8)
		r19:18 = memd(r30+#-16)
	}
	{
		r21:20 = memd(r30+#-24)
		r23:22 = memd(r30+#-32)
	}
	{
		r25:24 = memd(r30+#-40)
		r27:26 = memd(r30+#-48)
	}
	{
		r31:30 = dealloc_return(r30):raw
	}
.Lfunc_end0:
	.size	conv3x3_u8, .Lfunc_end0-conv3x3_u8

	.section	".note.GNU-stack","",@progbits
