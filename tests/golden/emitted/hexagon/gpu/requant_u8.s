# LLVM -O3's code: our code failed on QEMU (ToolchainError: llvm-mc rejected the kernel assembly: kernel.s:6:54: error: invalid instruction packet: out of slots), LLVM's ran 4980740 packets
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	requant_u8
	.p2align	4
	.type	requant_u8,@function
requant_u8:
	{
		r5:4 = combine(#77,#10)
		r8 = #255
		r3:2 = combine(#0,#0)
		v0 = vxor(v0,v0)
	}
	{
		v2 = vsplat(r8)
		v1 = vsplat(r5)
		r6 = #1024
		r7 = #0
	}
	{
		r8 = ##67108864
		r9 = #0
	}
	.p2align	4
.LBB0_1:
	{
		r12 = addasl(r0,r2,#2)
		r3:2 = add(r3:2,r7:6)
		r5 = add(r1,r2)
	}
	{
		r14 = add(r12,#1024)
		r10 = add(r12,#1792)
		r11 = add(r12,#1920)
		r28 = add(r12,#2304)
	}
	{
		p0 = cmp.eq(r3:2,r9:8)
		v3.w = vmpyieo(v5.h,v1.h)
		r13 = add(r14,#512)
		v5.cur = vmem(r12+#0)
	}
	{
		v4.w = vmpyieo(v6.h,v1.h)
		v6.cur = vmem(r12+#1)
	}
	{
		v12.w = vmpyieo(v9.h,v1.h)
		v9.cur = vmem(r12+#2)
	}
	{
		v7.w = vmpyieo(v10.h,v1.h)
		v10.cur = vmem(r12+#3)
	}
	{
		v16.w = vmpyieo(v15.h,v1.h)
		v15.cur = vmem(r12+#7)
	}
	{
		v24.w = vmpyieo(v23.h,v1.h)
		v23.cur = vmem(r12+#6)
	}
	{
		v3.w += vmpyie(v5.w,v1.uh)
		v11 = vmem(r12+#5)
	}
	{
		v4.w += vmpyie(v6.w,v1.uh)
		v13 = vmem(r12+#4)
	}
	{
		v7.w += vmpyie(v10.w,v1.uh)
		v3.w = vasr(v3.w,r4)
		v30 = vmem(r14+#0)
	}
	{
		v12.w += vmpyie(v9.w,v1.uh)
		v4.w = vasr(v4.w,r4)
		v3.w = vmax(v3.w,v0.w)
	}
	{
		v24.w += vmpyie(v23.w,v1.uh)
		v26.w = vasr(v7.w,r4)
		v4.w = vmax(v4.w,v0.w)
	}
	{
		v16.w += vmpyie(v15.w,v1.uh)
		v25.w = vasr(v12.w,r4)
		v6.w = vmax(v26.w,v0.w)
	}
	{
		v8.w = vmpyieo(v11.h,v1.h)
		v14.w = vmpyieo(v13.h,v1.h)
		v27.w = vasr(v24.w,r4)
		v5.w = vmax(v25.w,v0.w)
	}
	{
		v14.w += vmpyie(v13.w,v1.uh)
		v29.w = vasr(v16.w,r4)
		v7.w = vmax(v27.w,v0.w)
	}
	{
		v8.w += vmpyie(v11.w,v1.uh)
		v10.w = vmax(v29.w,v0.w)
		v17 = vmem(r14+#1)
	}
	{
		v31.w = vmpyieo(v30.h,v1.h)
		v18.w = vmpyieo(v17.h,v1.h)
		v14.w = vasr(v14.w,r4)
		v28 = vmem(r14+#2)
	}
	{
		v16.w = vmpyieo(v28.h,v1.h)
		v21.w = vmpyieo(v20.h,v1.h)
		v8.w = vasr(v8.w,r4)
		v20.cur = vmem(r14+#3)
	}
	{
		v31.w += vmpyie(v30.w,v1.uh)
		r14 = add(r14,#640)
		v5.w = vmin(v5.w,v2.w)
		v3.w = vmin(v3.w,v2.w)
	}
	{
		v4.w = vmin(v4.w,v2.w)
		v6.w = vmin(v6.w,v2.w)
		v7.w = vmin(v7.w,v2.w)
		v22.w = vmin(v10.w,v2.w)
	}
	{
		v21.w += vmpyie(v20.w,v1.uh)
		v8.w = vmax(v8.w,v0.w)
		v19.w = vmax(v14.w,v0.w)
	}
	{
		v16.w += vmpyie(v28.w,v1.uh)
		v3.h = vpacke(v4.w,v3.w)
		v23.w = vasr(v31.w,r4)
	}
	{
		v18.w += vmpyie(v17.w,v1.uh)
		v4.h = vpacke(v6.w,v5.w)
		v26 = vmem(r13+#0)
	}
	{
		v6.h = vpacke(v22.w,v7.w)
		v9.w = vmin(v19.w,v2.w)
		v8.w = vmin(v8.w,v2.w)
		v29 = vmem(r14+#0)
	}
	{
		v21.w = vmpyieo(v20.h,v1.h)
		v28.w = vmpyieo(v26.h,v1.h)
		v25.w = vasr(v21.w,r4)
		v20.cur = vmem(r10+#0)
	}
	{
		v23.w = vmpyieo(v22.h,v1.h)
		v30.w = vmpyieo(v29.h,v1.h)
		v10.w = vmax(v23.w,v0.w)
		v22.cur = vmem(r11+#0)
	}
	{
		v30.w += vmpyie(v29.w,v1.uh)
		r11 = add(r12,#2048)
		v13.w = vasr(v16.w,r4)
		v5.h = vpacke(v8.w,v9.w)
	}
	{
		v28.w += vmpyie(v26.w,v1.uh)
		r10 = add(r12,#2432)
		v24.w = vasr(v18.w,r4)
		v27.w = vmax(v13.w,v0.w)
	}
	{
		v21.w += vmpyie(v20.w,v1.uh)
		v8.w = vmax(v24.w,v0.w)
		v7.w = vmax(v25.w,v0.w)
	}
	{
		v23.w += vmpyie(v22.w,v1.uh)
		r28 = add(r12,#2176)
		v11.w = vmin(v27.w,v2.w)
		v29 = vmem(r28+#0)
	}
	{
		v25.w = vasr(v28.w,r4)
		v31.w = vmin(v10.w,v2.w)
		v8.w = vmin(v8.w,v2.w)
		v24.w = vmin(v7.w,v2.w)
	}
	{
		v30.w = vmpyieo(v29.h,v1.h)
		v26.w = vasr(v30.w,r4)
		v3.b = vpacke(v4.h,v3.h)
		v10.w = vmax(v25.w,v0.w)
	}
	{
		v28.w = vasr(v23.w,r4)
		v7.h = vpacke(v8.w,v31.w)
		v9.w = vmax(v26.w,v0.w)
		v23 = vmem(r28+#0)
	}
	{
		v27.w = vasr(v21.w,r4)
		v8.h = vpacke(v24.w,v11.w)
		v12.w = vmax(v28.w,v0.w)
		v21 = vmem(r11+#0)
	}
	{
		v22.w = vmpyieo(v21.h,v1.h)
		v24.w = vmpyieo(v23.h,v1.h)
		v11.w = vmax(v27.w,v0.w)
		v31 = vmem(r10+#0)
	}
	{
		v30.w += vmpyie(v29.w,v1.uh)
		r10 = add(r12,#2816)
		r11 = add(r12,#2688)
		v11.w = vmin(v11.w,v2.w)
	}
	{
		v20.w = vmpyieo(v31.h,v1.h)
		v10.w = vmin(v10.w,v2.w)
		v9.w = vmin(v9.w,v2.w)
		v27 = vmem(r10+#0)
	}
	{
		v22.w += vmpyie(v21.w,v1.uh)
		r10 = add(r12,#2560)
		v12.w = vmin(v12.w,v2.w)
		v29 = vmem(r11+#0)
	}
	{
		v24.w += vmpyie(v23.w,v1.uh)
		r28 = add(r12,#2944)
		v25.w = vasr(v30.w,r4)
		v23 = vmem(r10+#0)
	}
	{
		v20.w += vmpyie(v31.w,v1.uh)
		r11 = add(r12,#3328)
		v9.h = vpacke(v9.w,v10.w)
		v28.w = vasr(v22.w,r4)
	}
	{
		v30.w = vmpyieo(v29.h,v1.h)
		v17.w = vasr(v24.w,r4)
		v10.h = vpacke(v12.w,v11.w)
		v11.w = vmax(v25.w,v0.w)
	}
	{
		v25.w = vmpyieo(v23.h,v1.h)
		v31.w = vmpyieo(v27.h,v1.h)
		v26.w = vasr(v20.w,r4)
		v14.w = vmax(v28.w,v0.w)
	}
	{
		v25.w += vmpyie(v23.w,v1.uh)
		r28 = add(r12,#3200)
		v17.w = vmax(v17.w,v0.w)
		v19 = vmem(r28+#0)
	}
	{
		v30.w += vmpyie(v29.w,v1.uh)
		r10 = add(r12,#3456)
		v12.w = vmax(v26.w,v0.w)
		v14.w = vmin(v14.w,v2.w)
	}
	{
		v31.w += vmpyie(v27.w,v1.uh)
		r11 = add(r12,#3072)
		v24.w = vmin(v17.w,v2.w)
		v27 = vmem(r11+#0)
	}
	{
		v29.w = vmpyieo(v27.h,v1.h)
		v28.w = vasr(v25.w,r4)
		v22.w = vmin(v11.w,v2.w)
		v12.w = vmin(v12.w,v2.w)
	}
	{
		v20.w = vmpyieo(v19.h,v1.h)
		r28 = add(r12,#3584)
		v26.w = vasr(v30.w,r4)
		v30 = vmem(r28+#0)
	}
	{
		v29.w += vmpyie(v27.w,v1.uh)
		r10 = add(r12,#3712)
		v18.w = vasr(v31.w,r4)
		v25 = vmem(r10+#0)
	}
	{
		v31.w = vmpyieo(v30.h,v1.h)
		v11.h = vpacke(v24.w,v14.w)
		v14.w = vmax(v26.w,v0.w)
		v21 = vmem(r11+#0)
	}
	{
		v26.w = vmpyieo(v25.h,v1.h)
		v22.w = vmpyieo(v21.h,v1.h)
		v12.h = vpacke(v12.w,v22.w)
		v27 = vmem(r28+#0)
	}
	{
		v20.w += vmpyie(v19.w,v1.uh)
		r11 = add(r12,#3840)
		v15.w = vmax(v28.w,v0.w)
		v24.w = vmax(v18.w,v0.w)
	}
	{
		v31.w += vmpyie(v30.w,v1.uh)
		r12 = add(r12,#3968)
		v16.w = vasr(v29.w,r4)
		v18.w = vmin(v24.w,v2.w)
	}
	{
		v26.w += vmpyie(v25.w,v1.uh)
		v19.w = vasr(v20.w,r4)
		v15.w = vmin(v15.w,v2.w)
	}
	{
		v30.w = vmpyieo(v27.h,v1.h)
		v20.w = vasr(v31.w,r4)
		v19.w = vmax(v19.w,v0.w)
		v31 = vmem(r10+#0)
	}
	{
		v30.w += vmpyie(v27.w,v1.uh)
		v28.w = vasr(v26.w,r4)
		v14.w = vmin(v14.w,v2.w)
	}
	{
		v22.w += vmpyie(v21.w,v1.uh)
		v24.w = vmax(v28.w,v0.w)
		v28 = vmem(r11+#0)
	}
	{
		v26.w = vmpyieo(v31.h,v1.h)
		v27.w = vasr(v30.w,r4)
		v19.w = vmin(v19.w,v2.w)
		v30 = vmem(r12+#0)
	}
	{
		v26.w += vmpyie(v31.w,v1.uh)
		v29.w = vasr(v22.w,r4)
		v13.h = vpacke(v14.w,v15.w)
	}
	{
		v29.w = vmpyieo(v28.h,v1.h)
		v31.w = vmpyieo(v30.h,v1.h)
		v17.w = vmax(v29.w,v0.w)
		v25.w = vmax(v16.w,v0.w)
	}
	{
		v29.w += vmpyie(v28.w,v1.uh)
		v16.w = vasr(v26.w,r4)
		v14.w = vmin(v24.w,v2.w)
	}
	{
		v31.w += vmpyie(v30.w,v1.uh)
		v20.w = vmax(v20.w,v0.w)
		vmem(r5+#0) = v3
	}
	{
		v24.w = vasr(v29.w,r4)
		v18.h = vpacke(v19.w,v18.w)
		v19.w = vmax(v27.w,v0.w)
		v16.w = vmax(v16.w,v0.w)
	}
	{
		v3.w = vasr(v31.w,r4)
		v26.w = vmax(v24.w,v0.w)
		v15.w = vmin(v25.w,v2.w)
		v17.w = vmin(v17.w,v2.w)
	}
	{
		v3.w = vmax(v3.w,v0.w)
		v20.w = vmin(v20.w,v2.w)
		v19.w = vmin(v19.w,v2.w)
		v16.w = vmin(v16.w,v2.w)
	}
	{
		v14.h = vpacke(v14.w,v15.w)
		v4.w = vmin(v26.w,v2.w)
		v3.w = vmin(v3.w,v2.w)
	}
	{
		v17.h = vpacke(v20.w,v17.w)
	}
	{
		v23.h = vpacke(v16.w,v19.w)
	}
	{
		v3.h = vpacke(v3.w,v4.w)
	}
	{
		v25.b = vpacke(v6.h,v5.h)
		vmem(r5+#1) = v25.new
	}
	{
		v27.b = vpacke(v8.h,v7.h)
		vmem(r5+#2) = v27.new
	}
	{
		v28.b = vpacke(v10.h,v9.h)
		vmem(r5+#3) = v28.new
	}
	{
		v29.b = vpacke(v12.h,v11.h)
		vmem(r5+#4) = v29.new
	}
	{
		v30.b = vpacke(v18.h,v13.h)
		vmem(r5+#5) = v30.new
	}
	{
		v31.b = vpacke(v14.h,v17.h)
		vmem(r5+#6) = v31.new
	}
	{
		if (!p0) jump:nt .LBB0_1
		v3.b = vpacke(v3.h,v23.h)
		vmem(r5+#7) = v3.new
	}
	{
		jumpr r31
	}
.Lfunc_end0:
	.size	requant_u8, .Lfunc_end0-requant_u8

	.section	".note.GNU-stack","",@progbits
