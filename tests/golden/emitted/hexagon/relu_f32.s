# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: floating-point buffers not supported yet)
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
		r7:6 = combine(#0,#16)
		r4 = #0
		r3:2 = combine(#0,#0)
	}
	{
		r8 = ##65536
		r9 = #0
	}
	.p2align	4
.LBB0_1:
	{
		r5 = asl(r2,#2)
		r12 = memw(r0+r2<<#2)
	}
	{
		r12 = sfmax(r12,r4)
		r13 = setbit(r5,#2)
		memw(r1+r2<<#2) = r12.new
	}
	{
		r14 = setbit(r5,#3)
		r10 = setbit(r5,#4)
		r12 = or(r5,#12)
		r15 = memw(r0+r13<<#0)
	}
	{
		r15 = sfmax(r15,r4)
		r3:2 = add(r3:2,r7:6)
		r28 = memw(r0+r12<<#0)
		memw(r1+r13<<#0) = r15.new
	}
	{
		r11 = sfmax(r28,r4)
		r15 = or(r5,#28)
		r13 = memw(r0+r14<<#0)
		memw(r1+r12<<#0) = r11.new
	}
	{
		r28 = sfmax(r13,r4)
		r14 = or(r5,#24)
		r11 = memw(r0+r10<<#0)
		memw(r1+r14<<#0) = r28.new
	}
	{
		r12 = sfmax(r11,r4)
		r13 = or(r5,#20)
		r10 = memw(r0+r14<<#0)
		memw(r1+r10<<#0) = r12.new
	}
	{
		r10 = sfmax(r10,r4)
		r28 = setbit(r5,#5)
		r12 = memw(r0+r13<<#0)
	}
	{
		r12 = sfmax(r12,r4)
		memw(r1+r13<<#0) = r12.new
	}
	{
		r14 = or(r5,#40)
		r12 = or(r5,#36)
		r10 = memw(r0+r28<<#0)
		memw(r1+r14<<#0) = r10
	}
	{
		r10 = sfmax(r10,r4)
		p0 = cmp.eq(r3:2,r9:8)
		r13 = memw(r0+r15<<#0)
	}
	{
		r13 = sfmax(r13,r4)
		r15 = memw(r0+r12<<#0)
		memw(r1+r15<<#0) = r13.new
	}
	{
		r15 = sfmax(r15,r4)
		r13 = or(r5,#44)
		r10 = memw(r0+r14<<#0)
		memw(r1+r28<<#0) = r10
	}
	{
		r10 = sfmax(r10,r4)
		r28 = or(r5,#48)
		r15 = memw(r0+r13<<#0)
		memw(r1+r12<<#0) = r15
	}
	{
		r12 = or(r5,#52)
		r14 = or(r5,#56)
		r10 = memw(r0+r28<<#0)
		memw(r1+r14<<#0) = r10
	}
	{
		r15 = sfmax(r15,r4)
		r5 = or(r5,#60)
		r13 = memw(r0+r12<<#0)
		memw(r1+r13<<#0) = r15.new
	}
	{
		r11 = sfmax(r10,r4)
		r13 = sfmax(r13,r4)
		r10 = memw(r0+r5<<#0)
		memw(r1+r28<<#0) = r11.new
	}
	{
		r11 = sfmax(r10,r4)
		r28 = memw(r0+r14<<#0)
		memw(r1+r12<<#0) = r13
	}
	{
		r12 = sfmax(r28,r4)
		memw(r1+r14<<#0) = r12.new
	}
	{
		if (!p0) jump:nt .LBB0_1
		memw(r1+r5<<#0) = r11
	}
	{
		jumpr r31
	}
.Lfunc_end0:
	.size	relu_f32, .Lfunc_end0-relu_f32

	.section	".note.GNU-stack","",@progbits
