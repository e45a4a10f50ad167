# LLVM -O3's code: 117440518 packets on QEMU, ours 117440527 (random_inputs seed 0)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	axpy_f32
	.p2align	4
	.type	axpy_f32,@function
axpy_f32:
	{
		r7:6 = combine(#0,#8)
		r5:4 = combine(#0,#0)
		r0 = memw(r0+#0)
	}
	{
		r8 = ##67108864
		r9 = #0
		r29 = add(r29,#-32)
	}
	{
		memd(r29+#24) = r17:16
		memd(r29+#16) = r19:18
	}
	{
		memd(r29+#8) = r21:20
		memd(r29+#0) = r23:22
	}
	.p2align	4
.LBB0_1:
	{
		r12 = asl(r4,#2)
		r13 = memw(r1+r4<<#2)
		r15 = memw(r2+r4<<#2)
	}
	{
		r28 = setbit(r12,#2)
		r10 = setbit(r12,#3)
		r11 = or(r12,#12)
		r14 = or(r12,#20)
	}
	{
		r17 = sfmpy(r0,r13)
		r16 = setbit(r12,#4)
		r18 = memw(r1+r28<<#0)
		r20 = memw(r1+r10<<#0)
	}
	{
		r13 = or(r12,#24)
		r12 = or(r12,#28)
		r21 = memw(r1+r11<<#0)
		r19 = memw(r2+r28<<#0)
	}
	{
		r15 = sfadd(r17,r15)
		r18 = sfmpy(r0,r18)
		r23 = memw(r1+r14<<#0)
		memw(r3+r4<<#2) = r15.new
	}
	{
		r17 = sfmpy(r0,r20)
		r20 = sfmpy(r0,r21)
		r15 = memw(r2+r11<<#0)
		r21 = memw(r1+r16<<#0)
	}
	{
		r18 = sfadd(r18,r19)
		r5:4 = add(r5:4,r7:6)
		r22 = memw(r2+r10<<#0)
		memw(r3+r28<<#0) = r18.new
	}
	{
		r15 = sfadd(r20,r15)
		r20 = sfmpy(r0,r21)
		r18 = memw(r2+r16<<#0)
		memw(r3+r11<<#0) = r15.new
	}
	{
		r15 = sfmpy(r0,r23)
		r17 = sfadd(r17,r22)
		r21 = memw(r1+r13<<#0)
		r23 = memw(r1+r12<<#0)
	}
	{
		r10 = sfadd(r20,r18)
		p0 = cmp.eq(r5:4,r9:8)
		r28 = memw(r2+r14<<#0)
		memw(r3+r10<<#0) = r17
	}
	{
		r20 = sfmpy(r0,r21)
		r21 = sfmpy(r0,r23)
		r22 = memw(r2+r13<<#0)
		r18 = memw(r2+r12<<#0)
	}
	{
		r15 = sfadd(r15,r28)
		memw(r3+r16<<#0) = r10
	}
	{
		r22 = sfadd(r20,r22)
		r23 = sfadd(r21,r18)
		memw(r3+r14<<#0) = r15
	}
	{
		if (!p0) jump:nt .LBB0_1
		memw(r3+r13<<#0) = r22
		memw(r3+r12<<#0) = r23
	}
	{
		r17:16 = memd(r29+#24)
		r19:18 = memd(r29+#16)
	}
	{
		r29 = add(r29,#32)
		jumpr r31
		r21:20 = memd(r29+#8)
		r23:22 = memd(r29+#0)
	}
.Lfunc_end0:
	.size	axpy_f32, .Lfunc_end0-axpy_f32

	.section	".note.GNU-stack","",@progbits
