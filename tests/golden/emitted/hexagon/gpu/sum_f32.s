# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: an f32 sum to one element (one chain in the reference's order) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	sum_f32
	.p2align	4
	.type	sum_f32,@function
sum_f32:
	{
		r5 = ##-2147483648
		r4 = #15
		r3:2 = combine(#0,#0)
	}
	{
		r7:6 = combine(#0,#16)
		r8 = ##67108863
		r9 = #0
	}
	{
		r29 = add(r29,#-8)
	}
	{
		memd(r29+#0) = r17:16
	}
	.p2align	4
.LBB0_1:
	{
		r13 = addasl(r0,r2,#2)
		r12 = or(r2,r4)
		r14 = memw(r0+r2<<#2)
	}
	{
		r15 = memw(r0+r12<<#2)
	}
	{
		r5 = sfadd(r5,r14)
		r28 = memw(r13+#4)
		r11:10 = memd(r13+#8)
	}
	{
		r17:16 = memd(r13+#16)
	}
	{
		r5 = sfadd(r5,r28)
	}
	{
		r5 = sfadd(r5,r10)
	}
	{
		r5 = sfadd(r5,r11)
		r11:10 = memd(r13+#24)
	}
	{
		r5 = sfadd(r5,r16)
	}
	{
		r5 = sfadd(r5,r17)
		r17:16 = memd(r13+#32)
	}
	{
		r5 = sfadd(r5,r10)
	}
	{
		r5 = sfadd(r5,r11)
		r11:10 = memd(r13+#40)
	}
	{
		r5 = sfadd(r5,r16)
	}
	{
		r5 = sfadd(r5,r17)
		r17:16 = memd(r13+#48)
		r13 = memw(r13+#56)
	}
	{
		r5 = sfadd(r5,r10)
	}
	{
		r5 = sfadd(r5,r11)
	}
	{
		r5 = sfadd(r5,r16)
	}
	{
		r5 = sfadd(r5,r17)
	}
	{
		r5 = sfadd(r5,r13)
		r3:2 = add(r3:2,r7:6)
		r13 = r3
	}
	{
		p0 = cmp.gtu(r9:8,r13:12)
	}
	{
		r5 = sfadd(r5,r15)
		if (p0) jump:nt .LBB0_1
	}
	{
		r29 = add(r29,#8)
		jumpr r31
		r17:16 = memd(r29+#0)
		memw(r1+#0) = r5
	}
.Lfunc_end0:
	.size	sum_f32, .Lfunc_end0-sum_f32

	.section	".note.GNU-stack","",@progbits
