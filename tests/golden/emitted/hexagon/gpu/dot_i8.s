# LLVM -O3's code: our code failed on QEMU (ToolchainError: llvm-mc rejected the kernel assembly: kernel.s:6:73: error: invalid instruction packet: out of slots), LLVM's ran 22020121 packets
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	dot_i8
	.p2align	4
	.type	dot_i8,@function
dot_i8:
	{
		r6 = #1024
		v13:12.w = vsub(v13:12.w,v13:12.w)
		r7 = #0
		r5:4 = combine(#0,#0)
	}
	{
		r8 = ##268435456
		v17:16 = vcombine(v13,v12)
		v1:0 = vcombine(v13,v12)
	}
	{
		r9 = #0
		v5:4 = vcombine(v13,v12)
		allocframe(r29,#2560):raw
	}
	{
		r29 = and(r29,#-256)
	}
	.p2align	4
.LBB0_1:
	{
		r3 = add(r29,#2048)
		r12 = add(r0,r4)
		r13 = add(r29,#2048)
		vmem(r29+#6) = v0
	}
	{
		r3 = add(r29,#2048)
		v3:2.h = vunpack(v0.b)
		v0.cur = vmem(r12+#0)
		vmem(r3+#-4) = v4
	}
	{
		r3 = add(r1,r4)
		v19:18.h = vunpack(v0.b)
		v0.cur = vmem(r12+#1)
		vmem(r3+#-3) = v5
	}
	{
		r10 = add(r29,#2048)
		v25:24.h = vunpack(v0.b)
		v0.cur = vmem(r3+#0)
		vmem(r29+#7) = v1
	}
	{
		r11 = add(r29,#2048)
		r14 = add(r29,#2048)
		v1:0.w = vunpack(v2.h)
		v2 = vmem(r3+#1)
	}
	{
		r15 = add(r29,#2048)
		r28 = add(r29,#2048)
		v27:26.h = vunpack(v2.b)
		v2 = vmem(r12+#2)
	}
	{
		r5:4 = add(r5:4,r7:6)
		v5:4.h = vunpack(v2.b)
		v2 = vmem(r12+#3)
	}
	{
		p0 = cmp.eq(r5:4,r9:8)
		v21:20.h = vunpack(v2.b)
		v2 = vmem(r3+#2)
	}
	{
		v7:6.h = vunpack(v2.b)
		v2 = vmem(r3+#3)
		vmem(r13+#0) = v6.new
	}
	{
		v29:28.w = vunpack(v3.h)
		vmem(r10+#1) = v7
	}
	{
		r10 = add(r29,#2048)
		v7:6.h = vunpack(v2.b)
		v2 = vmem(r12+#4)
	}
	{
		r11 = add(r29,#2048)
		v3:2.h = vunpack(v2.b)
		vmem(r11+#-8) = v6
	}
	{
		v15:14.w = vunpack(v25.h)
		v2 = vmem(r12+#5)
		vmem(r29+#4) = v2
	}
	{
		v11:10.w = vunpack(v24.h)
		vmem(r29+#5) = v3
	}
	{
		v8.w = vmpyieo(v14.h,v28.h)
		v9.w = vmpyieo(v15.h,v29.h)
		v3:2.h = vunpack(v2.b)
	}
	{
		v25:24.w = vunpack(v27.h)
		v2 = vmem(r3+#4)
		vmem(r29+#0) = v2
	}
	{
		v8.w += vmpyie(v14.w,v28.uh)
		vmem(r29+#1) = v3
	}
	{
		v9.w += vmpyie(v15.w,v29.uh)
		v3:2.h = vunpack(v2.b)
	}
	{
		v6.w = vmpyieo(v10.h,v0.h)
		v31:30.w = vunpack(v26.h)
		vmem(r29+#2) = v2
	}
	{
		v3:2.w = vunpack(v19.h)
		vmem(r29+#3) = v3
	}
	{
		v7.w = vmpyieo(v11.h,v1.h)
		r14 = add(r29,#2048)
		v23:22.w = vunpack(v18.h)
		vmem(r14+#-7) = v7
	}
	{
		v6.w += vmpyie(v10.w,v0.uh)
		v19:18.w = vunpack(v5.h)
	}
	{
		v27:26.w = vunpack(v4.h)
		v5:4.w = vadd(v9:8.w,v17:16.w)
	}
	{
		v0.w = vmpyieo(v24.h,v2.h)
		v8.w = vmpyieo(v30.h,v22.h)
		r15 = add(r29,#2048)
		vmem(r15+#-6) = v4
	}
	{
		v7.w += vmpyie(v11.w,v1.uh)
		r28 = add(r29,#2048)
		vmem(r28+#-5) = v5
	}
	{
		v1.w = vmpyieo(v25.h,v3.h)
		v9.w = vmpyieo(v31.h,v23.h)
		v5:4.w = vadd(v7:6.w,v13:12.w)
	}
	{
		v0.w += vmpyie(v24.w,v2.uh)
		r10 = add(r29,#2048)
		v2 = vmem(r14+#-4)
		vmem(r10+#-2) = v4
	}
	{
		v1.w += vmpyie(v25.w,v3.uh)
		r11 = add(r29,#2048)
		v3 = vmem(r15+#-3)
		vmem(r11+#-1) = v5
	}
	{
		v9.w += vmpyie(v31.w,v23.uh)
		r14 = add(r29,#2048)
		r15 = add(r29,#2048)
		v7:6.w = vunpack(v21.h)
	}
	{
		v29:28.w = vunpack(v20.h)
		v21:20.w = vadd(v1:0.w,v3:2.w)
	}
	{
		r28 = add(r29,#2048)
		v5:4.w = vunpack(v0.h)
		v0.cur = vmem(r28+#0)
	}
	{
		r10 = add(r29,#2048)
		v3:2.w = vunpack(v1.h)
		v1.cur = vmem(r10+#1)
	}
	{
		v14.w = vmpyieo(v4.h,v26.h)
		v17:16.h = vunpack(v0.b)
		v0.cur = vmem(r3+#5)
	}
	{
		v8.w += vmpyie(v30.w,v22.uh)
		v0 = vmem(r29+#6)
	}
	{
		v15.w = vmpyieo(v5.h,v27.h)
		v24.w = vmpyieo(v2.h,v18.h)
		v1 = vmem(r29+#7)
	}
	{
		v25.w = vmpyieo(v3.h,v19.h)
		v9:8.w = vadd(v9:8.w,v1:0.w)
		v0 = vmem(r12+#6)
	}
	{
		v13:12.h = vunpack(v0.b)
		v0 = vmem(r11+#-8)
	}
	{
		r11 = add(r29,#2048)
		v10 = v0
		v1 = vmem(r14+#-7)
	}
	{
		v1:0.w = vunpack(v1.h)
	}
	{
		v14.w += vmpyie(v4.w,v26.uh)
		v11:10.w = vunpack(v10.h)
	}
	{
		v15.w += vmpyie(v5.w,v27.uh)
		v4 = vmem(r15+#-2)
	}
	{
		v24.w += vmpyie(v2.w,v18.uh)
		v5 = vmem(r28+#-1)
	}
	{
		v2.w = vmpyieo(v10.h,v28.h)
		v18.w = vmpyieo(v0.h,v6.h)
		v27:26.w = vadd(v15:14.w,v5:4.w)
	}
	{
		v25.w += vmpyie(v3.w,v19.uh)
		v3 = vmem(r12+#7)
	}
	{
		v3.w = vmpyieo(v11.h,v29.h)
		v19.w = vmpyieo(v1.h,v7.h)
		v15:14.h = vunpack(v3.b)
	}
	{
		v2.w += vmpyie(v10.w,v28.uh)
		v4 = vmem(r10+#-6)
	}
	{
		v3.w += vmpyie(v11.w,v29.uh)
		v5 = vmem(r11+#-5)
	}
	{
		v18.w += vmpyie(v0.w,v6.uh)
		v10 = vmem(r3+#6)
	}
	{
		v3:2.w = vadd(v3:2.w,v9:8.w)
		v0 = vmem(r3+#7)
	}
	{
		v5:4.w = vadd(v25:24.w,v5:4.w)
		v31 = vmem(r29+#4)
		vmem(r29+#6) = v2
	}
	{
		v19.w += vmpyie(v1.w,v7.uh)
		v25:24.h = vunpack(v10.b)
	}
	{
		v11:10.h = vunpack(v0.b)
		v0 = vmem(r29+#2)
		vmem(r29+#7) = v3
	}
	{
		v7:6.w = vunpack(v0.h)
		v23 = vmem(r29+#5)
		vmem(r29+#4) = v4
	}
	{
		v31:30.w = vunpack(v31.h)
		v3:2.w = vadd(v19:18.w,v21:20.w)
	}
	{
		v5:4.w = vunpack(v1.h)
		v1.cur = vmem(r29+#3)
		vmem(r29+#5) = v5
	}
	{
		v18.w = vmpyieo(v6.h,v30.h)
		v19.w = vmpyieo(v7.h,v31.h)
		v23:22.w = vunpack(v23.h)
	}
	{
		v21:20.w = vunpack(v0.h)
		v0.cur = vmem(r29+#0)
		vmem(r29+#2) = v2
	}
	{
		v29:28.w = vunpack(v1.h)
		v1.cur = vmem(r29+#1)
		vmem(r29+#3) = v3
	}
	{
		v17.w = vmpyieo(v5.h,v23.h)
		v3:2.w = vunpack(v17.h)
	}
	{
		v16.w = vmpyieo(v4.h,v22.h)
		v1:0.w = vunpack(v16.h)
	}
	{
		v18.w += vmpyie(v6.w,v30.uh)
	}
	{
		v19.w += vmpyie(v7.w,v31.uh)
		v7:6.w = vunpack(v13.h)
	}
	{
		v13.w = vmpyieo(v3.h,v29.h)
		v18.w = vmpyieo(v0.h,v20.h)
		v9:8.w = vadd(v19:18.w,v27:26.w)
	}
	{
		v12.w = vmpyieo(v2.h,v28.h)
		v19.w = vmpyieo(v1.h,v21.h)
		v27:26.w = vunpack(v12.h)
	}
	{
		v16.w += vmpyie(v4.w,v22.uh)
		v31:30.w = vunpack(v24.h)
	}
	{
		v17.w += vmpyie(v5.w,v23.uh)
		v23:22.w = vunpack(v25.h)
	}
	{
		v12.w += vmpyie(v2.w,v28.uh)
		v5:4.w = vunpack(v10.h)
	}
	{
		v13.w += vmpyie(v3.w,v29.uh)
		v29:28.w = vunpack(v14.h)
	}
	{
		v24.w = vmpyieo(v22.h,v6.h)
		v25.w = vmpyieo(v23.h,v7.h)
		v2 = vmem(r29+#4)
	}
	{
		v18.w += vmpyie(v0.w,v20.uh)
		v3 = vmem(r29+#5)
	}
	{
		v19.w += vmpyie(v1.w,v21.uh)
		v21:20.w = vunpack(v15.h)
	}
	{
		v1:0.w = vunpack(v11.h)
		v11:10.w = vadd(v17:16.w,v3:2.w)
	}
	{
		v24.w += vmpyie(v22.w,v6.uh)
		v2 = vmem(r29+#6)
	}
	{
		v6.w = vmpyieo(v4.h,v28.h)
		v14.w = vmpyieo(v30.h,v26.h)
		v3 = vmem(r29+#7)
	}
	{
		v25.w += vmpyie(v23.w,v7.uh)
		v3:2.w = vadd(v19:18.w,v3:2.w)
	}
	{
		v7.w = vmpyieo(v5.h,v29.h)
		v15.w = vmpyieo(v31.h,v27.h)
		v17:16.w = vadd(v25:24.w,v11:10.w)
	}
	{
		v18.w = vmpyieo(v0.h,v20.h)
		v19.w = vmpyieo(v1.h,v21.h)
	}
	{
		v6.w += vmpyie(v4.w,v28.uh)
		v4 = vmem(r29+#2)
	}
	{
		v7.w += vmpyie(v5.w,v29.uh)
		v5 = vmem(r29+#3)
	}
	{
		v14.w += vmpyie(v30.w,v26.uh)
		v5:4.w = vadd(v13:12.w,v5:4.w)
	}
	{
		v15.w += vmpyie(v31.w,v27.uh)
	}
	{
		v18.w += vmpyie(v0.w,v20.uh)
		v13:12.w = vadd(v15:14.w,v9:8.w)
	}
	{
		v19.w += vmpyie(v1.w,v21.uh)
		v1:0.w = vadd(v7:6.w,v3:2.w)
	}
	{
		if (!p0) jump:nt .LBB0_1
		v5:4.w = vadd(v19:18.w,v5:4.w)
	}
	{
		r7 = #64
		r3 = #32
		v1:0.w = vadd(v1:0.w,v13:12.w)
		v3:2.w = vadd(v5:4.w,v17:16.w)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
		r1 = #16
		r0 = #8
	}
	{
		v2 = v1
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
	}
	{
		v3 = v0
	}
	{
		v2 = valign(v0,v0,r7)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
	}
	{
		v3 = v0
	}
	{
		v2 = valign(v0,v0,r3)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
	}
	{
		v3 = v0
	}
	{
		v2 = valign(v0,v0,r1)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
	}
	{
		v3 = v0
	}
	{
		r0 = add(r29,#2048)
		v2 = valign(v0,v0,r0)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
	}
	{
		v3 = v0
	}
	{
		v2 = valign(v0,v0,#4)
	}
	{
		v1:0.w = vadd(v1:0.w,v3:2.w)
		vmem(r0+#2) = v0.new
	}
	{
		r0 = memw(r29+#2304)
		memw(r2+#0) = r0.new
	}
	{
		r31:30 = dealloc_return(r30):raw
	}
.Lfunc_end0:
	.size	dot_i8, .Lfunc_end0-dot_i8

	.section	".note.GNU-stack","",@progbits
