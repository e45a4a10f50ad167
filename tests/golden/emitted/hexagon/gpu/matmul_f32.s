# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: an f32 loop body of more than 3600 instructions (nested loops) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	matmul_f32
	.p2align	4
	.type	matmul_f32,@function
matmul_f32:
	{
		r5:4 = combine(#0,#0)
		r13:12 = combine(#7,#6)
		r14 = #4095
		r15 = #0
	}
	{
		r28 = #3
		r8 = #5
		r29 = add(r29,#-56)
	}
	{
		memd(r29+#48) = r17:16
		memd(r29+#40) = r19:18
	}
	{
		memd(r29+#32) = r21:20
		memd(r29+#24) = r23:22
	}
	{
		memd(r29+#16) = r25:24
		memd(r29+#8) = r27:26
	}
	{
		memw(r29+#4) = r2
	}
	.p2align	4
.LBB0_1:
	{
		r17:16 = asl(r5:4,#12)
		r3:2 = combine(#0,#0)
	}
	.p2align	4
.LBB0_2:
	{
		r21:20 = combine(#0,#0)
		r9 = ##-2147483648
	}
	.p2align	4
.LBB0_3:
	{
		r10 = setbit(r20,#0)
		r23:22 = combine(r3,r2)
		r25:24 = combine(r3,r2)
		r11 = r21
	}
	{
		r23:22 += asl(r21:20,#12)
		r6 = setbit(r20,#1)
		r19:18 = combine(r3,r2)
		r7 = r21
	}
	{
		r19:18 += asl(r7:6,#12)
		r7:6 = add(r7:6,r17:16)
	}
	{
		r25:24 += asl(r11:10,#12)
		r11:10 = add(r11:10,r17:16)
		r23:22 = combine(r3,r2)
		r7 = memw(r1+r22<<#2)
	}
	{
		r27:26 = add(r21:20,r17:16)
		r10 = memw(r0+r10<<#2)
		r6 = memw(r0+r6<<#2)
	}
	{
		r26 = or(r20,r28)
		r27 = r21
		r11 = memw(r0+r26<<#2)
		r19 = memw(r1+r24<<#2)
	}
	{
		r23:22 += asl(r27:26,#12)
		r27:26 = add(r27:26,r17:16)
		r25:24 = combine(r3,r2)
		r18 = memw(r1+r18<<#2)
	}
	{
		r7 = sfmpy(r11,r7)
		r10 = sfmpy(r10,r19)
		r23 = r21
		r11 = memw(r0+r26<<#2)
	}
	{
		r6 = sfmpy(r6,r18)
		r22 = setbit(r20,#2)
		r19 = r21
		r18 = memw(r1+r22<<#2)
	}
	{
		r25:24 += asl(r23:22,#12)
		r7 = sfadd(r9,r7)
	}
	{
		r9 = sfmpy(r11,r18)
		r27:26 = add(r23:22,r17:16)
		r18 = or(r20,r8)
		r23:22 = combine(r3,r2)
	}
	{
		r23:22 += asl(r19:18,#12)
		r7 = sfadd(r7,r10)
		r10 = memw(r0+r26<<#2)
		r11 = memw(r1+r24<<#2)
	}
	{
		r27:26 = add(r19:18,r17:16)
		r18 = or(r20,r12)
	}
	{
		r6 = sfadd(r7,r6)
		r7 = sfmpy(r10,r11)
		r23:22 = combine(r3,r2)
		r11 = memw(r1+r22<<#2)
	}
	{
		r23:22 += asl(r19:18,#12)
		r25:24 = add(r19:18,r17:16)
		r18 = or(r20,r13)
		r10 = memw(r0+r26<<#2)
	}
	{
		r6 = sfadd(r6,r9)
		p0 = cmp.gtu(r15:14,r19:18)
		r27:26 = combine(r3,r2)
		r9 = memw(r0+r24<<#2)
	}
	{
		r27:26 += asl(r19:18,#12)
		r23:22 = add(r19:18,r17:16)
		r25 = memw(r1+r22<<#2)
	}
	{
		r6 = sfadd(r6,r7)
		r7 = sfmpy(r10,r11)
	}
	{
		r27 = memw(r1+r26<<#2)
	}
	{
		r6 = sfadd(r6,r7)
		r7 = sfmpy(r9,r25)
		r9 = memw(r0+r22<<#2)
	}
	{
		r6 = sfadd(r6,r7)
		r7 = sfmpy(r9,r27)
		r27:26 = combine(#0,#8)
	}
	{
		r21:20 = add(r21:20,r27:26)
	}
	{
		r9 = sfadd(r6,r7)
		if (p0) jump:nt .LBB0_3
	}
	{
		r7:6 = add(r3:2,r17:16)
		p0 = cmp.gtu(r15:14,r3:2)
		r11:10 = combine(#0,#1)
	}
	{
		r3:2 = add(r3:2,r11:10)
		r7 = memw(r29+#4)
	}
	{
		if (p0) jump:nt .LBB0_2
		memw(r7+r6<<#2) = r9
	}
	{
		p0 = cmp.gtu(r15:14,r5:4)
		r3:2 = combine(#0,#1)
	}
	{
		r5:4 = add(r5:4,r3:2)
		if (p0) jump:nt .LBB0_1
	}
	{
		r17:16 = memd(r29+#48)
		r19:18 = memd(r29+#40)
	}
	{
		r21:20 = memd(r29+#32)
		r23:22 = memd(r29+#24)
	}
	{
		r29 = add(r29,#56)
		jumpr r31
		r25:24 = memd(r29+#16)
		r27:26 = memd(r29+#8)
	}
.Lfunc_end0:
	.size	matmul_f32, .Lfunc_end0-matmul_f32

	.section	".note.GNU-stack","",@progbits
