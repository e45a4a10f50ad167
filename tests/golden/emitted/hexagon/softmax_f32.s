# fallback: LLVM -O3 (our selection: HexagonUnsupported: hexagon: f32 kernels of several stores or with temporaries not supported yet)
	.attribute	4, 66
	.attribute	5, 66
	.attribute	8, 1
	.attribute	10, 1
	.file	"<string>"
	.text
	.globl	softmax_f32
	.p2align	4
	.type	softmax_f32,@function
softmax_f32:
	{
		r7:6 = combine(#0,#1)
		r9:8 = combine(#0,#63)
		r5:4 = combine(#0,#0)
		allocframe(#72)
	}
	{
		r19:18 = combine(r0,r1)
		r1:0 = combine(#0,#8)
		memd(r29+#32) = r25:24
		memd(r29+#56) = r19:18
	}
	{
		r3:2 = combine(#0,#7)
		r24 = #1023
		memw(r29+#4) = r3
		memw(r29+#0) = r2
	}
	{
		r25 = #0
		memd(r29+#64) = r17:16
		memd(r29+#48) = r21:20
	}
	{
		memd(r29+#40) = r23:22
		memd(r29+#24) = r27:26
	}
	.p2align	4
.LBB0_1:
	{
		r13:12 = asl(r5:4,#10)
		r11:10 = combine(#0,#0)
	}
	{
		r14 = memw(r19+r12<<#2)
	}
	.p2align	4
.LBB0_2:
	{
		r17:16 = or(r11:10,r13:12)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		r15 = addasl(r19,r16,#2)
		r17:16 = or(r11:10,r3:2)
		r28 = memw(r19+r16<<#2)
	}
	{
		r28 = sfmax(r14,r28)
		r21:20 = or(r17:16,r13:12)
	}
	{
		p1 = cmp.gtu(r25:24,r17:16)
		if (!p0) r14 = add(r28,#0)
		r26 = memw(r15+#4)
		r23:22 = memd(r15+#8)
	}
	{
		r28 = sfmax(r14,r26)
		p0 = sfcmp.uo(r14,r14)
		r27 = memw(r19+r20<<#2)
	}
	{
		r11:10 = add(r11:10,r1:0)
		if (!p0) r14 = add(r28,#0)
	}
	{
		r28 = sfmax(r14,r22)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		if (!p0) r14 = add(r28,#0)
	}
	{
		r28 = sfmax(r14,r23)
		p0 = sfcmp.uo(r14,r14)
		r23:22 = memd(r15+#16)
		r15 = memw(r15+#24)
	}
	{
		if (!p0) r14 = add(r28,#0)
	}
	{
		r28 = sfmax(r14,r22)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		if (!p0) r14 = add(r28,#0)
	}
	{
		r28 = sfmax(r14,r23)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		if (!p0) r14 = add(r28,#0)
	}
	{
		r15 = sfmax(r14,r15)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		if (!p0) r14 = add(r15,#0)
	}
	{
		r15 = sfmax(r14,r27)
		p0 = sfcmp.uo(r14,r14)
	}
	{
		if (!p0) r14 = add(r15,#0)
		if (p1) jump:nt .LBB0_2
	}
	{
		p0 = cmp.gtu(r9:8,r5:4)
		r12 = memw(r29+#0)
	}
	{
		r5:4 = add(r5:4,r7:6)
		if (p0) jump:nt .LBB0_1
		memw(r12+r4<<#2) = r14
	}
	{
		r16 = ##1069066811
		r3:2 = combine(#0,#0)
	}
	.p2align	4
.LBB0_5:
	{
		r27:26 = asl(r3:2,#10)
		r23:22 = combine(#0,#0)
		r0 = memw(r29+#0)
	}
	{
		r17 = ##-2147483648
		memd(r29+#8) = r3:2
	}
	{
		r20 = memw(r0+r2<<#2)
	}
	.p2align	4
.LBB0_6:
	{
		r3:2 = add(r23:22,r27:26)
	}
	{
		r21 = addasl(r19,r2,#2)
		r0 = memw(r19+r2<<#2)
	}
	{
		r0 = sfsub(r0,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r0,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r1 = memw(r21+#4)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r1 = memw(r21+#8)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r1 = memw(r21+#12)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r1 = memw(r21+#16)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r1 = memw(r21+#20)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r21 = #7
		r1 = memw(r21+#24)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
		r24 = or(r22,r21)
		r25 = r23
	}
	{
		r17 = sfadd(r17,r0)
		r3:2 = add(r25:24,r27:26)
	}
	{
		r1 = memw(r19+r2<<#2)
	}
	{
		r1 = sfsub(r1,r20)
	}
	{
		call exp2f
		r0 = sfmpy(r1,r16)
	}
	{
		r17 = sfadd(r17,r0)
		r5:4 = combine(#0,#8)
		r2 = #1023
		r3 = #0
	}
	{
		p0 = cmp.gtu(r3:2,r25:24)
		r23:22 = add(r23:22,r5:4)
		if (p0.new) jump:t .LBB0_6
	}
	{
		r1:0 = combine(#0,#63)
		r4 = memw(r29+#4)
		r3:2 = memd(r29+#8)
	}
	{
		p0 = cmp.gtu(r1:0,r3:2)
	}
	{
		r5:4 = combine(#0,#1)
		memw(r4+r2<<#2) = r17
	}
	{
		r3:2 = add(r3:2,r5:4)
		if (p0) jump:nt .LBB0_5
	}
	{
		r3:2 = combine(#0,#0)
		r27 = ##1069066811
	}
	.p2align	4
.LBB0_9:
	{
		r5:4 = asl(r3:2,#10)
		r17:16 = combine(#0,#0)
		r0 = memw(r29+#0)
		memd(r29+#16) = r3:2
	}
	{
		r4 = memw(r29+#4)
		memd(r29+#8) = r5:4
	}
	{
		r25 = memw(r0+r2<<#2)
	}
	{
		r23 = memw(r4+r2<<#2)
	}
	.p2align	4
.LBB0_10:
	{
		r1:0 = memd(r29+#8)
	}
	{
		r21:20 = add(r17:16,r1:0)
	}
	{
		r0 = memw(r19+r20<<#2)
	}
	{
		r0 = sfsub(r0,r25)
	}
	{
		call exp2f
		r0 = sfmpy(r0,r27)
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
		r7 = #0
	}
	{
		r3 -= sfmpy(r2,r1):lib
		r26 = add(r20,#1)
	}
	{
		r21 = r4
		r5 = r4
	}
	{
		r21 = insert(r7,#31,#0)
		r1 += sfmpy(r3,r1):lib
	}
	{
		r7 = r21
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r26<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r27)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r20<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
	}
	{
		r3 -= sfmpy(r2,r1):lib
		r22 = ##1069066811
	}
	{
		r27 = r4
		r5 = r4
	}
	{
		r27 = insert(r21,#31,#0)
		r1 += sfmpy(r3,r1):lib
		r21 = add(r20,#2)
	}
	{
		r7 = r27
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r21<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r22)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r26<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
	}
	{
		r3 -= sfmpy(r2,r1):lib
	}
	{
		r26 = r4
		r5 = r4
	}
	{
		r26 = insert(r27,#31,#0)
		r1 += sfmpy(r3,r1):lib
		r27 = add(r20,#3)
	}
	{
		r7 = r26
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r27<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r22)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r21<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
	}
	{
		r3 -= sfmpy(r2,r1):lib
	}
	{
		r21 = r4
		r5 = r4
	}
	{
		r21 = insert(r26,#31,#0)
		r1 += sfmpy(r3,r1):lib
		r26 = add(r20,#4)
	}
	{
		r7 = r21
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r26<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r22)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r27<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
	}
	{
		r3 -= sfmpy(r2,r1):lib
	}
	{
		r27 = r4
		r5 = r4
	}
	{
		r27 = insert(r21,#31,#0)
		r1 += sfmpy(r3,r1):lib
		r21 = add(r20,#5)
	}
	{
		r7 = r27
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r21<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r22)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r26<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
		r24 = add(r20,#6)
	}
	{
		r3 -= sfmpy(r2,r1):lib
	}
	{
		r26 = r4
		r5 = r4
	}
	{
		r26 = insert(r27,#31,#0)
		r1 += sfmpy(r3,r1):lib
	}
	{
		r7 = r26
	}
	{
		r7 += sfmpy(r4,r1):lib
		r6 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r5 -= sfmpy(r2,r7):lib
		r6 = memw(r19+r24<<#2)
	}
	{
		r7 += sfmpy(r5,r1):lib
		r0 = sfsub(r6,r25)
	}
	{
		r4 -= sfmpy(r7,r2):lib
		r0 = sfmpy(r0,r22)
	}
	{
		call exp2f
		r7 += sfmpy(r4,r1,p0):scale
		memw(r18+r21<<#2) = r7.new
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r4 = sffixupn(r0,r23)
		r6 = ##1065353216
		r5 = #7
	}
	{
		r3 -= sfmpy(r2,r1):lib
		r21 = r17
		r20 = or(r16,r5)
	}
	{
		r22 = r4
		r0 = r4
	}
	{
		r22 = insert(r26,#31,#0)
		r1 += sfmpy(r3,r1):lib
	}
	{
		r3 = r22
	}
	{
		r6 -= sfmpy(r2,r1):lib
		r3 += sfmpy(r4,r1):lib
	}
	{
		r1 += sfmpy(r6,r1):lib
		r0 -= sfmpy(r2,r3):lib
		r7:6 = memd(r29+#8)
	}
	{
		r27:26 = add(r21:20,r7:6)
	}
	{
		r3 += sfmpy(r0,r1):lib
		r27 = ##1069066811
		r5 = memw(r19+r26<<#2)
	}
	{
		r5 = sfsub(r5,r25)
		r4 -= sfmpy(r3,r2):lib
	}
	{
		r0 = sfmpy(r5,r27)
		r3 += sfmpy(r4,r1,p0):scale
		memw(r18+r24<<#2) = r3.new
	}
	{
		call exp2f
	}
	{
		r1,p0 = sfrecipa(r0,r23)
		r2 = sffixupd(r0,r23)
		r3 = ##1065353216
	}
	{
		r0 = sffixupn(r0,r23)
		r4 = ##1065353216
		r6 = #1023
	}
	{
		r3 -= sfmpy(r2,r1):lib
		r7 = #0
	}
	{
		p1 = cmp.gtu(r7:6,r21:20)
		r5 = r0
	}
	{
		r1 += sfmpy(r3,r1):lib
		r3 = r0
	}
	{
		r3 = insert(r22,#31,#0)
	}
	{
		r3 += sfmpy(r0,r1):lib
		r4 -= sfmpy(r2,r1):lib
	}
	{
		r1 += sfmpy(r4,r1):lib
		r5 -= sfmpy(r2,r3):lib
	}
	{
		r3 += sfmpy(r5,r1):lib
		r5:4 = combine(#0,#8)
	}
	{
		r17:16 = add(r17:16,r5:4)
	}
	{
		r0 -= sfmpy(r3,r2):lib
	}
	{
		r3 += sfmpy(r0,r1,p0):scale
		if (p1) jump:nt .LBB0_10
		memw(r18+r26<<#2) = r3.new
	}
	{
		r3:2 = combine(#0,#63)
		r5:4 = combine(#0,#1)
		r1:0 = memd(r29+#16)
	}
	{
		p0 = cmp.gtu(r3:2,r1:0)
		r3:2 = add(r1:0,r5:4)
		if (p0.new) jump:t .LBB0_9
	}
	{
		r17:16 = memd(r29+#64)
		r19:18 = memd(r29+#56)
	}
	{
		r21:20 = memd(r29+#48)
		r23:22 = memd(r29+#40)
	}
	{
		r25:24 = memd(r29+#32)
		r27:26 = memd(r29+#24)
	}
	{
		r31:30 = dealloc_return(r30):raw
	}
.Lfunc_end0:
	.size	softmax_f32, .Lfunc_end0-softmax_f32

	.globl	exp2f
	.p2align	4
	.type	exp2f,@function
exp2f:
	{
		r1 = ##-1021313024
		r2 = ##1124106240
	}
	{
		r1 = sfmax(r0,r1)
		r4 = ##1060205080
		r3 = #0
	}
	{
		r5 = ##985008993
		r6 = ##1007192201
	}
	{
		r1 = sfmin(r1,r2)
	}
	{
		p0 = sfcmp.uo(r3,r1)
		p1 = sfcmp.gt(r3,r1)
	}
	{
		p0 = and(p1,!p0)
		if (p0.new) r2 = ##-1090519040
	}
	{
		p0 = sfcmp.uo(r0,r0)
		if (!p0) r2 = ##1056964608
	}
	{
		r2 = sfadd(r1,r2)
	}
	{
		r2 = convert_sf2w(r2):chop
	}
	{
		r7 = convert_w2sf(r2)
	}
	{
		r1 = sfsub(r1,r7)
	}
	{
		r1 = sfmpy(r1,r4)
		r4 = ##1065353216
	}
	{
		r7 = sfmpy(r1,r5)
	}
	{
		r3 = sfadd(r7,r6)
		r6 = ##1026206379
	}
	{
		r3 = sfmpy(r1,r3)
		r7 = ##1042983595
	}
	{
		r3 = sfadd(r3,r6)
		r6 = ##1056964608
	}
	{
		r3 = sfmpy(r1,r3)
	}
	{
		r3 = sfadd(r3,r7)
		r7 = ##1065353216
	}
	{
		r3 = sfmpy(r1,r3)
	}
	{
		r6 = extractu(r2,#9,#1)
		r3 = sfadd(r3,r6)
	}
	{
		r7 += asl(r6,#23)
		r2 -= lsr(r2,#1)
	}
	{
		r3 = sfmpy(r1,r3)
	}
	{
		r3 = sfadd(r3,r4)
	}
	{
		r1 = sfmpy(r1,r3)
	}
	{
		r4 += asl(r2,#23)
		r1 = sfadd(r1,r4)
	}
	{
		r1 = sfmpy(r1,r7)
	}
	{
		r1 = sfmpy(r1,r4)
	}
	{
		if (p0) r1 = add(r0,#0)
	}
	{
		r0 = r1
		jumpr r31
	}
.Lfunc_end1:
	.size	exp2f, .Lfunc_end1-exp2f

	.section	".note.GNU-stack","",@progbits
