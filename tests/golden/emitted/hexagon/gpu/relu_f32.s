# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: floating-point buffers (v66 HVX has no float lanes) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	relu_f32
	.p2align	4
	.type	relu_f32,@function
relu_f32:
	{
		r7:6 = combine(#0,#8)
		r4 = #0
		r3:2 = combine(#0,#0)
	}
	{
		r8 = ##67108864
		r9 = #0
		r29 = add(r29,#-16)
	}
	{
		memd(r29+#8) = r17:16
		memd(r29+#0) = r19:18
	}
	.p2align	4
.LBB0_1:
	{
		r12 = asl(r2,#2)
		r13 = memw(r0+r2<<#2)
	}
	{
		r15 = sfmax(r13,r4)
		r14 = setbit(r12,#2)
		r28 = or(r12,#12)
		r5 = or(r12,#20)
	}
	{
		p0 = sfcmp.uo(r13,r13)
		r11 = setbit(r12,#3)
		r10 = memw(r0+r14<<#0)
		r16 = memw(r0+r28<<#0)
	}
	{
		r13 = sfmax(r10,r4)
		p1 = sfcmp.uo(r10,r10)
		if (p0) r15 = add(r13,#0)
	}
	{
		if (p1) r13 = add(r10,#0)
		r15 = memw(r0+r11<<#0)
		memw(r1+r2<<#2) = r15
	}
	{
		r13 = sfmax(r15,r4)
		r17 = setbit(r12,#4)
		memw(r1+r14<<#0) = r13
	}
	{
		p1 = sfcmp.uo(r15,r15)
		r19 = or(r12,#24)
		if (p1.new) r13 = add(r15,#0)
		r18 = memw(r0+r17<<#0)
	}
	{
		r14 = sfmax(r16,r4)
		p0 = sfcmp.uo(r16,r16)
		r10 = memw(r0+r5<<#0)
	}
	{
		r13 = sfmax(r18,r4)
		if (p0) r14 = add(r16,#0)
		r12 = or(r12,#28)
		memw(r1+r11<<#0) = r13
	}
	{
		p0 = sfcmp.uo(r18,r18)
		r3:2 = add(r3:2,r7:6)
		r15 = memw(r0+r19<<#0)
		memw(r1+r28<<#0) = r14
	}
	{
		r14 = sfmax(r10,r4)
		p1 = sfcmp.uo(r10,r10)
		if (p0) r13 = add(r18,#0)
		r28 = memw(r0+r12<<#0)
	}
	{
		r11 = sfmax(r15,r4)
		p2 = cmp.eq(r3:2,r9:8)
		if (p1) r14 = add(r10,#0)
		memw(r1+r17<<#0) = r13
	}
	{
		r13 = sfmax(r28,r4)
		p0 = sfcmp.uo(r15,r15)
		memw(r1+r5<<#0) = r14
	}
	{
		p1 = sfcmp.uo(r28,r28)
		if (p0) r11 = add(r15,#0)
	}
	{
		if (p1) r13 = add(r28,#0)
		memw(r1+r19<<#0) = r11
	}
	{
		if (!p2) jump:nt .LBB0_1
		memw(r1+r12<<#0) = r13
	}
	{
		r29 = add(r29,#16)
		jumpr r31
		r17:16 = memd(r29+#8)
		r19:18 = memd(r29+#0)
	}
.Lfunc_end0:
	.size	relu_f32, .Lfunc_end0-relu_f32

	.section	".note.GNU-stack","",@progbits
