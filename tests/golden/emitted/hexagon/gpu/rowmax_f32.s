# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: an f32 loop body of 12287 instructions (more than 3600: nested loops) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	rowmax_f32
	.p2align	4
	.type	rowmax_f32,@function
rowmax_f32:
	{
		r5:4 = combine(#0,#0)
		r3:2 = combine(#0,#7)
		r7:6 = combine(#0,#8)
		r8 = #4095
	}
	{
		r9 = #0
		r13:12 = combine(#0,#1)
		r14 = #16383
		r15 = #0
	}
	{
		r29 = add(r29,#-40)
	}
	{
		memd(r29+#32) = r17:16
		memd(r29+#24) = r19:18
	}
	{
		memd(r29+#16) = r21:20
		memd(r29+#8) = r23:22
	}
	{
		memd(r29+#0) = r25:24
	}
	.p2align	4
.LBB0_1:
	{
		r11:10 = asl(r5:4,#12)
		r17:16 = combine(#0,#0)
	}
	{
		r28 = memw(r0+r10<<#2)
	}
	.p2align	4
.LBB0_2:
	{
		r19:18 = or(r17:16,r11:10)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		r22 = addasl(r0,r18,#2)
		r19:18 = or(r17:16,r3:2)
		r20 = memw(r0+r18<<#2)
	}
	{
		r23 = sfmax(r28,r20)
		r21:20 = or(r19:18,r11:10)
	}
	{
		p1 = cmp.gtu(r9:8,r19:18)
		if (!p0) r28 = add(r23,#0)
		r21 = memw(r22+#4)
		r25:24 = memd(r22+#8)
	}
	{
		r21 = sfmax(r28,r21)
		p0 = sfcmp.uo(r28,r28)
		r20 = memw(r0+r20<<#2)
	}
	{
		r17:16 = add(r17:16,r7:6)
		if (!p0) r28 = add(r21,#0)
	}
	{
		r21 = sfmax(r28,r24)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		if (!p0) r28 = add(r21,#0)
	}
	{
		r21 = sfmax(r28,r25)
		p0 = sfcmp.uo(r28,r28)
		r25:24 = memd(r22+#16)
		r22 = memw(r22+#24)
	}
	{
		if (!p0) r28 = add(r21,#0)
	}
	{
		r21 = sfmax(r28,r24)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		if (!p0) r28 = add(r21,#0)
	}
	{
		r21 = sfmax(r28,r25)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		if (!p0) r28 = add(r21,#0)
	}
	{
		r21 = sfmax(r28,r22)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		if (!p0) r28 = add(r21,#0)
	}
	{
		r18 = sfmax(r28,r20)
		p0 = sfcmp.uo(r28,r28)
	}
	{
		if (!p0) r28 = add(r18,#0)
		if (p1) jump:nt .LBB0_2
	}
	{
		p0 = cmp.gtu(r15:14,r5:4)
		r5:4 = add(r5:4,r13:12)
		if (p0.new) jump:t .LBB0_1
		memw(r1+r4<<#2) = r28
	}
	{
		r17:16 = memd(r29+#32)
		r19:18 = memd(r29+#24)
	}
	{
		r21:20 = memd(r29+#16)
		r23:22 = memd(r29+#8)
	}
	{
		r29 = add(r29,#40)
		jumpr r31
		r25:24 = memd(r29+#0)
	}
.Lfunc_end0:
	.size	rowmax_f32, .Lfunc_end0-rowmax_f32

	.section	".note.GNU-stack","",@progbits
