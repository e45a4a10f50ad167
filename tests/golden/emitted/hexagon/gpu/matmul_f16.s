# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: buffers other than f32 and integers of up to 32 bits beside f32 ones (a: f16, b: f16) not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	matmul_f16
	.p2align	4
	.type	matmul_f16,@function
matmul_f16:
	{
		r17 = r1
		memd(r29+#-16) = r17:16
		allocframe(#64)
	}
	{
		r3:2 = combine(#0,#0)
		r18 = r0
		memd(r29+#48) = r19:18
		memw(r29+#4) = r2
	}
	{
		memd(r29+#40) = r21:20
		memd(r29+#32) = r23:22
	}
	{
		memd(r29+#24) = r25:24
		memd(r29+#16) = r27:26
	}
	.p2align	4
.LBB0_1:
	{
		r23:22 = asl(r3:2,#12)
		r25:24 = combine(#0,#0)
		memd(r29+#8) = r3:2
	}
	.p2align	4
.LBB0_2:
	{
		r16 = ##-2147483648
		r21:20 = combine(#0,#0)
	}
	.p2align	4
.LBB0_3:
	{
		r1:0 = add(r21:20,r23:22)
	}
	{
		call __extendhfsf2
		r0 = memuh(r18+r0<<#1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r21:20,#12)
	}
	{
		call __extendhfsf2
		r26 = setbit(r20,#0)
		r27 = r21
		r0 = memuh(r17+r2<<#1)
	}
	{
		r1 = sfmpy(r19,r0)
		r3:2 = add(r27:26,r23:22)
	}
	{
		r0 = memuh(r18+r2<<#1)
	}
	{
		call __extendhfsf2
		r16 = sfadd(r16,r1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r26 = setbit(r20,#1)
		r0 = memuh(r17+r2<<#1)
	}
	{
		r1 = sfmpy(r19,r0)
		r3:2 = add(r27:26,r23:22)
	}
	{
		r0 = memuh(r18+r2<<#1)
	}
	{
		call __extendhfsf2
		r16 = sfadd(r16,r1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r0 = memuh(r17+r2<<#1)
	}
	{
		r6 = sfmpy(r19,r0)
		r1 = #3
	}
	{
		r26 = or(r20,r1)
	}
	{
		r3:2 = add(r27:26,r23:22)
		r16 = sfadd(r16,r6)
	}
	{
		call __extendhfsf2
		r0 = memuh(r18+r2<<#1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r26 = setbit(r20,#2)
		r0 = memuh(r17+r2<<#1)
	}
	{
		r1 = sfmpy(r19,r0)
		r3:2 = add(r27:26,r23:22)
	}
	{
		r0 = memuh(r18+r2<<#1)
	}
	{
		call __extendhfsf2
		r16 = sfadd(r16,r1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r0 = memuh(r17+r2<<#1)
	}
	{
		r6 = sfmpy(r19,r0)
		r1 = #5
	}
	{
		r26 = or(r20,r1)
	}
	{
		r3:2 = add(r27:26,r23:22)
		r16 = sfadd(r16,r6)
	}
	{
		call __extendhfsf2
		r0 = memuh(r18+r2<<#1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r0 = memuh(r17+r2<<#1)
	}
	{
		r6 = sfmpy(r19,r0)
		r1 = #6
	}
	{
		r26 = or(r20,r1)
	}
	{
		r3:2 = add(r27:26,r23:22)
		r16 = sfadd(r16,r6)
	}
	{
		call __extendhfsf2
		r0 = memuh(r18+r2<<#1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r0 = memuh(r17+r2<<#1)
	}
	{
		r6 = sfmpy(r19,r0)
		r1 = #7
	}
	{
		r26 = or(r20,r1)
	}
	{
		r3:2 = add(r27:26,r23:22)
		r16 = sfadd(r16,r6)
	}
	{
		call __extendhfsf2
		r0 = memuh(r18+r2<<#1)
	}
	{
		r3:2 = combine(r25,r24)
		r19 = r0
	}
	{
		r3:2 += asl(r27:26,#12)
	}
	{
		call __extendhfsf2
		r0 = memuh(r17+r2<<#1)
	}
	{
		r0 = sfmpy(r19,r0)
		r3:2 = combine(#0,#8)
		r4 = #4095
		r5 = #0
	}
	{
		p0 = cmp.gtu(r5:4,r27:26)
		r21:20 = add(r21:20,r3:2)
	}
	{
		r16 = sfadd(r16,r0)
		if (p0) jump:nt .LBB0_3
	}
	{
		r1:0 = add(r25:24,r23:22)
		p0 = cmp.gtu(r5:4,r25:24)
		r3:2 = combine(#0,#1)
	}
	{
		r25:24 = add(r25:24,r3:2)
		r1 = memw(r29+#4)
	}
	{
		if (p0) jump:nt .LBB0_2
		memw(r1+r0<<#2) = r16
	}
	{
		r1:0 = memd(r29+#8)
	}
	{
		p0 = cmp.gtu(r5:4,r1:0)
		r3:2 = add(r1:0,r3:2)
		if (p0.new) jump:t .LBB0_1
	}
	{
		r17:16 = memd(r29+#56)
		r19:18 = memd(r29+#48)
	}
	{
		r21:20 = memd(r29+#40)
		r23:22 = memd(r29+#32)
	}
	{
		r25:24 = memd(r29+#24)
		r27:26 = memd(r29+#16)
	}
	{
		r31:30 = dealloc_return(r30):raw
	}
.Lfunc_end0:
	.size	matmul_f16, .Lfunc_end0-matmul_f16

	.globl	__extendhfsf2
	.p2align	4
	.type	__extendhfsf2,@function
__extendhfsf2:
	{
		r1 = extractu(r0,#10,#0)
		r2 = and(r0,##31744)
		r3 = #31744
	}
	{
		r2 = add(##939524096,asl(r2,#13))
		r4 = ##864026624
	}
	{
		p0 = bitsset(r0,r3)
		r5 = convert_uw2sf(r1)
		if (p0.new) r2 = ##2139095040
	}
	{
		r2 |= asl(r1,#13)
		p0 = bitsclr(r0,r3)
		r0 = aslh(r0)
	}
	{
		r4 = sfmpy(r5,r4)
	}
	{
		if (!p0) r4 = add(r2,#0)
	}
	{
		r0 = or(r4,and(r0,##-2147483648))
		jumpr r31
	}
.Lfunc_end1:
	.size	__extendhfsf2, .Lfunc_end1-__extendhfsf2

	.globl	__truncsfhf2
	.p2align	4
	.type	__truncsfhf2,@function
__truncsfhf2:
	{
		r1 = extractu(r0,#31,#0)
		r2 = extractu(r0,#1,#13)
		r3 = ##1056964608
	}
	{
		r2 = add(r1,add(r2,##-939520001))
		r4 = extractu(r0,#8,#23)
	}
	{
		r3 = sfadd(r1,r3)
		r2 = lsr(r2,#13)
		p1 = cmp.gtu(r1,##1199566847)
	}
	{
		r6 = extractu(r0,#9,#13)
		r0 = lsr(r0,#16)
		p0 = cmp.gtu(r4,#112)
	}
	{
		if (!p0) r2 = add(r3,#0)
		p0 = cmp.gtu(r1,##2139095040)
	}
	{
		r1 = or(r6,##32256)
		if (p1) r2 = ##31744
	}
	{
		if (!p0) r1 = add(r2,#0)
	}
	{
		r0 = or(r1,and(r0,##32768))
		jumpr r31
	}
.Lfunc_end2:
	.size	__truncsfhf2, .Lfunc_end2-__truncsfhf2

	.section	".note.GNU-stack","",@progbits
